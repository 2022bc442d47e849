"""GXP-S3-08: objects are encrypted at rest with a customer-managed KMS key."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import gxp_bucket
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-S3-08"
STACK = "LogArchive-log-archive-us-east-1"
KEY_ALIAS_ARN = "arn:aws:kms:us-east-1:222222222222:alias/gxp/log-archive"


def default(template: dict) -> dict:
    encryption = properties(template, "AWS::S3::Bucket", "ConfigHistory")["BucketEncryption"]
    return encryption["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: default(t).update(SSEAlgorithm="AES256") or default(t).pop("KMSMasterKeyID"), id="sse-s3"),
        pytest.param(lambda t: default(t).pop("KMSMasterKeyID"), id="aws-managed-key-by-default"),
        pytest.param(lambda t: default(t).update(KMSMasterKeyID="alias/aws/s3"), id="aws-managed-alias"),
        pytest.param(
            lambda t: default(t).update(KMSMasterKeyID="arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            id="key-arn-says-nothing",
        ),
        pytest.param(lambda t: default(t).update(KMSMasterKeyID={"Ref": "BucketKey"}), id="unprovable-key"),
        pytest.param(
            lambda t: properties(t, "AWS::S3::Bucket", "ConfigHistory").pop("BucketEncryption"), id="no-default-encryption"
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: default(t).update(KMSMasterKeyID=KEY_ALIAS_ARN), id="own-alias-arn"),
        pytest.param(lambda t: default(t).update(SSEAlgorithm="aws:kms:dsse"), id="dual-layer"),
    ],
)
def test_a_customer_key_named_otherwise_is_compliant(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def test_the_access_log_bucket_is_an_acknowledged_deviation(reference, ctx):
    from controls.support import findings

    assert findings(reference[STACK], ctx, CONTROL) == []
    acknowledged = [d for d in reference[STACK].acknowledgements.values() if CONTROL in d]
    assert acknowledged and "SSE-S3" in next(iter(acknowledged))[CONTROL]


def _config_bucket(stack):
    return stack.config_bucket.bucket.node.default_child


def build(app, config):
    return LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region)


_DEFAULT = "Properties.BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault"

CHANNELS = Channels(
    build=build,
    # gxp_bucket.py edited to use S3's own key instead of the one it is given.
    construct=lambda mp: mp.setattr(gxp_bucket.s3, "Bucket", forcing(
        s3.Bucket, encryption=s3.BucketEncryption.KMS_MANAGED, encryption_key=None, bucket_key_enabled=False)),
    l1=lambda stack: setattr(_config_bucket(stack), "bucket_encryption", s3.CfnBucket.BucketEncryptionProperty(
        server_side_encryption_configuration=[s3.CfnBucket.ServerSideEncryptionRuleProperty(
            server_side_encryption_by_default=s3.CfnBucket.ServerSideEncryptionByDefaultProperty(sse_algorithm="AES256"))])),
    overrides=(
        lambda stack: _config_bucket(stack).add_override(f"{_DEFAULT}.SSEAlgorithm", "AES256"),
        lambda stack: _config_bucket(stack).add_deletion_override(f"{_DEFAULT}.KMSMasterKeyID"),
        lambda stack: _config_bucket(stack).add_property_override(
            "BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.KMSMasterKeyID", "alias/aws/s3"
        ),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-S3-06: all four S3 public access block settings are on."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import gxp_bucket
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-S3-06"
STACK = "LogArchive-log-archive-us-east-1"


def block(template: dict) -> dict:
    return properties(template, "AWS::S3::Bucket", "AccessLog")["PublicAccessBlockConfiguration"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: block(t).update(BlockPublicPolicy=False), id="public-policy-allowed"),
        pytest.param(lambda t: block(t).update(RestrictPublicBuckets="false"), id="string-false"),
        pytest.param(lambda t: block(t).pop("IgnorePublicAcls"), id="one-setting-absent"),
        pytest.param(lambda t: properties(t, "AWS::S3::Bucket", "AccessLog").pop("PublicAccessBlockConfiguration"), id="no-block"),
        pytest.param(lambda t: block(t).update(BlockPublicAcls={"Ref": "BlockAcls"}), id="unprovable"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_strings_cloudformation_accepts_are_compliant(reference, ctx):
    def edit(template):
        block(template).update({k: "true" for k in block(template)})

    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _access_logs(stack):
    return stack.access_logs.bucket.node.default_child


def build(app, config):
    return LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(gxp_bucket.s3, "Bucket", forcing(s3.Bucket, block_public_access=s3.BlockPublicAccess(
        block_public_acls=True, block_public_policy=False, ignore_public_acls=True, restrict_public_buckets=True))),
    l1=lambda stack: setattr(_access_logs(stack), "public_access_block_configuration", s3.CfnBucket.PublicAccessBlockConfigurationProperty(
        block_public_acls=True, block_public_policy=True, ignore_public_acls=True, restrict_public_buckets=False)),
    overrides=(
        lambda stack: _access_logs(stack).add_property_override("PublicAccessBlockConfiguration.RestrictPublicBuckets", False),
        lambda stack: _access_logs(stack).add_override("Properties.PublicAccessBlockConfiguration.IgnorePublicAcls", "false"),
        lambda stack: _access_logs(stack).add_deletion_override("Properties.PublicAccessBlockConfiguration"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-REC-02: each data class is encrypted with its own customer-managed key."""

from __future__ import annotations

import pytest
from aws_cdk import Stack
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import records_vault
from gxp_landing_zone.constructs.gxp_bucket import GxpBucket
from gxp_landing_zone.stacks.records import RecordsStack

CONTROL = "GXP-REC-02"
STACK = "Records-regulated-us-us-east-1"


def default(template: dict, named: str = "AnalyticalResults") -> dict:
    encryption = properties(template, "AWS::S3::Bucket", named)["BucketEncryption"]
    return encryption["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]


def key_id(template: dict, named: str) -> str:
    return next(lid for lid, r in template["Resources"].items() if r["Type"] == "AWS::KMS::Key" and lid.startswith(named))


def alias(template: dict, named: str = "AnalyticalResults") -> dict:
    return properties(template, "AWS::KMS::Alias", named)


def encrypted_with(named: str):
    return lambda t: default(t).update(KMSMasterKeyID={"Fn::GetAtt": [key_id(t, named), "Arn"]})


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(encrypted_with("RawLabData"), id="another-class-key"),
        pytest.param(
            lambda t: default(t).update(KMSMasterKeyID="arn:aws:kms:us-east-1:444444444444:alias/gxp/records/raw-lab-data"),
            id="another-class-alias",
        ),
        pytest.param(lambda t: alias(t).update(AliasName="alias/gxp/records/results"), id="key-not-the-class-key"),
        pytest.param(
            lambda t: t["Resources"].pop(next(k for k in t["Resources"] if k.startswith("AnalyticalResultsRecordsKeyAlias"))),
            id="key-without-alias",
        ),
        pytest.param(lambda t: alias(t).update(AliasName={"Ref": "ResultsKeyAlias"}), id="unprovable-alias"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_own_alias_arn_is_compliant(reference, ctx):
    def edit(template):
        default(template).update(KMSMasterKeyID="arn:aws:kms:us-east-1:444444444444:alias/gxp/records/analytical-results")

    assert fired(variant(reference[STACK], edit), ctx) == set()


def _results(stack):
    return stack.vaults["analytical-results"].bucket.bucket.node.default_child


def _one_key_for_every_class(mp):
    first: dict = {}

    # records_vault.py edited so that every class's bucket is encrypted with the first class's key.
    class SharedKey(GxpBucket):
        def __init__(self, scope, id, **kwargs):
            if kwargs.get("encryption_key") is not None:
                kwargs["encryption_key"] = first.setdefault(Stack.of(scope).node.path, kwargs["encryption_key"])
            super().__init__(scope, id, **kwargs)

    mp.setattr(records_vault, "GxpBucket", SharedKey)


def _results_alias(stack):
    return stack.vaults["analytical-results"].key.key.node.find_child("Alias").node.default_child


def _raw_key_arn(stack):
    return stack.vaults["raw-lab-data"].key.key.key_arn


def build(app, config):
    return RecordsStack(app, config=config, account=config.account("regulated-us"), region=config.home_region)


CHANNELS = Channels(
    build=build,
    construct=_one_key_for_every_class,
    l1=lambda stack: setattr(_results(stack), "bucket_encryption", s3.CfnBucket.BucketEncryptionProperty(
        server_side_encryption_configuration=[s3.CfnBucket.ServerSideEncryptionRuleProperty(
            server_side_encryption_by_default=s3.CfnBucket.ServerSideEncryptionByDefaultProperty(
                sse_algorithm="aws:kms", kms_master_key_id=_raw_key_arn(stack)))])),
    overrides=(
        lambda stack: _results(stack).add_property_override(
            "BucketEncryption.ServerSideEncryptionConfiguration.0.ServerSideEncryptionByDefault.KMSMasterKeyID",
            stack.resolve(_raw_key_arn(stack)),
        ),
        lambda stack: _results_alias(stack).add_override("Properties.AliasName", "alias/gxp/records/results"),
        lambda stack: _results_alias(stack).add_deletion_override("Properties.TargetKeyId"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

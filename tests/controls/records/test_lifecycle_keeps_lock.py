"""GXP-REC-06: lifecycle rules only move record versions to durable colder storage; none expires one."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import records_vault
from gxp_landing_zone.stacks.records import RecordsStack

CONTROL = "GXP-REC-06"
STACK = "Records-regulated-us-us-east-1"


def rule(template: dict) -> dict:
    return properties(template, "AWS::S3::Bucket", "AnalyticalResults")["LifecycleConfiguration"]["Rules"][0]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: rule(t).update(NoncurrentVersionExpiration={"NoncurrentDays": 365}), id="old-versions-expired"),
        pytest.param(lambda t: rule(t).update(ExpirationInDays=3650), id="current-version-expired"),
        pytest.param(lambda t: rule(t).update(ExpiredObjectDeleteMarker="true"), id="delete-markers-removed"),
        pytest.param(lambda t: rule(t)["Transitions"][0].update(StorageClass="ONEZONE_IA"), id="one-zone"),
        pytest.param(lambda t: rule(t).update(NoncurrentVersionTransition={"StorageClass": "ONEZONE_IA", "TransitionInDays": 30}), id="legacy-one-zone"),
        pytest.param(lambda t: rule(t)["Transitions"][1].update(StorageClass={"Ref": "ArchiveClass"}), id="unprovable-class"),
        pytest.param(lambda t: rule(t).update(Status={"Fn::If": ["Archive", "Enabled", "Disabled"]}), id="unprovable-status"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: rule(t).update(Status="Disabled", ExpirationInDays=1), id="disabled-rule"),
        pytest.param(lambda t: rule(t)["Transitions"][0].update(StorageClass="INTELLIGENT_TIERING"), id="intelligent-tiering"),
        pytest.param(lambda t: rule(t).update(ExpiredObjectDeleteMarker=False), id="markers-kept"),
        pytest.param(
            lambda t: properties(t, "AWS::S3::Bucket", "SubmissionArchive").pop("LifecycleConfiguration"), id="no-lifecycle"
        ),
    ],
)
def test_what_keeps_every_version_is_compliant(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _archive(stack):
    return stack.vaults["submission-archive"].bucket.bucket.node.default_child


def _expiring_rule(stack):
    _archive(stack).lifecycle_configuration = s3.CfnBucket.LifecycleConfigurationProperty(rules=[s3.CfnBucket.RuleProperty(
        id="ExpireSupersededVersions", status="Enabled",
        noncurrent_version_expiration=s3.CfnBucket.NoncurrentVersionExpirationProperty(noncurrent_days=365),
    )])


def build(app, config):
    return RecordsStack(app, config=config, account=config.account("regulated-us"), region=config.home_region)


_RULE = "Properties.LifecycleConfiguration.Rules.0"

CHANNELS = Channels(
    build=build,
    # records_vault.py edited to move current versions to One Zone-IA instead of Glacier Instant Retrieval.
    construct=lambda mp: mp.setattr(records_vault.s3.CfnBucket, "TransitionProperty", _one_zone(s3.CfnBucket.TransitionProperty)),
    l1=_expiring_rule,
    overrides=(
        lambda stack: _archive(stack).add_property_override(
            "LifecycleConfiguration.Rules.0.NoncurrentVersionExpiration", {"NoncurrentDays": 365}
        ),
        lambda stack: _archive(stack).add_override(f"{_RULE}.Transitions.0.StorageClass", "ONEZONE_IA"),
        lambda stack: _archive(stack).add_deletion_override(f"{_RULE}.Transitions.0.StorageClass"),
    ),
)


def _one_zone(cls):
    class OneZone(cls):
        def __init__(self, *, storage_class, **kwargs):
            super().__init__(storage_class="ONEZONE_IA" if storage_class == "GLACIER_IR" else storage_class, **kwargs)

    return OneZone


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-S3-01: a bucket that must keep what it holds does so under Object Lock in COMPLIANCE mode."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-S3-01"
STACK = "LogArchive-log-archive-us-east-1"


def trail_bucket(template: dict) -> dict:
    return properties(template, "AWS::S3::Bucket", "AuditTrail")


def retention(template: dict) -> dict:
    return trail_bucket(template)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: retention(t).update(Mode="GOVERNANCE"), id="governance-mode"),
        pytest.param(lambda t: retention(t).update(Mode={"Ref": "LockMode"}), id="unprovable-mode"),
        pytest.param(lambda t: trail_bucket(t).update(ObjectLockEnabled="false"), id="lock-disabled-string"),
        pytest.param(lambda t: trail_bucket(t).pop("ObjectLockEnabled"), id="lock-not-enabled"),
        pytest.param(lambda t: trail_bucket(t)["ObjectLockConfiguration"].pop("ObjectLockEnabled"), id="configuration-not-enabled"),
        pytest.param(
            lambda t: trail_bucket(t).update(ObjectLockEnabled={"Fn::If": ["Locked", True, False]}), id="unprovable-enabled"
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_string_true_cloudformation_accepts_is_compliant(reference, ctx):
    assert fired(variant(reference[STACK], lambda t: trail_bucket(t).update(ObjectLockEnabled="true")), ctx) == set()


def test_a_bucket_without_a_retention_requirement_need_not_lock(reference, ctx):
    # The config-history bucket: AWS Config cannot deliver to a bucket with a default retention.
    def edit(template):
        properties(template, "AWS::S3::Bucket", "ConfigHistory").update(
            ObjectLockEnabled=True,
            ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}},
        )

    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _trail_bucket(stack):
    return stack.trail_bucket.bucket.node.default_child


def _governance_instead_of_compliance(mp):
    # gxp_bucket.py edited to call ObjectLockRetention.governance where it calls .compliance.
    mp.setattr(s3.ObjectLockRetention, "compliance", staticmethod(s3.ObjectLockRetention.governance))


def build(app, config):
    return LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region)


CHANNELS = Channels(
    build=build,
    construct=_governance_instead_of_compliance,
    l1=lambda stack: setattr(_trail_bucket(stack), "object_lock_configuration", s3.CfnBucket.ObjectLockConfigurationProperty(
        object_lock_enabled="Enabled",
        rule=s3.CfnBucket.ObjectLockRuleProperty(
            default_retention=s3.CfnBucket.DefaultRetentionProperty(mode="GOVERNANCE", days=stack.config.audit_log.days)
        ),
    )),
    overrides=(
        lambda stack: _trail_bucket(stack).add_property_override("ObjectLockConfiguration.Rule.DefaultRetention.Mode", "GOVERNANCE"),
        lambda stack: _trail_bucket(stack).add_override("Properties.ObjectLockEnabled", False),
        lambda stack: _trail_bucket(stack).add_deletion_override("Properties.ObjectLockConfiguration.ObjectLockEnabled"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

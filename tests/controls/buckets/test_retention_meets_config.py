"""GXP-S3-02: a locked bucket's default retention is at least what the config requires of it."""

from __future__ import annotations

import pytest
from aws_cdk import Duration
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-S3-02"
STACK = "LogArchive-log-archive-us-east-1"


def retention(template: dict) -> dict:
    return properties(template, "AWS::S3::Bucket", "AuditTrail")["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: retention(t).update(Days=26 * 365 - 1), id="one-day-short"),
        pytest.param(lambda t: retention(t).update(Days="30"), id="thirty-days-as-string"),
        pytest.param(lambda t: retention(t).pop("Days") and retention(t).update(Years=25), id="years-short"),
        pytest.param(lambda t: retention(t).pop("Days"), id="no-period"),
        pytest.param(lambda t: retention(t).update(Days={"Ref": "RetentionDays"}), id="unprovable-days"),
        pytest.param(lambda t: retention(t).update(Years=26), id="days-and-years"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: retention(t).update(Days="9490"), id="days-as-string"),
        pytest.param(lambda t: retention(t).pop("Days") and retention(t).update(Years=26), id="years"),
        pytest.param(lambda t: retention(t).update(Days=9490 + 365), id="longer"),
    ],
)
def test_what_cloudformation_reads_as_long_enough_is_compliant(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _trail_bucket(stack):
    return stack.trail_bucket.bucket.node.default_child


def _a_year_instead_of_the_configured_days(mp):
    # gxp_bucket.py edited to lock for a fixed year, whatever lock_days it is given.
    compliance = s3.ObjectLockRetention.compliance
    mp.setattr(s3.ObjectLockRetention, "compliance", staticmethod(lambda duration: compliance(Duration.days(365))))


def build(app, config):
    return LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region)


CHANNELS = Channels(
    build=build,
    construct=_a_year_instead_of_the_configured_days,
    l1=lambda stack: setattr(_trail_bucket(stack), "object_lock_configuration", s3.CfnBucket.ObjectLockConfigurationProperty(
        object_lock_enabled="Enabled",
        rule=s3.CfnBucket.ObjectLockRuleProperty(
            default_retention=s3.CfnBucket.DefaultRetentionProperty(mode="COMPLIANCE", days=stack.config.audit_log.days - 1)
        ),
    )),
    overrides=(
        lambda stack: _trail_bucket(stack).add_property_override("ObjectLockConfiguration.Rule.DefaultRetention.Days", 30),
        lambda stack: _trail_bucket(stack).add_override(
            "Properties.ObjectLockConfiguration.Rule.DefaultRetention", {"Mode": "COMPLIANCE", "Years": 1}
        ),
        lambda stack: _trail_bucket(stack).add_deletion_override("Properties.ObjectLockConfiguration.Rule.DefaultRetention.Days"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

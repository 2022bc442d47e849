"""GXP-REC-01: each records bucket locks its data class in COMPLIANCE mode for exactly that class's retention."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import records_vault
from gxp_landing_zone.constructs.gxp_bucket import GxpBucket
from gxp_landing_zone.stacks.records import RecordsStack

CONTROL = "GXP-REC-01"
STACK = "Records-regulated-us-us-east-1"
RAW_LAB_DATA_DAYS = 25 * 365


def lock(template: dict) -> dict:
    return properties(template, "AWS::S3::Bucket", "RawLabData")["ObjectLockConfiguration"]


def retention(template: dict) -> dict:
    return lock(template)["Rule"]["DefaultRetention"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: retention(t).update(Days=RAW_LAB_DATA_DAYS - 1), id="a-day-short"),
        pytest.param(lambda t: retention(t).update(Days=RAW_LAB_DATA_DAYS + 365), id="a-year-too-long"),
        pytest.param(lambda t: retention(t).pop("Days") and retention(t).update(Years=26), id="years-too-long"),
        pytest.param(lambda t: retention(t).update(Mode="GOVERNANCE"), id="governance-mode"),
        pytest.param(lambda t: lock(t).pop("Rule"), id="no-default-retention"),
        pytest.param(lambda t: retention(t).update(Days={"Ref": "RetentionDays"}), id="unprovable-days"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: retention(t).update(Days=str(RAW_LAB_DATA_DAYS)), id="days-as-string"),
        pytest.param(lambda t: retention(t).pop("Days") and retention(t).update(Years=25), id="years-as-the-config-counts-them"),
    ],
)
def test_the_class_retention_however_stated_is_compliant(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _raw_lab_data(stack):
    return stack.vaults["raw-lab-data"].bucket.bucket.node.default_child


class _LockedAYearLonger(GxpBucket):
    # records_vault.py edited to pass lock_days=spec.lock_days + 365.
    def __init__(self, scope, id, **kwargs):
        if kwargs.get("lock_days"):
            kwargs["lock_days"] += 365
        super().__init__(scope, id, **kwargs)


def build(app, config):
    return RecordsStack(app, config=config, account=config.account("regulated-us"), region=config.home_region)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(records_vault, "GxpBucket", _LockedAYearLonger),
    l1=lambda stack: setattr(_raw_lab_data(stack), "object_lock_configuration", s3.CfnBucket.ObjectLockConfigurationProperty(
        object_lock_enabled="Enabled",
        rule=s3.CfnBucket.ObjectLockRuleProperty(
            default_retention=s3.CfnBucket.DefaultRetentionProperty(mode="COMPLIANCE", days=RAW_LAB_DATA_DAYS - 1)
        ),
    )),
    overrides=(
        lambda stack: _raw_lab_data(stack).add_property_override("ObjectLockConfiguration.Rule.DefaultRetention.Mode", "GOVERNANCE"),
        lambda stack: _raw_lab_data(stack).add_override("Properties.ObjectLockConfiguration.Rule.DefaultRetention.Days", 1),
        lambda stack: _raw_lab_data(stack).add_deletion_override("Properties.ObjectLockConfiguration.Rule"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

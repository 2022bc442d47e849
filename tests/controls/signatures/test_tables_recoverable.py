"""GXP-DDB-01: DynamoDB tables (the signature ledger) can be restored and cannot be deleted by a call."""

from __future__ import annotations

import pytest
from aws_cdk import aws_dynamodb as dynamodb

from controls.signatures._stack import STACK, build, ledger
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-DDB-01"


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: ledger(t).update(PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}), id="no-pitr"),
        pytest.param(lambda t: ledger(t).pop("PointInTimeRecoverySpecification"), id="pitr-not-stated"),
        pytest.param(lambda t: ledger(t).update(DeletionProtectionEnabled=False), id="deletable"),
        pytest.param(lambda t: ledger(t).update(DeletionProtectionEnabled="false"), id="string-false"),
        pytest.param(lambda t: ledger(t).pop("DeletionProtectionEnabled"), id="protection-not-stated"),
        pytest.param(lambda t: ledger(t).update(DeletionProtectionEnabled={"Ref": "ProtectParameter"}), id="unprovable-ref"),
        pytest.param(
            lambda t: ledger(t).update(PointInTimeRecoverySpecification={"Fn::If": ["Prod", {}, {}]}), id="unprovable-condition"
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_strings_cloudformation_accepts_are_compliant(reference, ctx):
    def edit(template):
        ledger(template).update(DeletionProtectionEnabled="true")
        ledger(template)["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] = "true"

    assert fired(variant(reference[STACK], edit), ctx) == set()


def _table(stack):
    return stack.service.ledger.node.default_child


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.dynamodb, "Table", forcing(dynamodb.Table, deletion_protection=False)),
    l1=lambda stack: setattr(
        _table(stack), "point_in_time_recovery_specification",
        dynamodb.CfnTable.PointInTimeRecoverySpecificationProperty(point_in_time_recovery_enabled=False),
    ),
    overrides=(
        lambda stack: _table(stack).add_property_override("DeletionProtectionEnabled", False),
        lambda stack: _table(stack).add_override(
            "Properties.PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled", "false"
        ),
        lambda stack: _table(stack).add_deletion_override("Properties.PointInTimeRecoverySpecification"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

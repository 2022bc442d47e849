"""GXP-SCP-06: a regulated account stores and processes data only in its jurisdiction's regions."""

from __future__ import annotations

import pytest

from controls.guardrails._organization import STACK, build, drop, scp, statement, without_action
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import guardrails

CONTROL = "GXP-SCP-06"
PLACEMENT, LOCATION = "DenyDataPlacementOutsideJurisdiction", "DenyBucketsOutsideJurisdiction"


def placement(template: dict, jurisdiction: str) -> dict:
    return statement(template, f"Residency{jurisdiction}", PLACEMENT)


def policy(template: dict, jurisdiction: str) -> dict:
    return properties(template, "AWS::Organizations::Policy", f"Residency{jurisdiction}")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: placement(t, "EU")["Condition"]["StringNotEquals"].update(
            {"aws:RequestedRegion": ["eu-central-1", "us-east-1"]}), id="eu-data-in-the-us"),
        pytest.param(lambda t: policy(t, "JP").update(TargetIds=[]), id="jp-account-unbound"),
        pytest.param(lambda t: policy(t, "JP").update(TargetIds=["444444444444"]), id="jp-policy-on-the-us-account"),
        pytest.param(lambda t: drop(t, "ResidencyUS", LOCATION), id="bucket-location-free"),
        pytest.param(lambda t: without_action(t, "ResidencyEU", PLACEMENT, "ec2:RunInstances"), id="eu-instances-anywhere"),
        pytest.param(lambda t: statement(t, "ResidencyUS", LOCATION)["Condition"]["StringNotEquals"].update(
            {"s3:LocationConstraint": ["us-east-1", "eu-central-1"]}), id="us-buckets-located-in-the-eu"),
        pytest.param(lambda t: policy(t, "JP").update(TargetIds={"Ref": "JapaneseAccountsParameter"}),
                     id="unprovable-targets"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: placement(t, "US").update(Action="*"), id="every-action"),
        pytest.param(lambda t: policy(t, "EU").update(TargetIds=[{"Fn::GetAtt": ["RegulatedOrganizationalUnit", "Id"]},
                                                                 "555555555555"]), id="also-on-the-unit"),
    ],
)
def test_compliant_as_iam_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        guardrails, "DATA_PLACEMENT_ACTIONS", [a for a in guardrails.DATA_PLACEMENT_ACTIONS if a != "ec2:RunInstances"]
    ),
    l1=lambda stack: setattr(scp(stack, "ResidencyJPPolicy"), "target_ids", []),
    overrides=(
        lambda stack: scp(stack, "ResidencyEUPolicy").add_property_override(
            "Content.Statement.0.Condition.StringNotEquals.aws:RequestedRegion", ["eu-central-1", "us-east-1"]
        ),
        lambda stack: scp(stack, "ResidencyUSPolicy").add_override("Properties.TargetIds", ["777777777777"]),
        lambda stack: scp(stack, "ResidencyUSPolicy").add_deletion_override("Properties.Content.Statement.1"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

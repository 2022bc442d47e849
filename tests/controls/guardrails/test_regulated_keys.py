"""GXP-SCP-03: no one in a regulated account can destroy or disable a key that encrypts records."""

from __future__ import annotations

import pytest

from controls.guardrails._organization import STACK, build, scp, statement, without_action
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import guardrails

CONTROL = "GXP-SCP-03"
POLICY, SID = "ProtectRegulatedKeys", "DenyKeyDestruction"
REGULATED_ACCOUNTS = ["444444444444", "555555555555", "666666666666"]


def keys(template: dict) -> dict:
    return statement(template, POLICY, SID)


def targets(template: dict) -> dict:
    return properties(template, "AWS::Organizations::Policy", POLICY)


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: targets(t).update(TargetIds=REGULATED_ACCOUNTS), id="not-on-the-regulated-unit"),
        pytest.param(lambda t: without_action(t, POLICY, SID, "kms:DisableKey"), id="keys-may-be-disabled"),
        pytest.param(lambda t: keys(t).update(Condition={"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/cdk-*"}}),
                     id="any-exemption"),
        pytest.param(lambda t: keys(t).update(Resource="arn:aws:kms:*:*:key/example"), id="one-key-only"),
        pytest.param(lambda t: targets(t)["TargetIds"].__setitem__(0, {"Ref": "RegulatedUnitParameter"}),
                     id="unprovable-target"),
        pytest.param(lambda t: keys(t).update(Condition={"Fn::If": ["Break", {"Bool": {"aws:MultiFactorAuthPresent": "true"}}, {}]}),
                     id="unprovable-condition"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_a_unit_whose_name_is_unknown_may_be_the_regulated_one(reference, ctx):
    def edit(template):
        unit = properties(template, "AWS::Organizations::OrganizationalUnit", "Regulated")
        unit["Name"] = {"Fn::If": ["Prod", "Regulated", "Sandbox"]}

    # Every control that hangs on the Regulated unit cannot prove it is not the one.
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL, "GXP-SCP-06", "GXP-AI-09", "GXP-CHG-03"}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: keys(t).update(Action="kms:*"), id="every-kms-action"),
        pytest.param(lambda t: targets(t).update(TargetIds=["r-ex12"]), id="on-the-root"),
    ],
)
def test_compliant_as_iam_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        guardrails, "KEY_DESTRUCTION_ACTIONS", [a for a in guardrails.KEY_DESTRUCTION_ACTIONS if a != "kms:DisableKey"]
    ),
    l1=lambda stack: setattr(scp(stack, POLICY + "Policy"), "target_ids", REGULATED_ACCOUNTS),
    overrides=(
        lambda stack: scp(stack, POLICY + "Policy").add_property_override("TargetIds", REGULATED_ACCOUNTS),
        lambda stack: scp(stack, POLICY + "Policy").add_override(
            "Properties.Content.Statement.0.Condition", {"StringNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}
        ),
        lambda stack: scp(stack, POLICY + "Policy").add_deletion_override("Properties.TargetIds"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

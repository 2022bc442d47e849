"""GXP-SCP-05: nothing runs in a region the config does not allow."""

from __future__ import annotations

import pytest

from controls.guardrails._organization import STACK, build, scp, set_content, statement
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import guardrails

CONTROL = "GXP-SCP-05"
POLICY, SID = "AllowedRegions", "DenyOutsideAllowedRegions"
ALLOWED = ["ap-northeast-1", "eu-central-1", "us-east-1"]


def regions(template: dict) -> dict:
    return statement(template, POLICY, SID)


def requested(template: dict) -> dict:
    return regions(template)["Condition"]["StringNotEquals"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: requested(t).update({"aws:RequestedRegion": [*ALLOWED, "us-east-2"]}), id="extra-region"),
        pytest.param(lambda t: regions(t)["NotAction"].append("ec2:*"), id="ec2-carved-out"),
        pytest.param(lambda t: regions(t)["NotAction"].append("*"), id="everything-carved-out"),
        pytest.param(lambda t: regions(t)["Condition"].update(
            StringNotLike={"aws:PrincipalArn": "arn:aws:iam::*:role/*"}), id="every-role-exempt"),
        pytest.param(lambda t: regions(t).update(Action=["ec2:*", "s3:*"]) or regions(t).pop("NotAction"),
                     id="two-services-only"),
        pytest.param(lambda t: properties(t, "AWS::Organizations::Policy", POLICY).update(TargetIds=[]), id="detached"),
        pytest.param(lambda t: requested(t).update({"aws:RequestedRegion": {"Ref": "RegionsParameter"}}),
                     id="unprovable-regions"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: regions(t).update(NotAction=[a.upper() for a in regions(t)["NotAction"]]), id="carve-out-case"),
        pytest.param(lambda t: regions(t).update(NotAction=["iam:*", "sts:AssumeRole"]), id="narrower-carve-out"),
        pytest.param(lambda t: requested(t).update({"aws:RequestedRegion": "us-east-1"}), id="fewer-regions"),
    ],
)
def test_compliant_as_iam_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(guardrails, "GLOBAL_SERVICE_ACTIONS", [*guardrails.GLOBAL_SERVICE_ACTIONS, "ec2:*"]),
    l1=lambda stack: set_content(
        stack, POLICY + "Policy",
        lambda d: d["Statement"][0]["Condition"]["StringNotEquals"]["aws:RequestedRegion"].append("us-east-2"),
    ),
    overrides=(
        lambda stack: scp(stack, POLICY + "Policy").add_property_override(
            "Content.Statement.0.Condition.StringNotEquals.aws:RequestedRegion", [*ALLOWED, "us-east-2"]
        ),
        lambda stack: scp(stack, POLICY + "Policy").add_override("Properties.TargetIds", []),
        lambda stack: scp(stack, POLICY + "Policy").add_deletion_override("Properties.Content.Statement.0.NotAction"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

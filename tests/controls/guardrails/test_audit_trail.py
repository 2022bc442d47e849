"""GXP-SCP-01: no one in a member account can stop, alter or delete the audit trail."""

from __future__ import annotations

import pytest

from controls.guardrails._organization import (
    EXEC_ROLE, STACK, as_json_text, build, scp, set_content, statement, without_action,
)
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.constructs import guardrails
from gxp_landing_zone.controls.guardrails._judges import within
from gxp_landing_zone.controls.guardrails.audit_trail import DEPLOYMENT_ROLE_EXEMPTION

CONTROL = "GXP-SCP-01"
POLICY, SID = "ProtectAuditSubstrate", "DenyAuditTrailTampering"


def audit(template: dict) -> dict:
    return statement(template, POLICY, SID)


def exempt(template: dict, *values) -> None:
    audit(template)["Condition"] = {"ArnNotLike": {"aws:PrincipalArn": list(values)}}


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: without_action(t, POLICY, SID, "cloudtrail:StopLogging"), id="stop-logging-allowed"),
        pytest.param(lambda t: exempt(t, "arn:aws:iam::*:role/*"), id="exemption-widened-to-every-role"),
        pytest.param(lambda t: exempt(t, EXEC_ROLE, "arn:aws:iam::*:role/admin"), id="second-exemption"),
        pytest.param(lambda t: audit(t)["Condition"].update(StringEquals={"aws:RequestedRegion": "us-east-1"}),
                     id="deny-only-in-one-region"),
        pytest.param(lambda t: audit(t).update(Effect="Allow"), id="allow-not-deny"),
        pytest.param(lambda t: audit(t).update(Resource="arn:aws:cloudtrail:*:*:trail/other"), id="one-trail-only"),
        pytest.param(lambda t: audit(t).update(NotAction=audit(t).pop("Action")), id="not-action-inverts-it"),
        pytest.param(lambda t: exempt(t, {"Ref": "ExemptRoleParameter"}), id="unprovable-exemption"),
        pytest.param(lambda t: audit(t).update(Action={"Fn::If": ["Strict", ["cloudtrail:*"], []]}), id="unprovable-actions"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: audit(t).update(Action=["CloudTrail:*", "config:Delete*", "config:Stop*", "config:Put*"]),
                     id="wildcards-and-case"),
        pytest.param(lambda t: exempt(t, "arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1"),
                     id="narrower-exemption"),
        pytest.param(lambda t: audit(t).pop("Condition"), id="no-exemption"),
        pytest.param(lambda t: audit(t)["Condition"].update(
            StringNotLike=audit(t)["Condition"].pop("ArnNotLike")), id="string-not-like-exemption"),
        pytest.param(lambda t: as_json_text(t, POLICY), id="content-as-json-text"),
    ],
)
def test_compliant_as_iam_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


@pytest.mark.parametrize(
    "exemption, allowed",
    [
        (EXEC_ROLE, True),
        ("arn:aws:iam::111111111111:role/cdk-hnb659fds-cfn-exec-role-111111111111-us-east-1", True),
        ("arn:aws:iam::*:role/cdk-?????????-cfn-exec-role-*", True),
        ("arn:aws:iam::*:role/*", False),
        ("arn:aws:iam::*:role/cdk-*", False),
        ("arn:aws:iam::*:role/CDK-*-cfn-exec-role-*", False),
        ("arn:aws:iam::*:*", False),
    ],
)
def test_an_exemption_is_no_wider_than_the_deployment_role(exemption, allowed):
    assert within(exemption, DEPLOYMENT_ROLE_EXEMPTION) is allowed


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        guardrails, "AUDIT_TAMPERING_ACTIONS", [a for a in guardrails.AUDIT_TAMPERING_ACTIONS if a != "cloudtrail:StopLogging"]
    ),
    l1=lambda stack: set_content(
        stack, POLICY + "Policy",
        lambda d: d["Statement"][0]["Condition"]["ArnNotLike"].update({"aws:PrincipalArn": "arn:aws:iam::*:role/*"}),
    ),
    overrides=(
        lambda stack: scp(stack, POLICY + "Policy").add_property_override(
            "Content.Statement.0.Condition.ArnNotLike.aws:PrincipalArn", "arn:aws:iam::*:role/*"
        ),
        lambda stack: scp(stack, POLICY + "Policy").add_override("Properties.Content.Statement.0.Effect", "Allow"),
        lambda stack: scp(stack, POLICY + "Policy").add_deletion_override("Properties.Content.Statement.0.Action"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

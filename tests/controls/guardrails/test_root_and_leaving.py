"""GXP-SCP-04: no member account's root user can act, and no member account can leave the organization."""

from __future__ import annotations

import pytest

from controls.guardrails._organization import STACK, build, drop, scp, set_content, statement
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.constructs import guardrails

CONTROL = "GXP-SCP-04"
POLICY = "DenyRootAndLeaving"


def root(template: dict) -> dict:
    return statement(template, POLICY, "DenyRootUser")


def leaving(template: dict) -> dict:
    return statement(template, POLICY, "DenyLeavingOrganization")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: drop(t, POLICY, "DenyRootUser"), id="root-user-allowed"),
        pytest.param(lambda t: drop(t, POLICY, "DenyLeavingOrganization"), id="leaving-allowed"),
        pytest.param(lambda t: root(t)["Condition"]["StringLike"].update({"aws:PrincipalArn": "arn:aws:iam::444444444444:root"}),
                     id="one-account-root-only"),
        pytest.param(lambda t: root(t).update(Action=["s3:*", "kms:*"]), id="some-services-only"),
        pytest.param(lambda t: root(t).update(NotAction=["iam:*"]) or root(t).pop("Action"), id="not-action-leaves-iam-open"),
        pytest.param(lambda t: root(t)["Condition"].update(StringEquals={"aws:RequestedRegion": "us-east-1"}),
                     id="root-denied-in-one-region"),
        pytest.param(lambda t: leaving(t).update(Condition={"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}),
                     id="leaving-exempts-every-role"),
        pytest.param(lambda t: root(t)["Condition"]["StringLike"].update({"aws:PrincipalArn": {"Ref": "RootArnParameter"}}),
                     id="unprovable-root-condition"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: root(t).update(Action="*"), id="action-star-as-text"),
        pytest.param(lambda t: root(t).update(Condition={"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}}),
                     id="arn-like"),
        pytest.param(lambda t: root(t).update(Condition={"StringEquals": {"aws:PrincipalType": "Account"}}),
                     id="principal-type-account"),
        pytest.param(lambda t: leaving(t).update(Action="organizations:Leave*"), id="leave-wildcard"),
    ],
)
def test_compliant_as_iam_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _only_leaving(original):
    """deny_root_and_leaving as if its code no longer wrote the root-user statement."""
    return lambda: {**original(), "Statement": [s for s in original()["Statement"] if s["Sid"] != "DenyRootUser"]}


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        guardrails, "deny_root_and_leaving", _only_leaving(guardrails.deny_root_and_leaving)
    ),
    l1=lambda stack: set_content(
        stack, POLICY + "Policy",
        lambda d: d["Statement"][1]["Condition"]["StringLike"].update({"aws:PrincipalArn": "arn:aws:iam::444444444444:root"}),
    ),
    overrides=(
        lambda stack: scp(stack, POLICY + "Policy").add_property_override("Content.Statement.1.Action", ["s3:*"]),
        lambda stack: scp(stack, POLICY + "Policy").add_override(
            "Properties.Content.Statement.0.Condition", {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}
        ),
        lambda stack: scp(stack, POLICY + "Policy").add_deletion_override("Properties.Content.Statement.0.Action"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

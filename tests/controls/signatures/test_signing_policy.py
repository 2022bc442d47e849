"""GXP-ESIG-09: the signing authority and order the functions enforce are exactly the config's."""

from __future__ import annotations

import json

import pytest

from controls.signatures._stack import (
    STACK, build, built_variables, cfn_function, redirecting_function, set_signing_policy, set_variables, signing_policy,
    variables,
)
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-09"


def changed(purpose: str, change):
    def edit(template):
        policy = signing_policy(template, purpose)
        change(policy)
        set_signing_policy(template, policy, purpose)

    return edit


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(changed("sign", lambda p: p["grants"]["batch-record"]["qa-reviewers"].append("approval")), id="authority-widened"),
        pytest.param(changed("sign", lambda p: p["grants"]["batch-record"].update(interns=["review"])), id="group-added"),
        pytest.param(changed("sign", lambda p: p["sequences"].pop("batch-record")), id="order-dropped"),
        pytest.param(changed("sign", lambda p: p["sequences"].update({"deviation": ["review", "approval"]})), id="order-shortened"),
        pytest.param(changed("verify", lambda p: p.update(default_record_class="batch-record")), id="catch-all-class"),
        pytest.param(
            changed("sign", lambda p: p.update(record_classes={k.replace("batch-records/", ""): v for k, v in p["record_classes"].items()})),
            id="record-class-widened-to-the-bucket",
        ),
        pytest.param(changed("sign", lambda p: p["meanings"].append("witness")), id="meaning-added"),
        pytest.param(lambda t: variables(t, "sign").update(SIGNING_POLICY="grants: all"), id="not-json"),
        pytest.param(lambda t: variables(t, "sign").pop("SIGNING_POLICY"), id="signing-function-has-none"),
        pytest.param(lambda t: variables(t, "sign").update(SIGNING_POLICY={"Ref": "PolicyParameter"}), id="unprovable-ref"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_same_policy_in_another_order_is_compliant(reference, ctx):
    def reorder(policy):
        policy["meanings"].reverse()
        for groups in policy["grants"].values():
            for meanings in groups.values():
                meanings.reverse()

    assert fired(variant(reference[STACK], changed("sign", reorder)), ctx) == set()


def _widened(environment: dict) -> str:
    policy = json.loads(environment["SIGNING_POLICY"])
    policy["grants"]["batch-record"]["qa-reviewers"].append("approval")
    return json.dumps(policy)


def _catch_all(stack) -> str:
    return json.dumps({**json.loads(built_variables(stack, "verify")["SIGNING_POLICY"]), "default_record_class": "batch-record"})


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.lambda_, "Function", redirecting_function(SIGNING_POLICY=_widened)),
    l1=lambda stack: set_variables(stack, "sign", SIGNING_POLICY=_widened(built_variables(stack))),
    overrides=(
        lambda stack: cfn_function(stack).add_property_override(
            "Environment.Variables.SIGNING_POLICY", _widened(built_variables(stack))
        ),
        lambda stack: cfn_function(stack, "verify").add_override("Properties.Environment.Variables.SIGNING_POLICY", _catch_all(stack)),
        lambda stack: cfn_function(stack).add_deletion_override("Properties.Environment.Variables.SIGNING_POLICY"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

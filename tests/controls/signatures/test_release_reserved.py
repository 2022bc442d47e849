"""GXP-ESIG-12: batch release reserved to the Qualified Persons, and one meaning per person per version,
deployed exactly as the config states them."""

from __future__ import annotations

import json

import pytest

from controls.signatures._stack import STACK, build, built_variables, cfn_function, redirecting_function, set_variables, variables
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-12"


def restrictions(change, purpose: str = "sign"):
    def edit(template):
        found = json.loads(variables(template, purpose)["SIGNING_RESTRICTIONS"])
        change(found)
        variables(template, purpose)["SIGNING_RESTRICTIONS"] = json.dumps(found)

    return edit


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(restrictions(lambda r: r.update(restricted_meanings={})), id="batch-release-open-to-every-grant"),
        pytest.param(restrictions(lambda r: r["restricted_meanings"]["batch-release"].append("production-leads")),
                     id="release-widened-to-another-group"),
        pytest.param(restrictions(lambda r: r.update(same_person_may_sign=["batch-record"])), id="reviewer-may-approve"),
        pytest.param(restrictions(lambda r: r.update(restricted_meanings={}), "verify"), id="release-record-unreserved"),
        pytest.param(lambda t: variables(t, "sign").pop("SIGNING_RESTRICTIONS"), id="no-restrictions"),
        pytest.param(lambda t: variables(t, "sign").update(SIGNING_RESTRICTIONS="qp only"), id="not-json"),
        pytest.param(lambda t: variables(t, "sign").update(SIGNING_RESTRICTIONS={"Ref": "RestrictionsParameter"}),
                     id="unprovable-ref"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _opened(environment: dict) -> str:
    return json.dumps({**json.loads(environment["SIGNING_RESTRICTIONS"]), "restricted_meanings": {}})


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.lambda_, "Function", redirecting_function(SIGNING_RESTRICTIONS=_opened)),
    l1=lambda stack: set_variables(stack, "sign", SIGNING_RESTRICTIONS=_opened(built_variables(stack))),
    overrides=(
        lambda stack: cfn_function(stack).add_property_override(
            "Environment.Variables.SIGNING_RESTRICTIONS", _opened(built_variables(stack))
        ),
        lambda stack: cfn_function(stack, "verify").add_override(
            "Properties.Environment.Variables.SIGNING_RESTRICTIONS", '{"same_person_may_sign": ["batch-record"]}'
        ),
        lambda stack: cfn_function(stack).add_deletion_override("Properties.Environment.Variables.SIGNING_RESTRICTIONS"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

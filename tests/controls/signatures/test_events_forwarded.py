"""GXP-ESIG-08: every signature event, applied or refused, is forwarded to the audit account's bus."""

from __future__ import annotations

import json

import pytest
from aws_cdk import aws_events as events

from controls.signatures._stack import STACK, build, rule, variables
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-08"
SOURCE = "gxp.esignature"


def drop_rule(template: dict) -> None:
    template["Resources"] = {k: r for k, r in template["Resources"].items() if r["Type"] != "AWS::Events::Rule"}


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: rule(t).update(State="DISABLED"), id="disabled"),
        pytest.param(lambda t: rule(t).pop("State"), id="state-not-stated"),
        pytest.param(lambda t: rule(t)["EventPattern"].update({"detail-type": ["SignatureApplied"]}), id="only-approvals"),
        pytest.param(lambda t: rule(t)["EventPattern"].update(detail={"outcome": ["applied"]}), id="refusals-filtered-out"),
        pytest.param(lambda t: rule(t).update(EventPattern={"source": ["gxp.other"]}), id="another-source"),
        pytest.param(lambda t: rule(t)["Targets"][0].update(Arn="arn:aws:events:us-east-1:444444444444:event-bus/default"), id="kept-in-account"),
        pytest.param(lambda t: rule(t).update(EventBusName="gxp-private"), id="rule-on-another-bus"),
        pytest.param(drop_rule, id="no-rule"),
        pytest.param(lambda t: variables(t, "sign").pop("EVENT_BUS_NAME"), id="signing-function-names-no-bus"),
        pytest.param(lambda t: rule(t).update(State={"Ref": "StateParameter"}), id="unprovable-ref"),
        pytest.param(lambda t: variables(t, "sign").update(EVENT_BUS_NAME={"Fn::ImportValue": "BusName"}), id="unprovable-bus"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: rule(t).update(EventPattern=json.dumps(rule(t)["EventPattern"])), id="pattern-as-json-text"),
        pytest.param(lambda t: rule(t).update(EventPattern={"source": [{"prefix": "gxp."}]}), id="prefix-covering-the-source"),
        pytest.param(
            lambda t: [variables(t, p).update(EVENT_BUS_NAME="arn:aws:events:us-east-1:444444444444:event-bus/default")
                       for p in ("sign", "list", "verify")],
            id="bus-named-by-arn",
        ),
        pytest.param(lambda t: rule(t).update(EventBusName="default"), id="default-bus-named"),
    ],
)
def test_equivalent_forms_are_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == set()


def test_a_function_outside_the_service_is_not_judged(reference, ctx):
    def edit(template):
        template["Resources"]["ReportPublisher"] = {"Type": "AWS::Lambda::Function", "Properties": {
            "Handler": "index.handler", "Role": "arn:aws:iam::444444444444:role/report-publisher",
            "TracingConfig": {"Mode": "Active"}, "Environment": {"Variables": {"EVENT_BUS_NAME": "reports"}},
        }}

    assert fired(variant(reference[STACK], edit), ctx) == set()


def _rule(stack):
    return stack.service.forwarding_rule


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.events, "CfnRule", forcing(events.CfnRule, state="DISABLED")),
    l1=lambda stack: setattr(_rule(stack), "event_pattern", {"source": [SOURCE], "detail-type": ["SignatureApplied"]}),
    overrides=(
        lambda stack: _rule(stack).add_property_override("State", "DISABLED"),
        lambda stack: _rule(stack).add_override(
            "Properties.Targets.0.Arn", "arn:aws:events:us-east-1:444444444444:event-bus/default"
        ),
        lambda stack: _rule(stack).add_deletion_override("Properties.EventPattern.source"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

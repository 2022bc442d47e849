"""GXP-CFG-03: compliance changes are forwarded to the audit account's event bus."""

from __future__ import annotations

import json

import pytest
from aws_cdk import aws_events as events

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import config_recorder
from gxp_landing_zone.stacks.baseline import BaselineStack

CONTROL = "GXP-CFG-03"
STACK = "Baseline-management-us-east-1"
DEFAULT_BUS = "arn:aws:events:us-east-1:333333333333:event-bus/default"
COMPLIANT_ONLY = {"newEvaluationResult": {"complianceType": ["COMPLIANT"]}}


def rule(template: dict) -> dict:
    return properties(template, "AWS::Events::Rule", "ComplianceEventForwarder")


def pattern(template: dict) -> dict:
    return rule(template)["EventPattern"]


def target(template: dict) -> dict:
    return rule(template)["Targets"][0]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: rule(t).update(State="DISABLED"), id="disabled"),
        pytest.param(lambda t: target(t).update(Arn=DEFAULT_BUS), id="another-bus"),
        pytest.param(lambda t: rule(t).pop("Targets"), id="no-target"),
        pytest.param(lambda t: target(t).pop("RoleArn"), id="no-role"),
        pytest.param(lambda t: pattern(t).update(detail=COMPLIANT_ONLY), id="only-compliant-changes"),
        pytest.param(lambda t: pattern(t).update({"detail-type": ["Config Configuration Item Change"]}), id="other-detail-type"),
        pytest.param(lambda t: rule(t).update(EventBusName="private-bus"), id="not-the-default-bus"),
        pytest.param(lambda t: target(t).update(Arn={"Ref": "AuditBus"}), id="unprovable-target"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: rule(t).update(EventPattern=json.dumps(pattern(t))), id="pattern-as-json-text"),
        pytest.param(lambda t: pattern(t).pop("detail-type"), id="every-config-event"),
        pytest.param(lambda t: rule(t).pop("State"), id="enabled-by-default"),
    ],
)
def test_compliant_as_eventbridge_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _rule(stack):
    return stack.node.find_child("ComplianceEventForwarder").rule


CHANNELS = Channels(
    build=lambda app, config: BaselineStack(app, config=config, account=config.management, region=config.home_region),
    construct=lambda mp: mp.setattr(config_recorder.events, "CfnRule", forcing(events.CfnRule, state="DISABLED")),
    l1=lambda stack: setattr(_rule(stack), "event_pattern", {
        "source": ["aws.config"], "detail-type": ["Config Rules Compliance Change"], "detail": COMPLIANT_ONLY}),
    overrides=(
        lambda stack: _rule(stack).add_property_override("State", "DISABLED"),
        lambda stack: _rule(stack).add_override("Properties.Targets.0.Arn", DEFAULT_BUS),
        lambda stack: _rule(stack).add_deletion_override("Properties.Targets"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-AI-05: personal data and prompt attacks found by the guardrail raise an alert in the audit account."""

from __future__ import annotations

import pytest

from controls.ai._builders import GENAI, GENAI_RESEARCH, genai_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, the, variant
from gxp_landing_zone.constructs import genai_signals

CONTROL = "GXP-AI-05"
STACK = GENAI


def metric_filter(template: dict, signal: str) -> dict:
    return properties(template, "AWS::Logs::MetricFilter", f"{signal}Filter")


def alarm(template: dict, signal: str) -> dict:
    return properties(template, "AWS::CloudWatch::Alarm", f"{signal}Alarm")


def forwarding(template: dict) -> dict:
    return properties(template, "AWS::Events::Rule", "GenAiAlarms")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)
    assert CONTROL not in fired(reference[GENAI_RESEARCH], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: metric_filter(t, "SensitiveData").update(FilterPattern='"ERROR"'), id="pii-filter-blind"),
        pytest.param(lambda t: metric_filter(t, "PromptAttack").update(LogGroupName="/other/group"), id="filter-on-another-group"),
        pytest.param(lambda t: alarm(t, "PromptAttack").update(Threshold=10), id="alarm-after-ten-attacks"),
        pytest.param(lambda t: alarm(t, "SensitiveData").update(ActionsEnabled=False), id="alarm-disabled"),
        pytest.param(lambda t: forwarding(t).update(State="DISABLED"), id="forwarding-disabled"),
        pytest.param(lambda t: forwarding(t)["Targets"][0].update(Arn="arn:aws:events:us-east-1:444444444444:event-bus/default"),
                     id="alarms-kept-in-the-account"),
        pytest.param(lambda t: forwarding(t)["EventPattern"]["detail"].update(alarmName=[{"prefix": "other-"}]),
                     id="rule-matches-other-alarms"),
        pytest.param(lambda t: metric_filter(t, "SensitiveData").update(FilterPattern={"Ref": "PatternParameter"}),
                     id="unprovable-pattern"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _alarm(stack, signal):
    return stack.signals.alarms[signal].node.default_child


CHANNELS = Channels(
    build=genai_stack,
    construct=lambda mp: mp.setattr(genai_signals, "SIGNALS", (genai_signals.SIGNALS[0],)),
    l1=lambda stack: setattr(_alarm(stack, "PromptAttack"), "threshold", 100),
    overrides=(
        lambda stack: _alarm(stack, "SensitiveData").add_property_override("ActionsEnabled", False),
        lambda stack: stack.signals.filters["PromptAttack"].node.default_child.add_override(
            "Properties.FilterPattern", '"nothing"'),
        lambda stack: stack.forwarding.rules["GenAiAlarms"].add_deletion_override("Properties.Targets"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

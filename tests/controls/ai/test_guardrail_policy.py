"""GXP-AI-02: the guardrail screens personal data, denied topics, prompt attacks and ungrounded answers
as configured, under a customer-managed key, with a published version."""

from __future__ import annotations

import pytest
from aws_cdk import aws_bedrock as bedrock

from controls.ai._builders import GENAI, GENAI_RESEARCH, genai_stack, guardrail
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.constructs import bedrock_guardrail

CONTROL = "GXP-AI-02"
STACK = GENAI


def pii(template: dict) -> list:
    return guardrail(template)["SensitiveInformationPolicyConfig"]["PiiEntitiesConfig"]


def set_action(entity: str, action: str):
    return lambda t: next(e for e in pii(t) if e["Type"] == entity).update(Action=action)


def filters(template: dict, policy: str) -> list:
    return guardrail(template)[policy]["FiltersConfig"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)
    assert CONTROL not in fired(reference[GENAI_RESEARCH], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(set_action("US_SOCIAL_SECURITY_NUMBER", "ANONYMIZE"), id="ssn-only-anonymized"),
        pytest.param(lambda t: pii(t).remove(next(e for e in pii(t) if e["Type"] == "EMAIL")), id="email-not-detected"),
        pytest.param(lambda t: filters(t, "ContentPolicyConfig")[0].update(InputStrength="LOW"), id="weak-prompt-attack-filter"),
        pytest.param(lambda t: guardrail(t).pop("ContentPolicyConfig"), id="no-prompt-attack-filter"),
        pytest.param(lambda t: filters(t, "ContextualGroundingPolicyConfig")[0].update(Threshold=0.1), id="grounding-lowered"),
        pytest.param(lambda t: guardrail(t).pop("TopicPolicyConfig"), id="denied-topic-dropped"),
        pytest.param(lambda t: guardrail(t).pop("KmsKeyArn"), id="aws-owned-key"),
        pytest.param(lambda t: guardrail(t).update(KmsKeyArn={"Ref": "KeyParameter"}), id="unprovable-key"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(set_action("EMAIL", "BLOCK"), id="blocking-where-anonymizing-is-required"),
        pytest.param(lambda t: filters(t, "ContextualGroundingPolicyConfig")[1].update(Threshold=0.9), id="stricter-relevance"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _guardrail(stack):
    return stack.guardrail.guardrail


CHANNELS = Channels(
    build=genai_stack,
    construct=lambda mp: mp.setattr(bedrock_guardrail.bedrock, "CfnGuardrail",
                                    forcing(bedrock.CfnGuardrail, content_policy_config=None)),
    l1=lambda stack: setattr(_guardrail(stack), "contextual_grounding_policy_config", None),
    overrides=(
        lambda stack: _guardrail(stack).add_property_override("ContentPolicyConfig.FiltersConfig.0.InputStrength", "LOW"),
        lambda stack: _guardrail(stack).add_override("Properties.TopicPolicyConfig", {"TopicsConfig": []}),
        lambda stack: _guardrail(stack).add_deletion_override("Properties.SensitiveInformationPolicyConfig"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

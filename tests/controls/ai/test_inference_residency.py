"""GXP-AI-09: a regulated account's Bedrock inference and jobs stay in its jurisdiction, never through a
global inference profile."""

from __future__ import annotations

import pytest

from controls.guardrails._organization import STACK, build, drop, scp, statement, without_action
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import guardrails

CONTROL = "GXP-AI-09"
INFERENCE, GLOBAL, JOBS = ("DenyBedrockInferenceOutsideJurisdiction", "DenyGlobalInferenceProfiles",
                           "DenyBedrockJobsOutsideJurisdiction")


def policy(template: dict, jurisdiction: str) -> dict:
    return properties(template, "AWS::Organizations::Policy", f"Bedrock{jurisdiction}Residency")


def bedrock(jurisdiction: str) -> str:
    return f"Bedrock{jurisdiction}Residency"


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: statement(t, bedrock("EU"), INFERENCE)["Condition"]["StringNotEquals"]["aws:RequestedRegion"]
                     .append("us-east-1"), id="eu-prompts-answered-in-the-us"),
        pytest.param(lambda t: drop(t, bedrock("JP"), GLOBAL), id="jp-global-profiles"),
        pytest.param(lambda t: statement(t, bedrock("US"), GLOBAL).update(
            Resource=["arn:aws:bedrock:*:*:inference-profile/global.anthropic.*"]), id="us-some-global-profiles"),
        pytest.param(lambda t: without_action(t, bedrock("US"), JOBS, "bedrock:CreateModelCustomizationJob"),
                     id="us-customization-anywhere"),
        pytest.param(lambda t: policy(t, "JP").update(TargetIds=[]), id="jp-account-unbound"),
        pytest.param(lambda t: policy(t, "EU").update(TargetIds=["444444444444"]), id="eu-policy-on-the-us-account"),
        pytest.param(lambda t: policy(t, "US").update(TargetIds={"Ref": "UsAccountsParameter"}), id="unprovable-targets"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_compliant_as_iam_reads_it(reference, ctx):
    # Denying every Bedrock action outside the jurisdiction covers the listed ones.
    edit = lambda t: statement(t, bedrock("EU"), JOBS).update(Action="bedrock:*")  # noqa: E731
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(guardrails, "BEDROCK_PLACEMENT_ACTIONS", [
        a for a in guardrails.BEDROCK_PLACEMENT_ACTIONS if a != "bedrock:CreateModelInvocationJob"]),
    l1=lambda stack: setattr(scp(stack, "BedrockJPResidencyPolicy"), "target_ids", []),
    overrides=(
        lambda stack: scp(stack, "BedrockEUResidencyPolicy").add_property_override(
            "Content.Statement.0.Condition.StringNotEquals.aws:RequestedRegion", ["eu-central-1", "us-east-1"]),
        lambda stack: scp(stack, "BedrockUSResidencyPolicy").add_override("Properties.TargetIds", ["777777777777"]),
        lambda stack: scp(stack, "BedrockUSResidencyPolicy").add_deletion_override("Properties.Content.Statement.1"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-AI-04: from the workload VPC, Bedrock is reached through interface endpoints whose policies admit
only the account's principals, only the allowed models, and a read-only control plane."""

from __future__ import annotations

import pytest

from controls.ai._builders import COMPUTE, COMPUTE_JP, COMPUTE_RESEARCH
from controls.compute._builders import compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import workload_network

CONTROL = "GXP-AI-04"
STACK = COMPUTE


def runtime(template: dict) -> dict:
    return properties(template, "AWS::EC2::VPCEndpoint", "BedrockRuntime")


def control_plane(template: dict) -> dict:
    """The control-plane endpoint: "VpcBedrock" names the runtime endpoint too."""
    found = [r for lid, r in template["Resources"].items()
             if r["Type"] == "AWS::EC2::VPCEndpoint" and "VpcBedrock" in lid and "Runtime" not in lid]
    assert len(found) == 1, f"expected one Bedrock control-plane endpoint, found {len(found)}"
    return found[0].setdefault("Properties", {})


def first(document: dict) -> dict:
    return document["PolicyDocument"]["Statement"][0]


def test_compliant(reference, ctx):
    for stack in (COMPUTE, COMPUTE_RESEARCH, COMPUTE_JP):
        assert CONTROL not in fired(reference[stack], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: runtime(t).pop("PolicyDocument"), id="runtime-without-policy"),
        pytest.param(lambda t: first(runtime(t)).pop("Condition"), id="any-account-may-invoke"),
        pytest.param(lambda t: first(runtime(t))["Resource"].append(
            "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2"), id="model-not-configured"),
        pytest.param(lambda t: first(runtime(t)).update(Action="bedrock:*"), id="every-bedrock-action"),
        pytest.param(lambda t: first(control_plane(t)).update(Action=["bedrock:Get*", "bedrock:UpdateGuardrail"]),
                     id="guardrail-changed-from-the-vpc"),
        pytest.param(lambda t: runtime(t).update(PrivateDnsEnabled=False), id="public-dns"),
        pytest.param(lambda t: t["Resources"].pop(next(k for k in t["Resources"] if "VpcBedrockRuntime" in k)),
                     id="no-runtime-endpoint"),
        pytest.param(lambda t: runtime(t).update(PolicyDocument={"Ref": "PolicyParameter"}), id="unprovable-policy"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _endpoint(stack, name):
    return stack.network.endpoints[name].node.default_child


CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(workload_network, "INFERENCE_ACTIONS", ["bedrock:*"]),
    l1=lambda stack: setattr(_endpoint(stack, "BedrockRuntime"), "private_dns_enabled", False),
    overrides=(
        lambda stack: _endpoint(stack, "Bedrock").add_property_override(
            "PolicyDocument.Statement.0.Action", ["bedrock:Get*", "bedrock:Put*"]),
        lambda stack: _endpoint(stack, "BedrockRuntime").add_override("Properties.PolicyDocument.Statement.0.Resource", "*"),
        lambda stack: _endpoint(stack, "BedrockRuntime").add_deletion_override("Properties.PolicyDocument"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

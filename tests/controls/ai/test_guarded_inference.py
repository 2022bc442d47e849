"""GXP-AI-03: IAM admits Bedrock inference only through the account's published guardrail version and
only on the models and profiles the config allows it."""

from __future__ import annotations

import pytest

from controls.ai._builders import COMPUTE, GENAI, GENAI_RESEARCH, genai_stack, invoke_document, invoke_statement
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import bedrock_access

CONTROL = "GXP-AI-03"
STACK = GENAI
ALLOW, DENY = "InvokeAllowedModelsThroughTheGuardrail", "DenyInferenceWithoutTheGuardrail"
V2 = "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2"


def _drop(sid: str):
    def edit(t):
        document = invoke_document(t)
        document["Statement"] = [s for s in document["Statement"] if s["Sid"] != sid]
    return edit


def _grant_in(template: dict, named: str) -> None:
    properties(template, "AWS::IAM::ManagedPolicy", named)["PolicyDocument"]["Statement"].append(
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"})


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)
    assert CONTROL not in fired(reference[GENAI_RESEARCH], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: invoke_statement(t, ALLOW).pop("Condition"), id="no-guardrail-required"),
        pytest.param(lambda t: invoke_statement(t, ALLOW)["Condition"]["StringEquals"].update(
            {"bedrock:GuardrailIdentifier": "arn:aws:bedrock:us-east-1:444444444444:guardrail/other:1"}), id="another-guardrail"),
        pytest.param(lambda t: invoke_statement(t, ALLOW)["Resource"].append(V2), id="model-not-configured"),
        pytest.param(lambda t: invoke_statement(t, ALLOW).update(Resource="*"), id="every-model"),
        pytest.param(_drop(DENY), id="no-deny-for-other-guardrails"),
        pytest.param(lambda t: invoke_statement(t, "ProfileDestinations0")["Condition"]["StringEquals"].pop(
            "bedrock:InferenceProfileArn"), id="destination-models-directly"),
        pytest.param(lambda t: _grant_in(t, "EvaluationEvaluatePolicy"), id="second-policy-without-guardrail"),
        pytest.param(lambda t: invoke_statement(t, ALLOW)["Condition"]["StringEquals"].update(
            {"bedrock:GuardrailIdentifier": {"Ref": "GuardrailParameter"}}), id="unprovable-guardrail"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_inference_granted_in_a_compute_stack_without_the_guardrail_is_caught(reference, ctx):
    edit = lambda t: _grant_in(t, "BatchJobPolicy") if any("BatchJobPolicy" in k for k in t["Resources"]) else \
        _grant_in(t, "ModelTrainingExecutionPolicy")  # noqa: E731
    assert fired(variant(reference[COMPUTE], edit), ctx) == {CONTROL}


def test_a_broad_aws_managed_policy_on_a_role_is_caught(reference, ctx):
    def edit(template):
        role = properties(template, "AWS::IAM::Role", "InferenceInvokerRole")
        role["ManagedPolicyArns"].append("arn:aws:iam::aws:policy/AmazonBedrockFullAccess")
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _policy(stack):
    return stack.access.policy.node.default_child


def _weakened(original):
    """The construct's code edited to drop the guardrail requirement from its grants."""

    def init(self, scope, id, **kwargs):
        original(self, scope, id, **kwargs)
        document = self.policy.node.default_child
        resolved = self.policy.stack.resolve(document.policy_document)
        resolved["Statement"] = [s for s in resolved["Statement"] if s.get("Sid") != DENY]
        document.policy_document = resolved

    return init


CHANNELS = Channels(
    build=genai_stack,
    construct=lambda mp: mp.setattr(bedrock_access.InferenceAccess, "__init__", _weakened(bedrock_access.InferenceAccess.__init__)),
    l1=lambda stack: setattr(_policy(stack), "policy_document", {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "bedrock:InvokeModel", "Resource": "*"}]}),
    overrides=(
        lambda stack: _policy(stack).add_property_override("PolicyDocument.Statement.0.Resource", "*"),
        lambda stack: _policy(stack).add_override(
            "Properties.PolicyDocument.Statement.0.Condition.StringEquals.bedrock:GuardrailIdentifier",
            "arn:aws:bedrock:us-east-1:444444444444:guardrail/other:1"),
        # Statements: the allowed models, the profile's destinations, ApplyGuardrail, then the Deny.
        lambda stack: _policy(stack).add_deletion_override("Properties.PolicyDocument.Statement.3"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)


def test_an_unresolvable_value_outside_inference_grants_is_no_doubt(reference, ctx):
    # A statement that cannot grant inference may name its resource only at deploy time.
    def edit(template):
        invoke_document(template)["Statement"].append(
            {"Sid": "ReadConfig", "Effect": "Allow", "Action": "ssm:GetParameter", "Resource": {"Fn::ImportValue": "Param"}})
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def test_an_unresolvable_action_is_a_doubt(reference, ctx):
    edit = lambda t: invoke_document(t)["Statement"].append(  # noqa: E731
        {"Sid": "Imported", "Effect": "Allow", "Action": {"Fn::ImportValue": "Actions"}, "Resource": "*"})
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_a_not_action_grant_on_other_resources_grants_no_inference(reference, ctx):
    # IAM matches the whole ARN: an Allow on a bucket's objects never authorizes InvokeModel on a model.
    edit = lambda t: invoke_document(t)["Statement"].append(  # noqa: E731
        {"Sid": "Objects", "Effect": "Allow", "NotAction": "s3:DeleteObject*", "Resource": "arn:aws:s3:::exbio-scratch/*"})
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)

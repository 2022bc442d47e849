"""The stacks the AI controls' channel cases rebuild, and edits to their templates."""

from __future__ import annotations

from controls.support import properties, resources_of, the
from gxp_landing_zone.stacks.genai import GenAiStack

GENAI = "GenAI-regulated-us-us-east-1"
GENAI_RESEARCH = "GenAI-research-us-east-1"
COMPUTE = "Compute-regulated-us-us-east-1"
COMPUTE_JP = "Compute-regulated-jp-ap-northeast-1"
COMPUTE_RESEARCH = "Compute-research-us-east-1"


def genai_stack(app, config):
    return GenAiStack(app, config=config, account=config.account("regulated-us"), region="us-east-1")


def guardrail(template: dict) -> dict:
    return properties(template, "AWS::Bedrock::Guardrail")


def logging_config(template: dict) -> dict:
    return properties(template, "Custom::BedrockInvocationLogging")["LoggingConfig"]


def invoke_document(template: dict) -> dict:
    return properties(template, "AWS::IAM::ManagedPolicy", "InferencePolicy")["PolicyDocument"]


def invoke_statement(template: dict, sid: str) -> dict:
    return next(s for s in invoke_document(template)["Statement"] if s["Sid"] == sid)


def function(template: dict, handler: str) -> dict:
    return next(r for r in resources_of(template, "AWS::Lambda::Function") if r["Properties"].get("Handler") == handler)


def environment(template: dict, handler: str) -> dict:
    return function(template, handler)["Properties"]["Environment"]["Variables"]


def drop_type(template: dict, resource_type: str) -> None:
    for logical_id in [k for k, r in template["Resources"].items() if r["Type"] == resource_type]:
        template["Resources"].pop(logical_id)


def rule(template: dict, named: str) -> dict:
    return the(template, "AWS::Events::Rule", named)

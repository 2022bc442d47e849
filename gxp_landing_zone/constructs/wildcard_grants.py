"""Acknowledging the wildcard grants of policies a library writes (CDK Pipelines' role default policies),
one finding at a time, with the reason: the AwsSolutions pack reports each wildcard action and resource of
a policy as its own finding, named as below, and an acknowledgement must name the finding exactly."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from constructs import IConstruct

from .acknowledge import acknowledge


def _render(value) -> str:
    """A resource as the pack names it: intrinsics as <LogicalId> / <LogicalId.Attribute>."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Ref" in value:
        return f"<{value['Ref']}>"
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return "<" + ".".join(value["Fn::GetAtt"]) + ">"
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_render(p) for p in parts)
    return str(value)


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def wildcard_findings(document: dict) -> list[str]:
    found = []
    for statement in _listed(document.get("Statement", [])):
        for action in _listed(statement.get("Action", [])):
            if isinstance(action, str) and "*" in action:
                found.append(f"AwsSolutions-IAM5[Action::{action}]")
        for resource in _listed(statement.get("Resource", [])):
            rendered = _render(resource)
            if "*" in rendered:
                found.append(f"AwsSolutions-IAM5[Resource::{rendered}]")
    return sorted(set(found))


def acknowledge_wildcards(scope: IConstruct, reason: str) -> None:
    """Every wildcard finding of every IAM policy under ``scope``, acknowledged on its policy."""
    stack = Stack.of(scope)
    for node in scope.node.find_all():
        if isinstance(node, (iam.CfnPolicy, iam.CfnManagedPolicy)):
            document = stack.resolve(node.policy_document)
            findings = wildcard_findings(document)
            if findings:
                acknowledge(node, findings, reason)

"""Reading L1 resources: resolved property values, tags, policies and sibling resources."""

from __future__ import annotations

from typing import Any, Iterable

from aws_cdk import CfnResource, Stack


def prop(node: CfnResource, name: str) -> Any:
    """A typed L1 property, with tokens resolved to plain Python (camelCase keys)."""
    return Stack.of(node).resolve(getattr(node, name))


def tag(node: CfnResource, key: str) -> str | None:
    rendered = Stack.of(node).resolve(node.tags.render_tags()) or []
    for item in rendered:
        if (item.get("Key") or item.get("key")) == key:
            return item.get("Value", item.get("value"))
    return None


def siblings(node: CfnResource, cfn_type: str) -> Iterable[CfnResource]:
    """Resources of a type in the same stack as ``node``."""
    # isinstance is answered in Python; is_cfn_resource is one jsii round trip per construct,
    # which made this loop the largest cost of the pack on VPC-sized stacks.
    for child in Stack.of(node).node.find_all():
        if isinstance(child, CfnResource) and child.cfn_resource_type == cfn_type:
            yield child


def siblings_by_type(node: CfnResource, *cfn_types: str) -> dict[str, list[CfnResource]]:
    """Resources of several types in ``node``'s stack, in one pass over the construct tree."""
    found: dict[str, list[CfnResource]] = {t: [] for t in cfn_types}
    for child in Stack.of(node).node.find_all():
        if isinstance(child, CfnResource):
            kind = child.cfn_resource_type
            if kind in found:
                found[kind].append(child)
    return found


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def statements(document: Any) -> list[dict]:
    if not isinstance(document, dict):
        return []
    return [s for s in as_list(document.get("Statement")) if isinstance(s, dict)]


def principal_is_anyone(statement: dict) -> bool:
    principal = statement.get("Principal")
    if principal == "*":
        return True
    if isinstance(principal, dict):
        return "*" in as_list(principal.get("AWS"))
    return False


def refers_to(value: Any, node: CfnResource) -> bool:
    """Whether a resolved value ({"Ref": ...} or {"Fn::GetAtt": [...]}) points at ``node``."""
    logical_id = Stack.of(node).resolve(node.logical_id)
    if not isinstance(value, dict):
        return False
    return value.get("Ref") == logical_id or (value.get("Fn::GetAtt") or [None])[0] == logical_id


def bucket_policy_statements(bucket: CfnResource) -> list[dict]:
    found: list[dict] = []
    for policy in siblings(bucket, "AWS::S3::BucketPolicy"):
        if refers_to(prop(policy, "bucket"), bucket):
            found.extend(statements(prop(policy, "policy_document")))
    return found


def stack_account(node: CfnResource) -> str:
    return Stack.of(node).account


def stack_region(node: CfnResource) -> str:
    return Stack.of(node).region

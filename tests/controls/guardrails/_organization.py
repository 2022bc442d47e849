"""What the guardrail tests share: the Organization stack, its SCPs, and edits to them."""

from __future__ import annotations

import json

from controls.support import properties
from gxp_landing_zone.stacks.organization import OrganizationStack

STACK = "Organization-management-us-east-1"
EXEC_ROLE = "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"


def content(template: dict, policy: str) -> dict:
    return properties(template, "AWS::Organizations::Policy", policy)["Content"]


def statement(template: dict, policy: str, sid: str) -> dict:
    return next(s for s in content(template, policy)["Statement"] if s["Sid"] == sid)


def drop(template: dict, policy: str, sid: str) -> None:
    document = content(template, policy)
    document["Statement"] = [s for s in document["Statement"] if s["Sid"] != sid]


def without_action(template: dict, policy: str, sid: str, action: str) -> None:
    found = statement(template, policy, sid)
    found["Action"] = [a for a in found["Action"] if a != action]


def as_json_text(template: dict, policy: str) -> None:
    """Content as the JSON string CloudFormation also accepts."""
    props = properties(template, "AWS::Organizations::Policy", policy)
    props["Content"] = json.dumps(props["Content"])


def build(app, config):
    return OrganizationStack(app, config=config, account=config.management, region=config.home_region)


def scp(stack, policy: str):
    """The L1 CfnPolicy the stack built under ``policy`` (its construct ID)."""
    return stack.node.find_child(policy)


def set_content(stack, policy: str, change) -> None:
    """An L1 setter: the policy's content, read back, changed by ``change(document)``, set again."""
    node = scp(stack, policy)
    document = json.loads(json.dumps(stack.resolve(node.content)))
    change(document)
    node.content = document

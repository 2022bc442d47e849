"""Shared machinery for the mutation tests: build the one stack a control lives in, run the
GXP pack on it, and small helpers to reach and weaken the resource under test."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from aws_cdk import App, Stack
from aws_cdk import aws_s3 as s3

from gxp_landing_zone.estate import new_app
from gxp_landing_zone.stacks.access import AccessStack
from gxp_landing_zone.stacks.audit import AuditStack
from gxp_landing_zone.stacks.baseline import BaselineStack
from gxp_landing_zone.stacks.log_archive import LogArchiveStack
from gxp_landing_zone.stacks.organization import OrganizationStack
from gxp_landing_zone.validation.nag_pack import GxpChecks
from gxp_landing_zone.validation.rules._read import prop
from gxp_landing_zone.validation.rules.context import RuleContext


StackBuilder = Callable[[App, object, "str | None", "str | None"], Stack]


def build(component: "str | StackBuilder", config, region: str | None = None, role: str | None = None) -> Stack:
    """``component`` names an audit-substrate stack, or is a function (app, config, region, role) -> stack."""
    app = new_app()
    home = config.home_region
    if callable(component):
        stack = component(app, config, region, role)
    elif component == "log_archive":
        stack = LogArchiveStack(app, config=config, account=config.log_archive, region=region or home)
    elif component == "organization":
        stack = OrganizationStack(app, config=config, account=config.management, region=home)
    elif component == "audit":
        stack = AuditStack(app, config=config, account=config.audit, region=home)
    elif component == "access":
        stack = AccessStack(app, config=config, account=config.management, region=home)
    elif component == "baseline":
        stack = BaselineStack(app, config=config, account=config.account(role or "regulated-eu"), region=region or home)
    else:
        raise ValueError(component)
    app.synth()  # applies aspects (tags) exactly as a real synthesis does
    return stack


def violations(stack: Stack, config) -> set[str]:
    pack = GxpChecks(context=RuleContext.from_config(config))
    return {v.rule_name for v in pack.validate_scope(stack).violations}


# -- helpers to reach the resource a mutation changes ---------------------------------------


def trail(stack):
    return stack.trail.trail


def trail_bucket(stack) -> s3.CfnBucket:
    return stack.trail_bucket.bucket.node.default_child


def trail_bucket_policy(stack):
    return stack.trail_bucket.bucket.policy.node.default_child


def drop_statement(policy, sid: str):
    document = prop(policy, "policy_document")
    document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != sid]
    policy.policy_document = document


def scp(stack, id: str):
    return stack.node.find_child(id)


def edit_scp(stack, id: str, edit: Callable[[dict], None]):
    policy = scp(stack, id)
    content = prop(policy, "content")
    edit(content)
    policy.content = content


def remove_action(action: str):
    def edit(content):
        for statement in content["Statement"]:
            if isinstance(statement.get("Action"), list) and action in statement["Action"]:
                statement["Action"] = [a for a in statement["Action"] if a != action]

    return edit


def permission_set(stack, name: str):
    return stack.node.find_child("IdentityCenterPermissionSets").node.find_child(name)


def recorder(stack):
    return stack.recorder.recorder


@dataclass(frozen=True)
class Mutation:
    component: "str | StackBuilder"
    what: str
    apply: Callable
    region: str | None = None
    role: str | None = None




def assert_caught(control_id: str, mutation: Mutation, config) -> None:
    """The control passes on the stack as built, and fails once the mutation weakens it."""
    stack = build(mutation.component, config, mutation.region, mutation.role)
    assert control_id not in violations(stack, config), "the control must pass before the mutation"
    mutation.apply(stack)
    assert control_id in violations(stack, config), f"{control_id} missed: {mutation.what}"

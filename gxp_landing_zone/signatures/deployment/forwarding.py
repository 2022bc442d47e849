"""Signature events leave the account: applied signatures and refused attempts are forwarded to
the audit account's bus."""

from __future__ import annotations

from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from constructs import Construct

from .spec import SignatureServiceSpec


def add_event_forwarding(scope: Construct, spec: SignatureServiceSpec) -> events.CfnRule:
    forwarder = iam.Role.from_role_name(scope, "EventForwarderRole", spec.event_forwarder_role_name)
    # 11.300(d), 11.10(e): applied signatures and refused attempts reach the audit account.
    return events.CfnRule(
        scope,
        "ForwardSignatureEvents",
        description="Forward signature events (applied and refused) to the audit account",
        event_pattern={"source": [spec.event_source]},
        state="ENABLED",
        targets=[
            events.CfnRule.TargetProperty(
                id="AuditBus", arn=spec.audit_bus_arn, role_arn=forwarder.role_arn
            )
        ],
    )

"""Signature events leave the account: applied signatures and refused attempts are forwarded to
the audit account's bus."""

from __future__ import annotations

from aws_cdk import aws_events as events
from constructs import Construct

from ...constructs.compliance_events import audit_bus_sender
from .spec import SignatureServiceSpec


def add_event_forwarding(scope: Construct, spec: SignatureServiceSpec) -> events.CfnRule:
    forwarder = audit_bus_sender(scope, "SignatureEventSender", audit_bus_arn=spec.audit_bus_arn)
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

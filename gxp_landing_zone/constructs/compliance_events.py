"""Continuous compliance: the conformance pack the audit account deploys across the organization,
and the alerts that name the control and clause a drifted resource breaks (Annex 11 §10, §11, §13;
11.10(a), 11.300(d))."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_config as config_
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns
from constructs import Construct


@dataclass(frozen=True)
class AlertRoute:
    """Events matching ``detail`` (of ``source`` / ``detail_type``) alert with this control and clause."""

    id: str
    description: str
    controls: str
    clauses: str
    source: tuple[str, ...]
    detail_type: tuple[str, ...]
    detail: dict


class OrganizationConformancePack(Construct):
    """One organization conformance pack, from the delegated administrator, in one region."""

    def __init__(self, scope: Construct, id: str, *, name: str, template_body: str, excluded_accounts: list[str]) -> None:
        super().__init__(scope, id)
        self.pack = config_.CfnOrganizationConformancePack(
            self,
            "Pack",
            organization_conformance_pack_name=name,
            template_body=template_body,
            excluded_accounts=excluded_accounts or None,
        )


class ComplianceAlerts(Construct):
    """Rules on the audit bus that send each compliance or change event to the alert topic, with
    the control ID and clauses written into the message a QA reviewer reads."""

    def __init__(self, scope: Construct, id: str, *, bus: events.IEventBus, topic: sns.ITopic, routes: list[AlertRoute]) -> None:
        super().__init__(scope, id)
        for route in routes:
            events.Rule(
                self,
                route.id,
                event_bus=bus,
                description=route.description[:512],
                event_pattern=events.EventPattern(
                    source=list(route.source), detail_type=list(route.detail_type), detail=route.detail
                ),
                targets=[
                    targets.SnsTopic(
                        topic,
                        message=events.RuleTargetInput.from_object(
                            {
                                "control": route.controls,
                                "clauses": route.clauses,
                                "account": events.EventField.account,
                                "region": events.EventField.region,
                                "time": events.EventField.time,
                                "detailType": events.EventField.detail_type,
                                "detail": events.EventField.from_path("$.detail"),
                            }
                        ),
                    )
                ],
            )


@dataclass(frozen=True)
class ForwardedChange:
    id: str
    description: str
    event_pattern: dict


class ChangeForwarder(Construct):
    """Sends CloudTrail-recorded changes to regulated resources (record buckets, keys, the trail)
    from this account to the audit account's bus, as they happen."""

    def __init__(
        self, scope: Construct, id: str, *, audit_bus_arn: str, role: iam.IRole, changes: list[ForwardedChange]
    ) -> None:
        super().__init__(scope, id)
        target = events.CfnRule.TargetProperty(id="AuditBus", arn=audit_bus_arn, role_arn=role.role_arn)
        self.rules = {
            change.id: events.CfnRule(
                self, change.id, description=change.description, event_pattern=change.event_pattern,
                state="ENABLED", targets=[target],
            )
            for change in changes
        }


def audit_bus_sender(scope: Construct, id: str, *, audit_bus_arn: str) -> iam.Role:
    """A role EventBridge assumes to put this stack's events on the audit account's bus.

    Each stack that forwards events makes its own, named by CloudFormation: a stack never waits for
    another stack's role, so stacks deploy in parallel waves. A rule sending to a bus in another account
    needs a role when that bus admits the organization rather than named accounts.
    """
    role = iam.Role(scope, id, assumed_by=iam.ServicePrincipal("events.amazonaws.com"))
    iam.ManagedPolicy(
        scope,
        f"{id}Policy",
        roles=[role],
        statements=[iam.PolicyStatement(actions=["events:PutEvents"], resources=[audit_bus_arn])],
    )
    return role

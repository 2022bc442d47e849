from __future__ import annotations

import hashlib

from aws_cdk import aws_config as config_
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sns as sns

from ..change_control.patterns import break_glass_use_pattern
from ..constructs.acknowledge import AWS_MANAGED_SERVICE_ROLE, acknowledge
from ..constructs.compliance_events import AlertRoute, ComplianceAlerts
from ..constructs.managed_key import ManagedKey
from ..constructs.permission_sets import specs as permission_set_specs
from ..constructs.record_signing_key import RecordSigningKey
from ..constructs.trail_review import ReviewedClass, TrailReview
from ..validation import conformance
from .audit_review import review_alert_routes, scheduled_review
from .base import GxpStack
from ..constructs.keep import KEEP


class AuditStack(GxpStack):
    """Security/audit account, home region: sees the whole estate's compliance (Annex 11 §11, §13)."""

    component = "Audit"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        names, config = self.names, self.config

        self.key = ManagedKey(self, "AuditAlertsKey", alias="alias/gxp/audit-alerts", description="Encrypts compliance alerts")
        self.key.allow(
            "EventBridgePublishes",
            iam.ServicePrincipal("events.amazonaws.com"),
            ["kms:GenerateDataKey*", "kms:Decrypt"],
            {"StringEquals": {"aws:SourceAccount": self.account}},
        )

        self.bus = events.EventBus(self, "ComplianceEventBus", event_bus_name=names.audit_bus_name)
        # Every account of the organization may report here, so an account that joins later needs no change
        # (its baseline arrives from the StackSet and forwards at once); nobody outside it may.
        events.CfnEventBusPolicy(
            self,
            "OrganizationPutsEvents",
            event_bus_name=self.bus.event_bus_name,
            statement_id="OrganizationAccountsPutEvents",
            statement={
                "Sid": "OrganizationAccountsPutEvents",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "events:PutEvents",
                "Resource": self.bus.event_bus_arn,
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": config.organization.id}},
            },
        )

        self.alerts = sns.Topic(
            self, "ComplianceAlertTopic", topic_name="gxp-compliance-alerts", master_key=self.key.key, enforce_ssl=True
        )
        self.alerts.apply_removal_policy(KEEP)
        # 11.300(d): an alert must reach someone. Each configured subscriber is named by its endpoint, so
        # reordering the config never replaces a subscription (an e-mail subscriber would have to confirm again).
        for subscriber in config.alerts.subscriptions:
            endpoint_id = hashlib.sha256(f"{subscriber.protocol} {subscriber.endpoint}".encode()).hexdigest()[:10]
            sns.Subscription(
                self, f"AlertSubscriber{endpoint_id}", topic=self.alerts, endpoint=subscriber.endpoint,
                protocol=sns.SubscriptionProtocol(subscriber.protocol.upper().replace("-", "_")),
            )
        names_of = {spec.key: spec.name for spec in permission_set_specs(names.records_bucket_prefix())}
        self.record_signing_key = RecordSigningKey(
            self,
            "QualificationRecordsKey",
            alias=names.record_signing_key_alias,
            organization_id=config.organization.id,
            signer_permission_sets=[names_of[k] for k in config.qualification.record_signers],
        )
        acknowledge(
            self.record_signing_key,
            ["GXP-KEY-01"],
            "KMS rotates only symmetric encryption keys; this ECC signing key keeps one key pair so every IQ/OQ record "
            "signed since deployment still verifies against the public key filed in the validation package",
        )
        events.Rule(
            self,
            "NonCompliantResourceAlert",
            event_bus=self.bus,
            description="A resource left the validated baseline (AWS Config NON_COMPLIANT)",
            event_pattern=events.EventPattern(
                source=["aws.config"],
                detail_type=["Config Rules Compliance Change"],
                # Conformance-pack rules alert through ComplianceAlerts, which adds the control and clause.
                detail={
                    "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]},
                    "configRuleName": [{"anything-but": {"prefix": conformance.RULE_PREFIX}}],
                },
            ),
            targets=[targets.SnsTopic(self.alerts)],
        )
        ComplianceAlerts(
            self,
            "ComplianceAlerts",
            bus=self.bus,
            topic=self.alerts,
            routes=[
                AlertRoute(**route)
                for route in conformance.pack_alert_routes() + conformance.change_alert_routes(names.records_bucket_prefix())
            ] + ai_alert_routes(names) + review_alert_routes(),
        )
        events.Rule(
            self,
            "RefusedSignatureAlert",
            event_bus=self.bus,
            # 11.300(d): attempted misuse of a signer's identity is reported at once, not only logged.
            description="A signing attempt failed authentication or authority (e-signature service)",
            event_pattern=events.EventPattern(
                source=[names.signature_event_source()], detail_type=["Signature Attempt Refused"]
            ),
            targets=[targets.SnsTopic(self.alerts)],
        )

        break_glass = break_glass_use_pattern()
        events.Rule(
            self,
            "BreakGlassUseAlert",
            event_bus=self.bus,
            # Annex 11 10: a change around the pipeline is known to QA at once and recorded retrospectively.
            description="A change was made under the break-glass permission set; it needs a retrospective change record",
            event_pattern=events.EventPattern(detail_type=break_glass["detail-type"], detail=break_glass["detail"]),
            targets=[
                targets.SnsTopic(
                    self.alerts,
                    message=events.RuleTargetInput.from_object(
                        {
                            "control": "GXP-CHG-03",
                            "clauses": "Annex 11 10; 21 CFR 11.10(k)",
                            "action": "emergency change outside the pipeline: commit it and add its retrospective record "
                            "under change-control/emergencies/ (docs/change-control.md)",
                            "account": events.EventField.account,
                            "region": events.EventField.region,
                            "time": events.EventField.time,
                            "detail": events.EventField.from_path("$.detail"),
                        }
                    ),
                )
            ],
        )

        aggregator_role = iam.Role(
            self,
            "ConfigAggregatorRole",
            assumed_by=iam.ServicePrincipal("config.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWSConfigRoleForOrganizations")
            ],
        )
        acknowledge(
            aggregator_role,
            ["AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSConfigRoleForOrganizations]"],
            AWS_MANAGED_SERVICE_ROLE,
        )
        config_.CfnConfigurationAggregator(
            self,
            "OrganizationConfigAggregator",
            configuration_aggregator_name="gxp-organization",
            organization_aggregation_source=config_.CfnConfigurationAggregator.OrganizationAggregationSourceProperty(
                role_arn=aggregator_role.role_arn, all_aws_regions=True
            ),
        )

        # Auditors assume this role to read the trail; the log-archive key lets only it decrypt.
        self.audit_reader = iam.Role(
            self,
            "AuditLogReaderRole",
            role_name=names.audit_reader_role_name,
            assumed_by=iam.AccountRootPrincipal(),
            description="Reads the organization trail and Config history in the log-archive account",
        )
        objects = [f"arn:aws:s3:::{b}/*" for b in (names.trail_bucket, names.config_bucket)]
        key_pattern = f"arn:aws:kms:{config.home_region}:{config.log_archive.id}:key/*"
        reader_policy = iam.ManagedPolicy(
            self,
            "AuditLogReaderPolicy",
            roles=[self.audit_reader],
            statements=[
                iam.PolicyStatement(
                    actions=["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "s3:ListBucketVersions"],
                    resources=[f"arn:aws:s3:::{b}" for b in (names.trail_bucket, names.config_bucket)] + objects,
                ),
                iam.PolicyStatement(
                    actions=["kms:Decrypt", "kms:DescribeKey"],
                    resources=[key_pattern],
                    conditions={"ForAnyValue:StringEquals": {"kms:ResourceAliases": names.log_archive_key_alias}},
                ),
            ],
        )
        acknowledge(
            reader_policy,
            [f"AwsSolutions-IAM5[Resource::{arn}]" for arn in objects],
            "Auditors read any object of the two named log buckets; the trail writes one object per account, region and five minutes",
        )
        acknowledge(
            reader_policy,
            [f"AwsSolutions-IAM5[Resource::{key_pattern}]"],
            "The log-archive key lives in another account and its ID is unknown at synthesis; the kms:ResourceAliases condition pins it to alias/gxp/log-archive",
        )
        self.review = self._trail_review(reader_policy)
        self.scheduled_review = scheduled_review(self, reader_policy)

    def _trail_review(self, reader_policy: iam.ManagedPolicy) -> TrailReview:
        """Saved review queries over the organization trail, run as the audit log reader (Annex 11 9)."""
        names, config = self.names, self.config
        review = TrailReview(
            self,
            "TrailReview",
            trail_bucket=names.trail_bucket,
            organization_id=config.organization.id,
            account_ids=[a.id for a in config.accounts],
            regions=list(config.allowed_regions),
            database=names.TRAIL_REVIEW_DATABASE,
            table=names.TRAIL_REVIEW_TABLE,
            workgroup=names.TRAIL_REVIEW_WORKGROUP,
            results_key_arn=self.key.key.key_arn,
            classes=[
                ReviewedClass(
                    name=c.name,
                    bucket_prefix=names.records_sql_like(c.name),
                    key_alias=names.records_key_alias(c.name),
                    # Who reads records as a matter of course: the signature service, AWS Backup, replication,
                    # the intake check and the operators' Identity Center role. Anyone else is listed.
                    usual_readers=tuple(
                        p.replace("*", "%") for p in (
                            "arn:aws:iam::*:role/gxp-esig-*", "arn:aws:iam::*:role/gxp-backup-*",
                            "arn:aws:iam::*:role/gxp-replicate-*", "arn:aws:iam::*:role/gxp-records-*",
                            "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_GxpRegulatedDataOperator_*",
                        )
                    ),
                )
                for c in config.data_classes
            ],
        )
        workgroup = f"arn:aws:athena:{self.region}:{self.account}:workgroup/{names.TRAIL_REVIEW_WORKGROUP}"
        catalog = f"arn:aws:glue:{self.region}:{self.account}"
        reader_policy.add_statements(
            iam.PolicyStatement(
                sid="RunSavedReviewQueries",
                actions=["athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution",
                         "athena:GetQueryResults", "athena:GetNamedQuery", "athena:ListNamedQueries",
                         "athena:BatchGetNamedQuery", "athena:GetWorkGroup", "athena:ListQueryExecutions"],
                resources=[workgroup],
            ),
            iam.PolicyStatement(
                sid="ReadTheTrailTable",
                actions=["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
                resources=[f"{catalog}:catalog", f"{catalog}:database/{names.TRAIL_REVIEW_DATABASE}",
                           f"{catalog}:table/{names.TRAIL_REVIEW_DATABASE}/{names.TRAIL_REVIEW_TABLE}"],
            ),
        )
        # Query results are kept in Athena's managed storage under the audit key, used through Athena only.
        self.key.allow(
            "ReviewResultsThroughAthena",
            iam.AccountRootPrincipal(),
            ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
            {
                "StringEquals": {"kms:ViaService": f"athena.{self.region}.amazonaws.com"},
                "ArnEquals": {"aws:PrincipalArn": names.audit_reader_role_arn()},
            },
        )
        return review


def ai_alert_routes(names) -> list[AlertRoute]:
    """What the workload accounts' AI governance sends to the audit bus and a reviewer must see."""
    return [
        AlertRoute(
            id="GenAiMisuseAlert", description="A guardrail found personal data or a prompt attack in Bedrock use",
            controls="GXP-AI-05", clauses="Annex 11 13; EU AI Act 15", source=("aws.cloudwatch",),
            detail_type=("CloudWatch Alarm State Change",),
            detail={"alarmName": [{"prefix": names.genai_alarm_prefix()}], "state": {"value": ["ALARM"]}},
        ),
        AlertRoute(
            id="TrainingDataFindingAlert", description="Macie found sensitive data in a bucket that training reads",
            controls="GXP-AI-08", clauses="EU AI Act 10", source=("aws.macie",), detail_type=("Macie Finding",),
            detail={"category": ["CLASSIFICATION"]},
        ),
        AlertRoute(
            id="ReleaseRefusedAlert", description="A model approval was reverted or an AI release refused by the release gate",
            controls="GXP-AI-06", clauses="Annex 11 10, 14; 21 CFR 11.10(g); EU AI Act 14",
            source=(names.model_release_event_source(),), detail_type=("Model Approval Reverted", "AI Release Refused"),
            detail={"released": [False]},
        ),
    ]

"""The scheduled audit-trail review, deployed in the audit account beside the review workgroup: an EventBridge
Scheduler schedule runs the review function every period; the function runs the saved queries as itself (its
role may run the review workgroup's queries and nothing else, and write only the reports bucket), files the
report under Object Lock COMPLIANCE and tells the audit bus.

Why EventBridge Scheduler rather than a scheduled EventBridge rule: AWS calls scheduled rules a legacy
feature and recommends Scheduler (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html);
Scheduler also hands the target the time the run was due (<aws.scheduler.scheduled-time>), from which the
function derives the period, so a late or retried run still reports the same days
(https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html), and it
invokes through an execution role of its own that may invoke this function alone
(https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_scheduler as scheduler
from constructs import Construct

from ..constructs.governed_function import GovernedFunction
from ..constructs.gxp_bucket import GxpBucket
from ..constructs.managed_key import aliased_key_statement
from ..constructs.runtime_asset import PACKAGE, assembled_runtime

HANDLER = f"{PACKAGE.name}.audit_review.runtime.review.handler"
# Files that ship: the runtime and the print CSS every page of the project prints with.
SHIPPED = (("audit_review/runtime", "*.py"), ("validation", "print_css.py"))
PACKAGES = ("", "audit_review", "validation")
WRITES = ["s3:PutObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold"]


def runtime_root() -> str:
    return assembled_runtime("gxp-review-runtime-", PACKAGES, SHIPPED)


@dataclass(frozen=True)
class ReviewSpec:
    """Where the review reads, where it files, and how often."""

    workgroup: str
    workgroup_arn: str
    database: str
    table: str
    trail_bucket: str
    log_archive_account: str
    log_archive_key_alias: str
    reports_bucket: str
    access_log_bucket: str
    report_prefix: str
    retention_class: str
    lock_days: int
    event_bus_name: str
    event_bus_arn: str
    schedule_name: str
    rate_expression: str
    period_days: int
    rows_per_query: int
    function_role: str
    scheduler_role: str
    log_retention_days: int


class ScheduledTrailReview(Construct):
    def __init__(self, scope: Construct, id: str, *, spec: ReviewSpec, key: kms.IKey) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.access_logs = GxpBucket(self, "AccessLogBucket", bucket_name=spec.access_log_bucket, encryption_key=None,
                                     retention_class="access-log")
        # Kept as long as the audit trail the reports describe, under the audit account's key.
        self.reports = GxpBucket(
            self, "ReportsBucket", bucket_name=spec.reports_bucket, encryption_key=key,
            retention_class=spec.retention_class, lock_days=spec.lock_days,
            access_log_bucket=self.access_logs.bucket, access_log_prefix="audit-reviews/",
        )
        role_arn = f"arn:aws:iam::{stack.account}:role/{spec.function_role}"
        # A report is the review function's alone: nobody else can file one, or set a version's lock.
        self.reports.bucket.add_to_resource_policy(iam.PolicyStatement(
            sid="DenyReportsFromAnyoneButTheReview", effect=iam.Effect.DENY, principals=[iam.AnyPrincipal()],
            actions=WRITES, resources=[self.reports.bucket.arn_for_objects("*")],
            conditions={"ArnNotEquals": {"aws:PrincipalArn": role_arn}},
        ))
        self.function = GovernedFunction(
            self, "Function", code_root=Path(runtime_root()), exclude=[], handler=HANDLER,
            description="Runs the saved audit-trail review queries for the period just ended and files the report (Annex 11 9)",
            role_name=spec.function_role, key=key, log_retention_days=spec.log_retention_days,
            statements=self._statements(spec, stack, key), timeout=Duration.minutes(10), reserved_concurrency=1,
            environment={
                "WORKGROUP": spec.workgroup, "DATABASE": spec.database, "REPORTS_BUCKET": spec.reports_bucket,
                "EVENT_BUS_NAME": spec.event_bus_name, "PERIOD_DAYS": str(spec.period_days),
                "ROWS_PER_QUERY": str(spec.rows_per_query),
            },
        )
        self.schedule_role = iam.Role(
            self, "ScheduleRole", role_name=spec.scheduler_role,
            assumed_by=iam.ServicePrincipal("scheduler.amazonaws.com", conditions={
                "StringEquals": {"aws:SourceAccount": stack.account}}),
            description="EventBridge Scheduler invokes the audit-trail review function, and nothing else",
        )
        arn = self.function.function.function_arn
        iam.ManagedPolicy(self, "SchedulePolicy", roles=[self.schedule_role], statements=[
            # The target is the unqualified function ARN: no version or alias is invoked.
            iam.PolicyStatement(sid="InvokeTheReview", actions=["lambda:InvokeFunction"], resources=[arn]),
        ])
        self.schedule = scheduler.CfnSchedule(
            self, "Schedule", name=spec.schedule_name, state="ENABLED",
            description=f"Audit-trail review report every {spec.period_days} days (Annex 11 9)",
            schedule_expression=spec.rate_expression, schedule_expression_timezone="UTC",
            flexible_time_window=scheduler.CfnSchedule.FlexibleTimeWindowProperty(mode="OFF"),
            target=scheduler.CfnSchedule.TargetProperty(
                arn=arn, role_arn=self.schedule_role.role_arn,
                input=json.dumps({
                    "scheduled_time": "<aws.scheduler.scheduled-time>", "execution_id": "<aws.scheduler.execution-id>",
                    "schedule_arn": "<aws.scheduler.schedule-arn>", "attempt": "<aws.scheduler.attempt-number>",
                }),
            ),
        )

    @staticmethod
    def _statements(spec: ReviewSpec, stack: Stack, key: kms.IKey) -> list[iam.PolicyStatement]:
        catalog = f"arn:aws:glue:{stack.region}:{stack.account}"
        via = [f"{service}.{stack.region}.amazonaws.com" for service in ("athena", "s3")]
        return [
            iam.PolicyStatement(
                sid="RunTheReviewWorkgroupsQueries",
                actions=["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults",
                         "athena:StopQueryExecution", "athena:ListNamedQueries", "athena:GetNamedQuery",
                         "athena:GetWorkGroup"],
                resources=[spec.workgroup_arn],
            ),
            iam.PolicyStatement(
                sid="ReadTheTrailTable", actions=["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
                resources=[f"{catalog}:catalog", f"{catalog}:database/{spec.database}",
                           f"{catalog}:table/{spec.database}/{spec.table}"],
            ),
            # Athena reads the trail with the caller's permissions; the log archive's bucket and key policies
            # name this role beside the audit log reader (stacks/log_archive.py).
            iam.PolicyStatement(
                sid="ReadTheTrail", actions=["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"],
                resources=[f"arn:aws:s3:::{spec.trail_bucket}", f"arn:aws:s3:::{spec.trail_bucket}/*"],
            ),
            aliased_key_statement(["kms:Decrypt"], account=spec.log_archive_account, region=stack.region,
                                  alias=spec.log_archive_key_alias),
            iam.PolicyStatement(
                sid="FileReports", actions=["s3:PutObject"],
                resources=[f"arn:aws:s3:::{spec.reports_bucket}/{spec.report_prefix}*"],
            ),
            # Query results (Athena's managed storage) and the reports are under the audit key.
            iam.PolicyStatement(
                sid="UseTheAuditKeyThroughAthenaAndS3", actions=["kms:Decrypt", "kms:GenerateDataKey"],
                resources=[key.key_arn], conditions={"StringEquals": {"kms:ViaService": via}},
            ),
            iam.PolicyStatement(sid="TellTheAuditBus", actions=["events:PutEvents"], resources=[spec.event_bus_arn]),
        ]

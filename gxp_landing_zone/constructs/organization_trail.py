from __future__ import annotations

from aws_cdk import aws_cloudtrail as cloudtrail
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from constructs import Construct
from .keep import KEEP


class OrganizationTrail(Construct):
    """The organization's audit trail: every account, every region, integrity-validated (11.10(e)).

    Files go to the log-archive bucket under the log-archive key; a copy streams to
    CloudWatch Logs for review and alerting. S3 data events are recorded for every
    regulated record bucket, so each read and change of a record is attributable.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        trail_name: str,
        bucket_name: str,
        kms_key_arn: str,
        log_key: kms.IKey,
        log_retention_days: int,
        record_bucket_prefix: str,
    ) -> None:
        super().__init__(scope, id)
        self.log_group = logs.LogGroup(
            self,
            "TrailLogGroup",
            log_group_name=f"/gxp/cloudtrail/{trail_name}",
            encryption_key=log_key,
            removal_policy=KEEP,
        )
        # Set on the L1 so any period CloudWatch accepts can come from the config.
        self.log_group.node.default_child.retention_in_days = log_retention_days
        role = iam.Role(self, "TrailToLogsRole", assumed_by=iam.ServicePrincipal("cloudtrail.amazonaws.com"))
        iam.ManagedPolicy(
            self,
            "TrailToLogsPolicy",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[self.log_group.log_group_arn]
                )
            ],
        )
        records = cloudtrail.CfnTrail.AdvancedEventSelectorProperty(
            name="Regulated record reads and writes",
            field_selectors=[
                cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(field="eventCategory", equal_to=["Data"]),
                cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(field="resources.type", equal_to=["AWS::S3::Object"]),
                cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(
                    field="resources.ARN", starts_with=[f"arn:aws:s3:::{record_bucket_prefix}"]
                ),
            ],
        )
        management = cloudtrail.CfnTrail.AdvancedEventSelectorProperty(
            name="All management events",
            field_selectors=[
                cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(field="eventCategory", equal_to=["Management"])
            ],
        )
        self.trail = cloudtrail.CfnTrail(
            self,
            "Trail",
            trail_name=trail_name,
            is_logging=True,
            is_organization_trail=True,
            is_multi_region_trail=True,
            include_global_service_events=True,
            enable_log_file_validation=True,
            s3_bucket_name=bucket_name,
            kms_key_id=kms_key_arn,
            cloud_watch_logs_log_group_arn=self.log_group.log_group_arn,
            cloud_watch_logs_role_arn=role.role_arn,
            advanced_event_selectors=[management, records],
        )
        self.trail.node.add_dependency(role)

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr

from ..constructs.config_recorder import ComplianceEventForwarder, ConfigRecorder
from .base import GxpStack

CONFIG_RECORDER_ROLE = "gxp-config-recorder"


class BaselineStack(GxpStack):
    """Every account in every allowed region: record, check and report drift."""

    component = "Baseline"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        names = self.names
        if self.is_home_region:
            # IAM is global: the roles are made once, in the home region, and named so the
            # other regions' stacks can refer to them.
            recorder_role = iam.Role(
                self,
                "ConfigRecorderRole",
                role_name=CONFIG_RECORDER_ROLE,
                assumed_by=iam.ServicePrincipal("config.amazonaws.com"),
                managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWS_ConfigRole")],
            )
            recorder_role.add_to_policy(
                iam.PolicyStatement(
                    actions=["s3:PutObject", "s3:GetBucketAcl", "s3:ListBucket"],
                    resources=[f"arn:aws:s3:::{names.config_bucket}", f"arn:aws:s3:::{names.config_bucket}/AWSLogs/*"],
                )
            )
            recorder_role.add_to_policy(
                iam.PolicyStatement(actions=["kms:GenerateDataKey", "kms:DescribeKey"], resources=[names.log_archive_key_arn])
            )
            forwarder_role = iam.Role(
                self,
                "ComplianceEventForwarderRole",
                role_name=names.event_forwarder_role_name,
                assumed_by=iam.ServicePrincipal("events.amazonaws.com"),
            )
            forwarder_role.add_to_policy(iam.PolicyStatement(actions=["events:PutEvents"], resources=[names.audit_bus_arn()]))
        else:
            forwarder_role = iam.Role.from_role_name(self, "ComplianceEventForwarderRole", names.event_forwarder_role_name)

        self.recorder = ConfigRecorder(
            self,
            "ConfigRecorder",
            role_arn=f"arn:aws:iam::{self.account}:role/{CONFIG_RECORDER_ROLE}",
            delivery_bucket=names.config_bucket,
            delivery_key_arn=names.log_archive_key_arn,
            record_global_resources=self.is_home_region,
        )
        if self.is_home_region:
            self.recorder.recorder.node.add_dependency(recorder_role)
        ComplianceEventForwarder(self, "ComplianceEventForwarder", audit_bus_arn=names.audit_bus_arn(), role=forwarder_role)
        self._account_settings()

    def _account_settings(self) -> None:
        """Account-level defaults CloudFormation has no resource type for."""
        calls = [
            ("EbsEncryptionByDefault", "EC2", "enableEbsEncryptionByDefault", {}, "ec2:EnableEbsEncryptionByDefault"),
        ]
        if self.is_home_region:
            calls.append(
                (
                    "S3AccountPublicAccessBlock",
                    "S3Control",
                    "putPublicAccessBlock",
                    {
                        "AccountId": self.account,
                        "PublicAccessBlockConfiguration": {
                            "BlockPublicAcls": True,
                            "IgnorePublicAcls": True,
                            "BlockPublicPolicy": True,
                            "RestrictPublicBuckets": True,
                        },
                    },
                    "s3:PutAccountPublicAccessBlock",
                )
            )
        for id, service, action, parameters, permission in calls:
            call = cr.AwsSdkCall(
                service=service,
                action=action,
                parameters=parameters or None,
                physical_resource_id=cr.PhysicalResourceId.of(f"{id}-{Stack.of(self).account}-{self.region}"),
            )
            cr.AwsCustomResource(
                self,
                id,
                on_create=call,
                on_update=call,
                policy=cr.AwsCustomResourcePolicy.from_statements(
                    [iam.PolicyStatement(actions=[permission], resources=["*"])]
                ),
                install_latest_aws_sdk=False,
            )

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import custom_resources as cr

from ..constructs.acknowledge import AWS_MANAGED_SERVICE_ROLE, acknowledge, acknowledge_sdk_call_provider
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
            delivery = iam.ManagedPolicy(
                self,
                "ConfigDeliveryPolicy",
                roles=[recorder_role],
                statements=[
                    iam.PolicyStatement(
                        actions=["s3:PutObject", "s3:GetBucketAcl", "s3:ListBucket"],
                        resources=[
                            f"arn:aws:s3:::{names.config_bucket}",
                            f"arn:aws:s3:::{names.config_bucket}/AWSLogs/*",
                        ],
                    ),
                    iam.PolicyStatement(
                        actions=["kms:GenerateDataKey", "kms:DescribeKey"], resources=[names.log_archive_key_arn]
                    ),
                ],
            )
            acknowledge(
                recorder_role,
                ["AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]"],
                AWS_MANAGED_SERVICE_ROLE,
            )
            acknowledge(
                delivery,
                [f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{names.config_bucket}/AWSLogs/*]"],
                "Config writes one object per snapshot and history file under AWSLogs/ of the single config-history bucket",
            )
            forwarder_role = iam.Role(
                self,
                "ComplianceEventForwarderRole",
                role_name=names.event_forwarder_role_name,
                assumed_by=iam.ServicePrincipal("events.amazonaws.com"),
            )
            iam.ManagedPolicy(
                self,
                "ComplianceEventForwarderPolicy",
                roles=[forwarder_role],
                statements=[iam.PolicyStatement(actions=["events:PutEvents"], resources=[names.audit_bus_arn()])],
            )
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
            setting = cr.AwsCustomResource(
                self,
                id,
                on_create=call,
                on_update=call,
                policy=cr.AwsCustomResourcePolicy.from_statements(
                    [iam.PolicyStatement(actions=[permission], resources=["*"])]
                ),
                install_latest_aws_sdk=False,
            )
            acknowledge(
                setting,
                ["AwsSolutions-IAM5[Resource::*]", "HIPAA.Security-IAMNoInlinePolicy", "NIST.800.53.R5-IAMNoInlinePolicy"],
                f"{permission} acts on the account itself and has no resource ARN to scope to",
            )
        acknowledge_sdk_call_provider(self)

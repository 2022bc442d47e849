"""Account-level settings CloudFormation has no resource type for, applied by a small custom resource.

The function's code is inline (the template's ZipFile), not a file asset: a StackSet template cannot
use assets from a bootstrap bucket in another account, and the baseline deploys as a StackSet. Each
setting is a resource of type Custom::AccountSettings whose properties say what is set, so a review (and
GXP-EC2-03) reads the intent from the template; the IQ reads the effect from the account.

A deletion leaves the setting on: removing the baseline must not weaken the account.
"""

from __future__ import annotations

from aws_cdk import CfnCondition, CfnCustomResource, Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from .acknowledge import acknowledge
from .keep import KEEP

RESOURCE_TYPE = "Custom::AccountSettings"
EBS_ENCRYPTION_BY_DEFAULT = "EbsEncryptionByDefault"
S3_ACCOUNT_PUBLIC_ACCESS_BLOCK = "S3AccountPublicAccessBlock"

# cfnresponse is available to inline Python code (ZipFile) only, which is what this is.
HANDLER = '''
import boto3, cfnresponse

BLOCK_ALL = {k: True for k in ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")}


def handler(event, context):
    props = event["ResourceProperties"]
    setting = props.get("Setting", "")
    try:
        if event["RequestType"] != "Delete" and props.get("Enabled") == "true":
            if setting == "EbsEncryptionByDefault":
                boto3.client("ec2").enable_ebs_encryption_by_default()
            elif setting == "S3AccountPublicAccessBlock":
                boto3.client("s3control").put_public_access_block(
                    AccountId=props["AccountId"], PublicAccessBlockConfiguration=BLOCK_ALL)
            else:
                raise ValueError("unknown setting " + setting)
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, setting)
    except Exception as exc:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, setting, reason=str(exc)[:500])
'''


class AccountSettings(Construct):
    """EBS encryption by default in this region and, where ``home`` holds, S3's account public access block."""

    def __init__(self, scope: Construct, id: str, *, account_id: str, home: CfnCondition) -> None:
        super().__init__(scope, id)
        role = iam.Role(self, "ApplierRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        iam.ManagedPolicy(
            self,
            "ApplierPolicy",
            roles=[role],
            statements=[
                iam.PolicyStatement(
                    actions=["ec2:EnableEbsEncryptionByDefault", "s3:PutAccountPublicAccessBlock"], resources=["*"]
                ),
                iam.PolicyStatement(
                    # The group itself is a resource of this template (ApplierLog), never created by the function.
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=["arn:aws:logs:*:*:log-group:/aws/lambda/*"],
                ),
                # Active tracing (GXP-LAMBDA-01) writes segments to X-Ray.
                iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]),
            ],
        )
        self.function = lambda_.Function(
            self,
            "Applier",
            runtime=lambda_.Runtime.PYTHON_3_12,
            handler="index.handler",
            code=lambda_.Code.from_inline(HANDLER),
            role=role,
            timeout=Duration.minutes(1),
            description="Applies account settings CloudFormation has no resource type for",
            log_group=self._log_group(),
        )
        # Active tracing (GXP-LAMBDA-01), set on the function itself: the permissions it needs are in the
        # managed policy above, where CDK's tracing option would add an inline policy.
        self.function.node.default_child.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")
        self.ebs = self._setting("EbsEncryptionByDefaultSetting", EBS_ENCRYPTION_BY_DEFAULT, {})
        self.s3_block = self._setting(
            "S3AccountPublicAccessBlockSetting", S3_ACCOUNT_PUBLIC_ACCESS_BLOCK, {"AccountId": account_id}
        )
        # S3's account block is global: one region sets it.
        self.s3_block.cfn_options.condition = home
        acknowledge(
            self,
            ["AwsSolutions-IAM5[Resource::*]", "AwsSolutions-IAM5[Resource::arn:aws:logs:*:*:log-group:/aws/lambda/*]"],
            "The settings act on the account itself and have no resource ARN; the function writes only its own "
            "log group, whose name CloudFormation generates",
        )
        acknowledge(
            self,
            [
                "HIPAA.Security-LambdaConcurrency",
                "HIPAA.Security-LambdaDLQ",
                "HIPAA.Security-LambdaInsideVPC",
                "NIST.800.53.R5-LambdaConcurrency",
                "NIST.800.53.R5-LambdaDLQ",
                "NIST.800.53.R5-LambdaInsideVPC",
                "AwsSolutions-L1",
            ],
            "Runs only during deployment to make one account-settings call; CloudFormation waits for its answer and "
            "reports a failure, it handles no records and needs no network path into a VPC",
        )

    def _log_group(self) -> logs.LogGroup:
        group = logs.LogGroup(self, "ApplierLog", retention=logs.RetentionDays.TEN_YEARS, removal_policy=KEEP)
        acknowledge(
            group,
            [
                "GXP-LOG-01",
                "GXP-RES-01",
                "HIPAA.Security-CloudWatchLogGroupEncrypted",
                "NIST.800.53.R5-CloudWatchLogGroupEncrypted",
            ],
            "Holds only the applier's own lines (which setting, success or failure), never a record, in every "
            "governed region of every account the baseline reaches; CloudWatch Logs encrypts it at rest, it is kept "
            "for ten years (the longest CloudWatch offers), and a customer-managed key in each account and region for these lines would protect nothing "
            "a reviewer relies on",
        )
        return group

    def _setting(self, id: str, name: str, extra: dict) -> CfnCustomResource:
        resource = CfnCustomResource(self, id, service_token=self.function.function_arn)
        resource.add_override("Type", RESOURCE_TYPE)
        for key, value in {"Setting": name, "Enabled": "true", **extra}.items():
            resource.add_property_override(key, value)
        return resource

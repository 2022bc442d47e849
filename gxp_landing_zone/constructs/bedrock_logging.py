"""Bedrock model invocation logging: every prompt and every output of the account and region, to an
Object Lock COMPLIANCE bucket and a KMS-encrypted log group (21 CFR 11.10(e); Annex 11 §9; EU AI Act
Art. 12).

CloudFormation has no resource for the logging configuration (aws-cdk #31478), so a small custom
resource calls PutModelInvocationLoggingConfiguration. Its properties are the API's own
``loggingConfig``, so a review and GXP-AI-01 read the intent from the template; the IQ reads the
effect with GetModelInvocationLoggingConfiguration. AwsCustomResource would do the call too, but
writes the configuration as a JSON string property and runs a shared provider with an inline policy,
a log group CDK names and no tracing; this function is built like the estate's others.

Destinations must be in the same account and region; the bucket policy admits bedrock.amazonaws.com
only for this account's Bedrock (aws:SourceAccount, aws:SourceArn), and CloudWatch delivery uses a
role Bedrock assumes under the same conditions:
https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html
A deletion leaves logging on: removing the stack must not stop the audit trail.
"""

from __future__ import annotations

from aws_cdk import CfnCustomResource, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .acknowledge import acknowledge
from .gxp_bucket import GxpBucket
from .keep import KEEP
from .managed_key import ManagedKey

RESOURCE_TYPE = "Custom::BedrockInvocationLogging"
LOG_PREFIX = "invocations/"
LARGE_DATA_PREFIX = "large-data/"
RETENTION_CLASS = "genai-invocation-log"

# CloudFormation hands every custom-resource property over as text; the API wants booleans.
HANDLER = '''
import boto3, cfnresponse

FLAGS = ("textDataDeliveryEnabled", "imageDataDeliveryEnabled", "embeddingDataDeliveryEnabled")


def booleans(value):
    if isinstance(value, dict):
        return {k: (v == "true" if k in FLAGS else booleans(v)) for k, v in value.items()}
    return value


def handler(event, context):
    try:
        if event["RequestType"] != "Delete":
            config = booleans(event["ResourceProperties"]["LoggingConfig"])
            boto3.client("bedrock").put_model_invocation_logging_configuration(loggingConfig=config)
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {}, "bedrock-invocation-logging")
    except Exception as exc:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, "bedrock-invocation-logging", reason=str(exc)[:500])
'''


class InvocationLogging(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        bucket_name: str,
        access_log_bucket: s3.IBucket,
        lock_days: int,
        key: ManagedKey,
        log_group_name: str,
        log_retention_days: int,
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        account, region = stack.account, stack.region
        from_bedrock = {
            "StringEquals": {"aws:SourceAccount": account},
            "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:{region}:{account}:*"},
        }
        self.bucket = GxpBucket(
            self, "Bucket", bucket_name=bucket_name, encryption_key=key.key, retention_class=RETENTION_CLASS,
            lock_days=lock_days, access_log_bucket=access_log_bucket, access_log_prefix="invocation-logs/",
        )
        self.bucket.bucket.add_to_resource_policy(iam.PolicyStatement(
            sid="BedrockDeliversInvocationLogs",
            principals=[iam.ServicePrincipal("bedrock.amazonaws.com")],
            actions=["s3:PutObject"],
            resources=[self.bucket.bucket.arn_for_objects("*")],
            conditions=from_bedrock,
        ))
        key.allow("BedrockEncryptsInvocationLogs", iam.ServicePrincipal("bedrock.amazonaws.com"),
                  ["kms:GenerateDataKey", "kms:Decrypt"], from_bedrock)
        self.log_group = logs.LogGroup(self, "LogGroup", log_group_name=log_group_name, encryption_key=key.key, removal_policy=KEEP)
        self.log_group.node.default_child.retention_in_days = log_retention_days
        self.delivery_role = iam.Role(
            self, "DeliveryRole",
            assumed_by=iam.ServicePrincipal("bedrock.amazonaws.com", conditions=from_bedrock),
            description="Bedrock writes model invocation logs to the invocation log group",
        )
        iam.ManagedPolicy(self, "DeliveryPolicy", roles=[self.delivery_role], statements=[iam.PolicyStatement(
            actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[f"{self.log_group.log_group_arn}"],
        )])
        self.setting = self._apply(key, {
            "s3Config": {"bucketName": bucket_name, "keyPrefix": LOG_PREFIX},
            "cloudWatchConfig": {
                "logGroupName": log_group_name,
                "roleArn": self.delivery_role.role_arn,
                # Requests and answers over 100 KB go to S3 in full rather than being cut short in the log group.
                "largeDataDeliveryS3Config": {"bucketName": bucket_name, "keyPrefix": LARGE_DATA_PREFIX},
            },
            "textDataDeliveryEnabled": "true",
            "imageDataDeliveryEnabled": "true",
            "embeddingDataDeliveryEnabled": "true",
        }, log_retention_days)
        self.setting.node.add_dependency(self.bucket, self.log_group)

    def _apply(self, key: ManagedKey, logging_config: dict, log_retention_days: int) -> CfnCustomResource:
        role = iam.Role(self, "ApplierRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        log_group = logs.LogGroup(self, "ApplierLog", encryption_key=key.key, removal_policy=KEEP)
        log_group.node.default_child.retention_in_days = log_retention_days
        policy = iam.ManagedPolicy(self, "ApplierPolicy", roles=[role], statements=[
            iam.PolicyStatement(actions=["bedrock:PutModelInvocationLoggingConfiguration"], resources=["*"]),
            # Bedrock checks that the caller may hand the delivery role to it.
            iam.PolicyStatement(actions=["iam:PassRole"], resources=[self.delivery_role.role_arn],
                                conditions={"StringEquals": {"iam:PassedToService": "bedrock.amazonaws.com"}}),
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]),
            iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]),
        ])
        function = lambda_.Function(
            self, "Applier", runtime=lambda_.Runtime.PYTHON_3_12, handler="index.handler",
            code=lambda_.Code.from_inline(HANDLER), role=role.without_policy_updates(), timeout=Duration.minutes(1),
            description="Applies the account's Bedrock model invocation logging configuration", log_group=log_group,
        )
        function.node.default_child.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")
        function.node.add_dependency(policy)
        acknowledge(
            policy, ["AwsSolutions-IAM5[Resource::*]"],
            "The logging configuration is a setting of the account and region with no resource ARN, and the X-Ray "
            "actions support none",
        )
        acknowledge(
            function,
            ["HIPAA.Security-LambdaConcurrency", "HIPAA.Security-LambdaDLQ", "HIPAA.Security-LambdaInsideVPC",
             "NIST.800.53.R5-LambdaConcurrency", "NIST.800.53.R5-LambdaDLQ", "NIST.800.53.R5-LambdaInsideVPC",
             "AwsSolutions-L1"],
            "Runs only during deployment to make one Bedrock settings call; CloudFormation waits for its answer and "
            "reports a failure; it handles no records and needs no network path into a VPC",
        )
        setting = CfnCustomResource(self, "Setting", service_token=function.function_arn)
        setting.add_override("Type", RESOURCE_TYPE)
        setting.add_property_override("LoggingConfig", logging_config)
        return setting

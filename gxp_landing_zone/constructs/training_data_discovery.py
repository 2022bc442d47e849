"""Amazon Macie on the buckets training reads (EU AI Act Art. 10): the account's Macie session, a daily
sensitive-data discovery job over exactly those buckets, and every finding forwarded to the audit
account's compliance bus, where it alerts.

Macie classification jobs have no CloudFormation resource; a custom resource creates one with the
bucket list the template states (Custom::MacieClassificationJob), so a review and GXP-AI-08 read the
scope from the template and the IQ reads it with ListClassificationJobs. A job's scope cannot change,
so a new bucket list makes a new job (its name carries a hash of the list) and the old one is
cancelled. Macie publishes each finding to EventBridge (source aws.macie, detail-type "Macie Finding"):
https://docs.aws.amazon.com/macie/latest/user/findings-monitor-events-eb.html
https://docs.aws.amazon.com/macie/latest/APIReference/jobs.html

Where Macie is already managed from a delegated administrator account, creating the session here
fails: remove the session from this construct and leave the job and the forwarding.
"""

from __future__ import annotations

import hashlib

from aws_cdk import CfnCustomResource, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_macie as macie
from constructs import Construct

from .acknowledge import acknowledge
from .keep import KEEP

RESOURCE_TYPE = "Custom::MacieClassificationJob"
FINDING = {"source": ["aws.macie"], "detail-type": ["Macie Finding"]}

HANDLER = '''
import boto3, cfnresponse


def handler(event, context):
    macie = boto3.client("macie2")
    props, job_id = event["ResourceProperties"], event.get("PhysicalResourceId", "none")
    try:
        if event["RequestType"] == "Delete":
            if job_id != "none":
                try:
                    macie.update_classification_job(jobId=job_id, jobStatus="CANCELLED")
                except macie.exceptions.ValidationException:
                    pass  # already cancelled or complete
        else:
            created = macie.create_classification_job(
                clientToken=props["JobName"], name=props["JobName"], jobType="SCHEDULED", initialRun=True,
                scheduleFrequency={"dailySchedule": {}}, managedDataIdentifierSelector="RECOMMENDED",
                description=props.get("Description", ""),
                s3JobDefinition={"bucketDefinitions": [
                    {"accountId": d["AccountId"], "buckets": d["Buckets"]} for d in props["BucketDefinitions"]]})
            job_id = created["jobId"]
        cfnresponse.send(event, context, cfnresponse.SUCCESS, {"JobId": job_id}, job_id)
    except Exception as exc:
        cfnresponse.send(event, context, cfnresponse.FAILED, {}, job_id, reason=str(exc)[:500])
'''


class TrainingDataDiscovery(Construct):
    def __init__(self, scope: Construct, id: str, *, buckets: tuple[str, ...], key: kms.IKey, log_retention_days: int) -> None:
        super().__init__(scope, id)
        account = Stack.of(self).account
        self.session = macie.CfnSession(self, "Session", status="ENABLED", finding_publishing_frequency="FIFTEEN_MINUTES")
        role = iam.Role(self, "JobCreatorRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
        log_group = logs.LogGroup(self, "JobCreatorLog", encryption_key=key, removal_policy=KEEP)
        log_group.node.default_child.retention_in_days = log_retention_days
        policy = iam.ManagedPolicy(self, "JobCreatorPolicy", roles=[role], statements=[
            iam.PolicyStatement(actions=["macie2:CreateClassificationJob", "macie2:UpdateClassificationJob",
                                         "macie2:TagResource"], resources=["*"]),
            iam.PolicyStatement(actions=["logs:CreateLogStream", "logs:PutLogEvents"], resources=[log_group.log_group_arn]),
            iam.PolicyStatement(actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources=["*"]),
        ])
        function = lambda_.Function(
            self, "JobCreator", runtime=lambda_.Runtime.PYTHON_3_12, handler="index.handler",
            code=lambda_.Code.from_inline(HANDLER), role=role.without_policy_updates(), timeout=Duration.minutes(1),
            description="Creates the Macie discovery job over the training-data buckets", log_group=log_group,
        )
        function.node.default_child.tracing_config = lambda_.CfnFunction.TracingConfigProperty(mode="Active")
        function.node.add_dependency(policy)
        digest = hashlib.sha256(",".join(sorted(buckets)).encode()).hexdigest()[:12]
        self.job = CfnCustomResource(self, "Job", service_token=function.function_arn)
        self.job.add_override("Type", RESOURCE_TYPE)
        for name, value in {
            "JobName": f"gxp-training-data-{digest}",
            "Description": "Daily sensitive-data discovery over the buckets training pipelines read",
            "BucketDefinitions": [{"AccountId": account, "Buckets": sorted(buckets)}],
            "ScheduleFrequency": "DAILY",
        }.items():
            self.job.add_property_override(name, value)
        self.job.node.add_dependency(self.session)
        acknowledge(
            policy, ["AwsSolutions-IAM5[Resource::*]"],
            "A classification job's ARN exists only once Macie creates it; CreateClassificationJob and the X-Ray "
            "actions support no resource-level permission",
        )
        acknowledge(
            function,
            ["HIPAA.Security-LambdaConcurrency", "HIPAA.Security-LambdaDLQ", "HIPAA.Security-LambdaInsideVPC",
             "NIST.800.53.R5-LambdaConcurrency", "NIST.800.53.R5-LambdaDLQ", "NIST.800.53.R5-LambdaInsideVPC",
             "AwsSolutions-L1"],
            "Runs only during deployment to create or cancel one Macie job; CloudFormation waits for its answer and "
            "reports a failure; it reads no data and needs no network path into a VPC",
        )

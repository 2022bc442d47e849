from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Stack
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_omics as omics
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as assets
from constructs import Construct

from .acknowledge import acknowledge
from .keep import KEEP

WORKFLOW_DIR = Path(__file__).resolve().parents[2] / "workflows" / "omics" / "checksum-fastq"
OMICS_PREFIX = "omics/"


@dataclass(frozen=True)
class RunLimits:
    max_cpus: int
    max_gpus: int
    max_runs: int
    max_duration_minutes: int


class GenomicsWorkspace(Construct):
    """HealthOmics: sequence and reference stores under the stack's key, one private WDL
    workflow packaged with the product, a run group that caps what runs may use, and run
    status changes forwarded to the audit account's bus.

    Variant and annotation stores are closed to new customers and are not used: variant
    analytics go to S3 Tables (Apache Iceberg) queried with Athena instead.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        key: kms.IKey,
        output_bucket: s3.IBucket,
        access_log_bucket: s3.IBucket,
        image_repository: ecr.IRepository,
        limits: RunLimits,
        audit_bus_arn: str,
        forwarder_role_arn: str,
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        self.sequence_store = omics.CfnSequenceStore(
            self,
            "SequenceStore",
            name=f"{name}-sequences",
            description="Raw reads (FASTQ, BAM, CRAM) under the account's customer-managed key",
            sse_config=omics.CfnSequenceStore.SseConfigProperty(type="KMS", key_arn=key.key_arn),
            access_log_location=f"s3://{access_log_bucket.bucket_name}/{OMICS_PREFIX}",
        )
        access_log_bucket.add_to_resource_policy(
            iam.PolicyStatement(
                sid="HealthOmicsAccessLogs",
                principals=[iam.ServicePrincipal("omics.amazonaws.com")],
                actions=["s3:PutObject"],
                resources=[access_log_bucket.arn_for_objects(f"{OMICS_PREFIX}*")],
                conditions={"StringEquals": {"aws:SourceAccount": stack.account}},
            )
        )
        self.reference_store = omics.CfnReferenceStore(
            self,
            "ReferenceStore",
            name=f"{name}-references",
            description="Reference genomes under the account's customer-managed key",
            sse_config=omics.CfnReferenceStore.SseConfigProperty(type="KMS", key_arn=key.key_arn),
        )
        # Reads and references are records: deleting or replacing the stack must leave them (11.10(c)).
        for store in (self.sequence_store, self.reference_store):
            store.apply_removal_policy(KEEP)
        definition = assets.Asset(self, "WorkflowDefinition", path=str(WORKFLOW_DIR))
        self.workflow = omics.CfnWorkflow(
            self,
            "ChecksumWorkflow",
            name=f"{name}-checksum-fastq",
            description="Packaged example: SHA-256 of a FASTQ, tying outputs to the exact input bytes",
            engine="WDL",
            main="main.wdl",
            definition_uri=definition.s3_object_url,
            parameter_template={
                "reads": omics.CfnWorkflow.WorkflowParameterProperty(description="FASTQ in the sequence store or S3", optional=False),
                "sample_id": omics.CfnWorkflow.WorkflowParameterProperty(description="Sample identifier", optional=False),
                "container_image": omics.CfnWorkflow.WorkflowParameterProperty(
                    description="Worker image URI in this account's ECR", optional=False
                ),
            },
            storage_type="DYNAMIC",
        )
        self.run_group = omics.CfnRunGroup(
            self,
            "RunGroup",
            name=f"{name}-runs",
            max_cpus=limits.max_cpus,
            max_gpus=limits.max_gpus,
            max_runs=limits.max_runs,
            max_duration=limits.max_duration_minutes,
        )
        self.run_role = iam.Role(self, "RunRole", assumed_by=iam.ServicePrincipal("omics.amazonaws.com"))
        policy = iam.ManagedPolicy(
            self,
            "RunPolicy",
            roles=[self.run_role],
            statements=[
                iam.PolicyStatement(
                    sid="ReadStores",
                    actions=["omics:GetReadSet", "omics:GetReadSetMetadata", "omics:GetReference", "omics:GetReferenceMetadata"],
                    resources=[
                        self.sequence_store.attr_arn,
                        f"{self.sequence_store.attr_arn}/readSet/*",
                        self.reference_store.attr_arn,
                        f"{self.reference_store.attr_arn}/reference/*",
                    ],
                ),
                iam.PolicyStatement(
                    sid="ReadInputsWriteOutputs",
                    actions=["s3:GetObject", "s3:PutObject"],
                    resources=[output_bucket.arn_for_objects(f"{OMICS_PREFIX}*")],
                ),
                iam.PolicyStatement(sid="ListOutputBucket", actions=["s3:ListBucket"], resources=[output_bucket.bucket_arn]),
                iam.PolicyStatement(
                    sid="PullWorkerImage",
                    actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                    resources=[image_repository.repository_arn],
                ),
                iam.PolicyStatement(
                    sid="UseStackKey", actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key.key_arn]
                ),
                iam.PolicyStatement(
                    sid="RunLogs",
                    actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                    resources=[f"arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:/aws/omics/WorkflowLog:*"],
                ),
            ],
        )
        acknowledge(
            policy,
            [
                f"AwsSolutions-IAM5[Resource::<{stack.get_logical_id(self.sequence_store)}.Arn>/readSet/*]",
                f"AwsSolutions-IAM5[Resource::<{stack.get_logical_id(self.reference_store)}.Arn>/reference/*]",
                f"AwsSolutions-IAM5[Resource::<{stack.get_logical_id(output_bucket.node.default_child)}.Arn>/{OMICS_PREFIX}*]",
                f"AwsSolutions-IAM5[Resource::arn:{stack.partition}:logs:{stack.region}:{stack.account}:log-group:/aws/omics/WorkflowLog:*]",
            ],
            "Read sets, references, run outputs and log streams are named at run time; each wildcard stays inside one "
            "store, the omics/ prefix of one bucket, or the HealthOmics workflow log group",
        )
        # Run status changes are audit evidence: who ran which workflow version on which data, and how it ended.
        self.status_forwarding = events.CfnRule(
            self,
            "ForwardRunStatus",
            description="Forward HealthOmics run status changes to the audit account",
            event_pattern={"source": ["aws.omics"], "detail-type": ["Run Status Change"]},
            state="ENABLED",
            targets=[events.CfnRule.TargetProperty(id="AuditBus", arn=audit_bus_arn, role_arn=forwarder_role_arn)],
        )


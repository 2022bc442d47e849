from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs

from ..config import AccountKind
from ..constructs.acknowledge import acknowledge
from ..constructs.gxp_bucket import GxpBucket
from ..constructs.genomics import GenomicsWorkspace, RunLimits
from ..constructs.managed_key import ManagedKey
from ..constructs.ml_pipeline import ModelTrainingPipeline
from ..constructs.spot_first_batch import CHECKPOINT_PREFIX, Capacity, SpotFirstBatch
from ..constructs.workload_network import WorkloadNetwork
from .base import GxpStack
from .bedrock_grants import inference_arns
from .compute_governance import add_model_governance, training_records
from ..topology import runs_genai
from ..constructs.keep import KEEP
from ..constructs.compliance_events import audit_bus_sender

# Regions where HealthOmics runs and its VPC endpoints exist (AWS regional services list).
OMICS_REGIONS = frozenset(
    {"us-east-1", "us-west-2", "eu-central-1", "eu-west-1", "eu-west-2", "ap-southeast-1", "ap-northeast-2", "il-central-1"}
)
# Zones that accept new subnets where the a/b/c default does not hold: ap-northeast-1b is
# closed to accounts created after 2012.
ZONE_SUFFIXES = {"ap-northeast-1": ("a", "c", "d")}


class ComputeStack(GxpStack):
    """Regulated or research account x region: workload network and Spot-first AWS Batch.

    Network and Batch share one stack so the compute environments reference the subnets
    directly, without CloudFormation exports between stacks of the same account.
    """

    component = "Compute"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        names, config, account = self.names, self.config, self.gxp_account
        settings = config.compute_settings(account)
        self.regulated = account.kind is AccountKind.REGULATED

        self.key = ManagedKey(
            self, "ComputeKey", alias=names.compute_key_alias,
            description="Encrypts compute volumes, checkpoints, job and flow logs",
        )
        self._allow_key_users()

        self.network = WorkloadNetwork(
            self,
            "Network",
            cidr=settings.vpc_cidr,
            internet_egress=settings.nat_allowed and not self.regulated,
            key=self.key.key,
            flow_log_retention_days=settings.flow_log_retention_days,
            omics_endpoints=self.region in OMICS_REGIONS,
            bedrock_inference_arns=inference_arns(config, account, self.region) if runs_genai(config, account) else None,
        )

        self.access_logs = GxpBucket(
            self,
            "AccessLogBucket",
            bucket_name=names.compute_access_log_bucket(account.id, self.region),
            # S3 server access logging delivers only to SSE-S3 buckets in the same account and region.
            encryption_key=None,
            retention_class="access-log",
        )
        self.checkpoints = GxpBucket(
            self,
            "CheckpointBucket",
            bucket_name=names.checkpoint_bucket(account.id, self.region),
            encryption_key=self.key.key,
            retention_class="checkpoint",
            access_log_bucket=self.access_logs.bucket,
            access_log_prefix="checkpoints/",
        )
        self.ml_artifacts = GxpBucket(
            self,
            "MlArtifactBucket",
            bucket_name=names.ml_artifact_bucket(account.id, self.region),
            encryption_key=self.key.key,
            retention_class="ml-artifacts",
            access_log_bucket=self.access_logs.bucket,
            access_log_prefix="ml-artifacts/",
        )
        # Checkpoints are resumable job state, not records: they expire, old versions first.
        self.checkpoints.bucket.add_lifecycle_rule(
            id="ExpireCheckpoints",
            prefix=CHECKPOINT_PREFIX,
            expiration=Duration.days(settings.checkpoint_expiry_days),
            noncurrent_version_expiration=Duration.days(1),
            abort_incomplete_multipart_upload_after=Duration.days(1),
        )
        self._record_bucket_deviations(settings.checkpoint_expiry_days)
        self.job_logs = logs.LogGroup(
            self,
            "JobLogGroup",
            log_group_name="/gxp/batch/jobs",
            encryption_key=self.key.key,
            removal_policy=KEEP,
        )
        self.job_logs.node.default_child.retention_in_days = config.audit_log.cloudwatch_retention_days
        self.repository = ecr.Repository(
            self,
            "WorkerImages",
            repository_name=names.batch_image_repository,
            image_scan_on_push=True,
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,
            encryption=ecr.RepositoryEncryption.KMS,
            encryption_key=self.key.key,
            removal_policy=KEEP,
        )
        self.batch = SpotFirstBatch(
            self,
            "Batch",
            vpc=self.network.vpc,
            subnets=self.network.subnets,
            key=self.key.key,
            capacity=Capacity(
                cpu_families=settings.cpu_instance_families,
                gpu_types=settings.gpu_instance_types,
                spot_vcpus=settings.spot_vcpus,
                on_demand_vcpus=settings.on_demand_vcpus,
                gpu_vcpus=settings.gpu_max_vcpus,
                capacity_reservation_id=settings.capacity_reservation_id,
            ),
            checkpoint_bucket=self.checkpoints.bucket,
            job_log_group=self.job_logs,
            image_repository=self.repository,
        )
        self.ml = ModelTrainingPipeline(
            self,
            "ModelTraining",
            name=names.model_package_group,
            vpc=self.network.vpc,
            subnets=self.network.subnets,
            key=self.key.key,
            artifact_bucket=self.ml_artifacts.bucket,
            checkpoint_bucket=self.checkpoints.bucket,
            image_repository=self.repository,
            instance_type=settings.training_instance_type,
            max_run_seconds=settings.training_max_hours * 3600,
            # Spot training may wait for capacity as long again as it may run.
            max_wait_seconds=settings.training_max_hours * 2 * 3600,
            role_name=names.ml_training_role_name(self.region),
            training_records=training_records(self),
        )
        self.genomics = None
        if self.region in OMICS_REGIONS:
            self.genomics = GenomicsWorkspace(
                self,
                "Genomics",
                name=names.genomics_workspace,
                key=self.key.key,
                output_bucket=self.ml_artifacts.bucket,
                access_log_bucket=self.access_logs.bucket,
                image_repository=self.repository,
                limits=RunLimits(
                    max_cpus=settings.omics_max_cpus,
                    max_gpus=settings.omics_max_gpus,
                    max_runs=settings.omics_max_runs,
                    max_duration_minutes=settings.omics_max_duration_minutes,
                ),
                audit_bus_arn=names.audit_bus_arn(),
                forwarder_role_arn=audit_bus_sender(
                    self, "GenomicsEventSender", audit_bus_arn=names.audit_bus_arn()
                ).role_arn,
            )
        add_model_governance(self)
        # The key policy grants use to nobody by default (ManagedKey): name the workload roles.
        self.key.allow(
            "WorkloadRolesUseKey",
            iam.CompositePrincipal(
                *[iam.ArnPrincipal(r.role_arn) for r in self._key_users()]
            ),
            ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"],
        )

    def _key_users(self) -> list[iam.IRole]:
        users = [self.batch.job_role, self.batch.execution_role, self.ml.role]
        return users + ([self.genomics.run_role] if self.genomics else [])

    @property
    def availability_zones(self) -> list[str]:
        return [f"{self.region}{suffix}" for suffix in ZONE_SUFFIXES.get(self.region, ("a", "b", "c"))]

    def _record_bucket_deviations(self, expiry_days: int) -> None:
        acknowledge(
            self.access_logs.bucket,
            ["GXP-S3-08", "HIPAA.Security-S3DefaultEncryptionKMS", "NIST.800.53.R5-S3DefaultEncryptionKMS"],
            "S3 server access log delivery supports only SSE-S3 on the destination bucket; the bucket holds request "
            "metadata, not record content",
        )
        acknowledge(
            self.checkpoints.bucket,
            ["HIPAA.Security-S3BucketReplicationEnabled", "NIST.800.53.R5-S3BucketReplicationEnabled"],
            f"Holds resumable job state only, deleted after {expiry_days} days: a lost checkpoint costs a re-run of "
            "the job from its inputs; replicating it to a second region would protect nothing that cannot be recomputed",
        )
        for bucket in (self.access_logs.bucket, self.ml_artifacts.bucket):
            acknowledge(
                bucket,
                ["HIPAA.Security-S3BucketReplicationEnabled", "NIST.800.53.R5-S3BucketReplicationEnabled"],
                "No second region is configured for workload accounts yet; durability rests on S3 within the region "
                "and protection on versioning and the deny-delete policy. Cross-region replication is planned with the "
                "records stacks as the Annex 11 7.2 back-up control",
            )

    def _allow_key_users(self) -> None:
        account, region = self.account, self.region
        self.key.allow(
            "CloudWatchLogsEncrypts",
            iam.ServicePrincipal(f"logs.{region}.amazonaws.com"),
            ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{account}:log-group:*"}},
        )
        # EBS volumes of Batch instances are created by the Auto Scaling service-linked role
        # Batch uses; it needs the key through EC2 only (the service-linked roles must exist
        # before this stack deploys: see the README's prerequisites).
        launchers = iam.CompositePrincipal(
            *[
                iam.ArnPrincipal(f"arn:aws:iam::{account}:role/aws-service-role/{path}")
                for path in (
                    "autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling",
                    "batch.amazonaws.com/AWSServiceRoleForBatch",
                )
            ]
        )
        via_ec2 = {"StringEquals": {"kms:ViaService": f"ec2.{region}.amazonaws.com", "kms:CallerAccount": account}}
        self.key.allow(
            "InstanceLaunchersUseKeyForVolumes",
            launchers,
            ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
            via_ec2,
        )
        self.key.allow(
            "InstanceLaunchersGrantForVolumes",
            launchers,
            ["kms:CreateGrant"],
            {"Bool": {"kms:GrantIsForAWSResource": "true"}, **via_ec2},
        )


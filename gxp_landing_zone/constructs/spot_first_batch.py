from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Aws, Duration, Stack
from aws_cdk import aws_batch as batch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .acknowledge import acknowledge

# Spot reclaim ends a job with a status reason starting "Host EC2 (instance i-...) terminated";
# a registry hiccup with "CannotPullContainerError". Both are worth another attempt; anything
# else is the job's own failure and must not be retried into a different answer.
RETRY_ON_STATUS_REASONS = ("Host EC2*", "CannotPullContainerError*", "CannotStartContainerError*")
RETRY_ATTEMPTS = 5
ROOT_VOLUME_GIB = 100
CHECKPOINT_PREFIX = "checkpoints/"


@dataclass(frozen=True)
class Capacity:
    """Batch sizes for one account, already derived from the config by the stack."""

    cpu_families: list[str]
    gpu_types: list[str]
    spot_vcpus: int
    on_demand_vcpus: int
    gpu_vcpus: int
    capacity_reservation_id: str | None = None


def retry_strategy() -> batch.CfnJobDefinition.RetryStrategyProperty:
    retries = [
        batch.CfnJobDefinition.EvaluateOnExitProperty(action="RETRY", on_status_reason=reason)
        for reason in RETRY_ON_STATUS_REASONS
    ]
    # The catch-all comes last: Batch applies the first matching entry.
    catch_all = batch.CfnJobDefinition.EvaluateOnExitProperty(action="EXIT", on_reason="*")
    return batch.CfnJobDefinition.RetryStrategyProperty(attempts=RETRY_ATTEMPTS, evaluate_on_exit=[*retries, catch_all])


class SpotFirstBatch(Construct):
    """AWS Batch for discovery work: Spot first, on-demand for deadlines, GPU on Spot.

    Instances start from a launch template that requires IMDSv2 and encrypts every EBS
    volume with the stack's customer-managed key; they sit in subnets without public
    addresses. Jobs checkpoint to ``checkpoint_bucket`` so a reclaimed Spot job resumes.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection,
        key: kms.IKey,
        capacity: Capacity,
        checkpoint_bucket: s3.IBucket,
        job_log_group: logs.ILogGroup,
        image_repository: ecr.IRepository,
        image_tag: str = "release",
    ) -> None:
        super().__init__(scope, id)
        subnet_ids = vpc.select_subnets(subnet_group_name=subnets.subnet_group_name).subnet_ids

        self.security_group = ec2.SecurityGroup(
            self, "InstanceSecurityGroup", vpc=vpc, description="Batch container instances: no inbound traffic"
        )
        self.instance_role = iam.Role(
            self,
            "InstanceRole",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            managed_policies=[
                iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AmazonEC2ContainerServiceforEC2Role")
            ],
        )
        instance_profile = iam.CfnInstanceProfile(self, "InstanceProfile", roles=[self.instance_role.role_name])

        self.launch_templates: dict[str, ec2.CfnLaunchTemplate] = {}
        self.spot = self._environment("SpotCpu", "SPOT", capacity.cpu_families, capacity.spot_vcpus, subnet_ids, instance_profile, key) if capacity.spot_vcpus else None
        self.on_demand = self._environment(
            "OnDemandCpu", "EC2", capacity.cpu_families, capacity.on_demand_vcpus, subnet_ids, instance_profile, key,
            capacity_reservation_id=capacity.capacity_reservation_id,
        )
        self.gpu = (
            self._environment("SpotGpu", "SPOT", capacity.gpu_types, capacity.gpu_vcpus, subnet_ids, instance_profile, key, gpu=True)
            if capacity.gpu_types
            else None
        )

        first = [env for env in (self.spot, self.on_demand) if env is not None]
        self.spot_first_queue = self._queue("SpotFirstQueue", "spot-first", first, priority=10)
        self.deadline_queue = self._queue("DeadlineQueue", "deadline", [self.on_demand], priority=100)
        self.gpu_queue = self._queue("GpuSpotQueue", "gpu-spot", [self.gpu], priority=10) if self.gpu else None

        self.job_role = iam.Role(self, "JobRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
        iam.ManagedPolicy(
            self,
            "JobCheckpointPolicy",
            roles=[self.job_role],
            statements=[
                iam.PolicyStatement(
                    actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    resources=[checkpoint_bucket.arn_for_objects(f"{CHECKPOINT_PREFIX}*")],
                ),
                iam.PolicyStatement(
                    actions=["s3:ListBucket"],
                    resources=[checkpoint_bucket.bucket_arn],
                    conditions={"StringLike": {"s3:prefix": [f"{CHECKPOINT_PREFIX}*"]}},
                ),
                iam.PolicyStatement(actions=["kms:Decrypt", "kms:GenerateDataKey"], resources=[key.key_arn]),
            ],
        )
        self.execution_role = iam.Role(self, "ExecutionRole", assumed_by=iam.ServicePrincipal("ecs-tasks.amazonaws.com"))
        iam.ManagedPolicy(
            self,
            "ExecutionPolicy",
            roles=[self.execution_role],
            statements=[
                iam.PolicyStatement(actions=["ecr:GetAuthorizationToken"], resources=["*"]),
                iam.PolicyStatement(
                    actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                    resources=[image_repository.repository_arn],
                ),
                iam.PolicyStatement(
                    actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[job_log_group.log_group_arn],
                ),
                iam.PolicyStatement(actions=["kms:Decrypt"], resources=[key.key_arn]),
            ],
        )
        self._record_deviations(checkpoint_bucket)
        image = f"{image_repository.repository_uri}:{image_tag}"
        environment = [
            ("GXP_CHECKPOINT_BUCKET", checkpoint_bucket.bucket_name),
            ("GXP_CHECKPOINT_PREFIX", CHECKPOINT_PREFIX),
            # Jobs write to <uri><AWS_BATCH_JOB_ID>/ and read the latest checkpoint there on
            # a retried attempt (AWS_BATCH_JOB_ATTEMPT > 1).
            ("GXP_CHECKPOINT_URI", f"s3://{checkpoint_bucket.bucket_name}/{CHECKPOINT_PREFIX}"),
        ]
        self.cpu_job = self._job_definition("CpuJob", "discovery-cpu", image, environment, job_log_group, vcpus=4, memory_mib=15000)
        self.gpu_job = (
            self._job_definition("GpuJob", "discovery-gpu", image, environment, job_log_group, vcpus=4, memory_mib=15000, gpus=1)
            if self.gpu
            else None
        )

    def _record_deviations(self, checkpoint_bucket: s3.IBucket) -> None:
        acknowledge(
            self.instance_role,
            ["AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]"],
            "The ECS agent on Batch container instances needs exactly this AWS-maintained policy to register with "
            "the cluster; AWS updates it with the agent, a customer copy would go stale",
        )
        acknowledge(
            self.node.find_child("ExecutionPolicy"),
            ["AwsSolutions-IAM5[Resource::*]"],
            "ecr:GetAuthorizationToken has no resource-level permissions; image reads are limited to the one "
            "worker repository by the next statement",
        )
        acknowledge(
            self.node.find_child("JobCheckpointPolicy"),
            [f"AwsSolutions-IAM5[Resource::<{Stack.of(self).get_logical_id(checkpoint_bucket.node.default_child)}.Arn>/{CHECKPOINT_PREFIX}*]"],
            "Jobs write checkpoint objects under checkpoints/<job id>/ whose names are not known in advance; the "
            "wildcard is limited to that prefix of the one checkpoint bucket",
        )

    # -- pieces ---------------------------------------------------------------------------

    def _launch_template(self, id: str, key: kms.IKey, capacity_reservation_id: str | None) -> ec2.CfnLaunchTemplate:
        data = ec2.CfnLaunchTemplate.LaunchTemplateDataProperty(
            metadata_options=ec2.CfnLaunchTemplate.MetadataOptionsProperty(
                http_tokens="required", http_endpoint="enabled", http_put_response_hop_limit=2
            ),
            block_device_mappings=[
                ec2.CfnLaunchTemplate.BlockDeviceMappingProperty(
                    device_name="/dev/xvda",
                    ebs=ec2.CfnLaunchTemplate.EbsProperty(
                        encrypted=True, kms_key_id=key.key_arn, volume_size=ROOT_VOLUME_GIB, volume_type="gp3",
                        delete_on_termination=True,
                    ),
                )
            ],
            capacity_reservation_specification=(
                ec2.CfnLaunchTemplate.CapacityReservationSpecificationProperty(
                    capacity_reservation_target=ec2.CfnLaunchTemplate.CapacityReservationTargetProperty(
                        capacity_reservation_id=capacity_reservation_id
                    )
                )
                if capacity_reservation_id
                else None
            ),
        )
        template = ec2.CfnLaunchTemplate(self, id, launch_template_data=data)
        self.launch_templates[id] = template
        return template

    def _environment(self, id, kind, instance_types, max_vcpus, subnet_ids, profile, key, *, gpu=False, capacity_reservation_id=None):
        template = self._launch_template(f"{id}LaunchTemplate", key, capacity_reservation_id)
        resources = batch.CfnComputeEnvironment.ComputeResourcesProperty(
            type=kind,
            # Explicit: price-capacity-optimized picks the deepest, cheapest Spot pools and is
            # the strategy AWS recommends against interruptions; BEST_FIT_PROGRESSIVE for on-demand.
            allocation_strategy="SPOT_PRICE_CAPACITY_OPTIMIZED" if kind == "SPOT" else "BEST_FIT_PROGRESSIVE",
            instance_types=list(instance_types),
            minv_cpus=0,
            maxv_cpus=max_vcpus,
            subnets=subnet_ids,
            security_group_ids=[self.security_group.security_group_id],
            instance_role=profile.attr_arn,
            launch_template=batch.CfnComputeEnvironment.LaunchTemplateSpecificationProperty(
                launch_template_id=template.ref, version=template.attr_latest_version_number
            ),
            ec2_configuration=[
                batch.CfnComputeEnvironment.Ec2ConfigurationObjectProperty(
                    image_type="ECS_AL2023_NVIDIA" if gpu else "ECS_AL2023"
                )
            ],
            tags={"Name": f"gxp-batch-{id}"},
        )
        return batch.CfnComputeEnvironment(
            self,
            id,
            type="MANAGED",
            state="ENABLED",
            compute_resources=resources,
            replace_compute_environment=False,
        )

    def _queue(self, id, name, environments, priority):
        return batch.CfnJobQueue(
            self,
            id,
            job_queue_name=name,
            priority=priority,
            state="ENABLED",
            compute_environment_order=[
                batch.CfnJobQueue.ComputeEnvironmentOrderProperty(compute_environment=env.attr_compute_environment_arn, order=i + 1)
                for i, env in enumerate(environments)
            ],
        )

    def _job_definition(self, id, name, image, environment, log_group, *, vcpus, memory_mib, gpus=0):
        requirements = [
            batch.CfnJobDefinition.ResourceRequirementProperty(type="VCPU", value=str(vcpus)),
            batch.CfnJobDefinition.ResourceRequirementProperty(type="MEMORY", value=str(memory_mib)),
        ]
        if gpus:
            requirements.append(batch.CfnJobDefinition.ResourceRequirementProperty(type="GPU", value=str(gpus)))
        return batch.CfnJobDefinition(
            self,
            id,
            job_definition_name=name,
            type="container",
            platform_capabilities=["EC2"],
            propagate_tags=True,
            retry_strategy=retry_strategy(),
            timeout=batch.CfnJobDefinition.TimeoutProperty(attempt_duration_seconds=int(Duration.hours(24).to_seconds())),
            container_properties=batch.CfnJobDefinition.ContainerPropertiesProperty(
                image=image,
                job_role_arn=self.job_role.role_arn,
                execution_role_arn=self.execution_role.role_arn,
                resource_requirements=requirements,
                readonly_root_filesystem=False,
                privileged=False,
                environment=[batch.CfnJobDefinition.EnvironmentProperty(name=k, value=v) for k, v in environment],
                log_configuration=batch.CfnJobDefinition.LogConfigurationProperty(
                    log_driver="awslogs",
                    options={
                        "awslogs-group": log_group.log_group_name,
                        "awslogs-region": Aws.REGION,
                        "awslogs-stream-prefix": name,
                    },
                ),
            ),
        )

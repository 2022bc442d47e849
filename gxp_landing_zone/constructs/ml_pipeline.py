from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from .acknowledge import acknowledge

PIPELINE_SCHEMA_VERSION = "2020-12-01"
TRAINING_STEP = "Train"
# SageMaker Pipelines names the jobs it starts "pipelines-<execution id>-<step>-<suffix>".
PIPELINE_JOB_PREFIX = "pipelines-"
TRAINING_DATA_PREFIX = "training-data/"
MODEL_PREFIX = "models/"
CHECKPOINT_PREFIX = "checkpoints/sagemaker/"


class ModelTrainingPipeline(Construct):
    """A SageMaker pipeline: one Spot training step, then registration awaiting approval.

    Training runs in the workload VPC with network isolation, volumes and output encrypted
    with the stack's key, and managed Spot with checkpoints so a reclaim resumes. The model
    is registered as PendingManualApproval: promotion is a separate, attributable act
    (11.10(f), 11.10(g)). Lineage is kept on the model package: the training data version,
    the training image digest and the model artifact URI.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        name: str,
        vpc: ec2.IVpc,
        subnets: ec2.SubnetSelection,
        key: kms.IKey,
        artifact_bucket: s3.IBucket,
        checkpoint_bucket: s3.IBucket,
        image_repository: ecr.IRepository,
        instance_type: str,
        max_run_seconds: int,
        max_wait_seconds: int,
        role_name: str | None = None,
        training_records: tuple[tuple[str, str], ...] = (),
    ) -> None:
        """``training_records``: (records bucket, its key alias) of each data class the config lets the
        pipeline train on; the role reads them through S3 only."""
        super().__init__(scope, id)
        stack = Stack.of(self)
        partition, region, account = stack.partition, stack.region, stack.account
        subnet_ids = vpc.select_subnets(subnet_group_name=subnets.subnet_group_name).subnet_ids
        self.security_group = ec2.SecurityGroup(
            self, "TrainingSecurityGroup", vpc=vpc, description="SageMaker training containers: no inbound traffic"
        )
        self.model_package_group = sagemaker.CfnModelPackageGroup(
            self,
            "ModelPackageGroup",
            model_package_group_name=name,
            model_package_group_description="Discovery models; promotion requires a recorded approval",
        )
        # Named, so the records key policies of the classes it trains on can admit it.
        self.role = iam.Role(self, "ExecutionRole", role_name=role_name, assumed_by=iam.ServicePrincipal("sagemaker.amazonaws.com"))
        records = [
            iam.PolicyStatement(sid="ReadTrainingRecords", actions=["s3:GetObject", "s3:ListBucket"],
                                resources=[a for b, _ in training_records for a in (f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*")]),
            iam.PolicyStatement(sid="DecryptTrainingRecordsThroughS3", actions=["kms:Decrypt"],
                                resources=[f"arn:{partition}:kms:{region}:{account}:key/*"],
                                conditions={"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                                            "ForAnyValue:StringEquals": {"kms:ResourceAliases": [a for _, a in training_records]}}),
        ] if training_records else []
        arn = f"arn:{partition}:sagemaker:{region}:{account}"
        policy = iam.ManagedPolicy(
            self,
            "ExecutionPolicy",
            roles=[self.role],
            statements=[
                iam.PolicyStatement(
                    sid="RunPipelineTrainingJobs",
                    actions=["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob", "sagemaker:AddTags"],
                    resources=[f"{arn}:training-job/{PIPELINE_JOB_PREFIX}*"],
                ),
                iam.PolicyStatement(
                    sid="RegisterModelVersions",
                    actions=["sagemaker:CreateModelPackage", "sagemaker:DescribeModelPackage", "sagemaker:AddTags"],
                    resources=[
                        f"{arn}:model-package/{name}/*",
                        f"{arn}:model-package-group/{name}",
                    ],
                ),
                iam.PolicyStatement(
                    sid="PassOwnRoleToTraining",
                    actions=["iam:PassRole"],
                    resources=[self.role.role_arn],
                    conditions={"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
                ),
                iam.PolicyStatement(
                    sid="ReadTrainingData",
                    actions=["s3:GetObject"],
                    resources=[artifact_bucket.arn_for_objects(f"{TRAINING_DATA_PREFIX}*")],
                ),
                iam.PolicyStatement(
                    sid="WriteModelArtifacts",
                    actions=["s3:GetObject", "s3:PutObject"],
                    resources=[artifact_bucket.arn_for_objects(f"{MODEL_PREFIX}*")],
                ),
                iam.PolicyStatement(
                    sid="SpotCheckpoints",
                    actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                    resources=[checkpoint_bucket.arn_for_objects(f"{CHECKPOINT_PREFIX}*")],
                ),
                iam.PolicyStatement(
                    sid="ListOwnPrefixes",
                    actions=["s3:ListBucket"],
                    resources=[artifact_bucket.bucket_arn, checkpoint_bucket.bucket_arn],
                ),
                iam.PolicyStatement(
                    sid="EncryptWithStackKey",
                    actions=["kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant", "kms:DescribeKey"],
                    resources=[key.key_arn],
                ),
                iam.PolicyStatement(
                    sid="PullTrainingImage",
                    actions=["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
                    resources=[image_repository.repository_arn],
                ),
                iam.PolicyStatement(
                    sid="CallsWithoutResourceArns",
                    actions=[
                        "ecr:GetAuthorizationToken",
                        "ec2:CreateNetworkInterface",
                        "ec2:CreateNetworkInterfacePermission",
                        "ec2:DeleteNetworkInterface",
                        "ec2:DeleteNetworkInterfacePermission",
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeVpcs",
                        "ec2:DescribeDhcpOptions",
                        "ec2:DescribeSubnets",
                        "ec2:DescribeSecurityGroups",
                    ],
                    resources=["*"],
                ),
                *records,
                iam.PolicyStatement(
                    sid="TrainingLogs",
                    actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                    resources=[f"arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker/TrainingJobs:*"],
                ),
            ],
        )
        acknowledge(
            policy,
            [
                "AwsSolutions-IAM5[Resource::*]",
                f"AwsSolutions-IAM5[Resource::arn:{partition}:sagemaker:{region}:{account}:training-job/{PIPELINE_JOB_PREFIX}*]",
                f"AwsSolutions-IAM5[Resource::arn:{partition}:sagemaker:{region}:{account}:model-package/{name}/*]",
                f"AwsSolutions-IAM5[Resource::arn:{partition}:logs:{region}:{account}:log-group:/aws/sagemaker/TrainingJobs:*]",
                *[f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{b}/*]" for b, _ in training_records],
                *([f"AwsSolutions-IAM5[Resource::arn:{partition}:kms:{region}:{account}:key/*]"] if training_records else []),
                *[
                    f"AwsSolutions-IAM5[Resource::<{stack.get_logical_id(b.node.default_child)}.Arn>/{p}*]"
                    for b, p in ((artifact_bucket, TRAINING_DATA_PREFIX), (artifact_bucket, MODEL_PREFIX), (checkpoint_bucket, CHECKPOINT_PREFIX))
                ],
            ],
            "Pipeline jobs, model versions and objects get names at run time; each wildcard is limited to the "
            "pipeline's own name prefix, model package group, log group or bucket prefix; records of the classes the "
            "config lets it train on are read whole, their keys named by alias through kms:ResourceAliases. The EC2 "
            "network-interface and ECR token calls SageMaker makes for VPC training have no resource ARNs",
        )

        definition = {
            "Version": PIPELINE_SCHEMA_VERSION,
            "Metadata": {},
            "Parameters": [
                {"Name": "TrainingDataVersion", "Type": "String"},
                {"Name": "TrainingImageDigest", "Type": "String"},
                {"Name": "TrainingDataUri", "Type": "String",
                 "DefaultValue": f"s3://{artifact_bucket.bucket_name}/{TRAINING_DATA_PREFIX}"},
            ],
            "Steps": [
                {
                    "Name": TRAINING_STEP,
                    "Type": "Training",
                    "Arguments": {
                        "AlgorithmSpecification": {
                            # Pinned by digest: the image that trained the model is the one recorded.
                            "TrainingImage": {"Std:Join": {"On": "@", "Values": [image_repository.repository_uri, {"Get": "Parameters.TrainingImageDigest"}]}},
                            "TrainingInputMode": "File",
                        },
                        "RoleArn": self.role.role_arn,
                        "InputDataConfig": [
                            {
                                "ChannelName": "train",
                                "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": {"Get": "Parameters.TrainingDataUri"}, "S3DataDistributionType": "FullyReplicated"}},
                            }
                        ],
                        "OutputDataConfig": {"S3OutputPath": f"s3://{artifact_bucket.bucket_name}/{MODEL_PREFIX}", "KmsKeyId": key.key_arn},
                        "ResourceConfig": {"InstanceCount": 1, "InstanceType": instance_type, "VolumeSizeInGB": 100, "VolumeKmsKeyId": key.key_arn},
                        "StoppingCondition": {"MaxRuntimeInSeconds": max_run_seconds, "MaxWaitTimeInSeconds": max_wait_seconds},
                        "EnableManagedSpotTraining": True,
                        "CheckpointConfig": {"S3Uri": f"s3://{checkpoint_bucket.bucket_name}/{CHECKPOINT_PREFIX}", "LocalPath": "/opt/ml/checkpoints"},
                        "VpcConfig": {"SecurityGroupIds": [self.security_group.security_group_id], "Subnets": subnet_ids},
                        "EnableNetworkIsolation": True,
                        "EnableInterContainerTrafficEncryption": True,
                    },
                },
                {
                    "Name": "RegisterModel",
                    "Type": "RegisterModel",
                    "Arguments": {
                        "ModelPackageGroupName": name,
                        "ModelApprovalStatus": "PendingManualApproval",
                        "InferenceSpecification": {
                            "Containers": [
                                {
                                    "Image": {"Std:Join": {"On": "@", "Values": [image_repository.repository_uri, {"Get": "Parameters.TrainingImageDigest"}]}},
                                    "ModelDataUrl": {"Get": f"Steps.{TRAINING_STEP}.ModelArtifacts.S3ModelArtifacts"},
                                }
                            ],
                            "SupportedContentTypes": ["application/json"],
                            "SupportedResponseMIMETypes": ["application/json"],
                        },
                        # Lineage an auditor can read on the model version itself.
                        "CustomerMetadataProperties": {
                            "gxp:training-data-version": {"Get": "Parameters.TrainingDataVersion"},
                            "gxp:training-image-digest": {"Get": "Parameters.TrainingImageDigest"},
                            "gxp:training-data-uri": {"Get": "Parameters.TrainingDataUri"},
                        },
                    },
                },
            ],
        }
        self.definition = definition
        self.pipeline = sagemaker.CfnPipeline(
            self,
            "Pipeline",
            pipeline_name=name,
            role_arn=self.role.role_arn,
            pipeline_definition=self.definition_body(definition),
            pipeline_description="Spot training in the VPC with network isolation; registers models pending approval",
        )
        self.pipeline.node.add_dependency(policy)

    def definition_body(self, definition: dict) -> dict:
        return {"PipelineDefinitionBody": Stack.of(self).to_json_string(definition)}

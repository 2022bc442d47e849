"""The discovery-compute services of one workload account and region, built for the IQ tests as
stacks/compute.py deploys them: the Batch fleet's launch templates (constructs/spot_first_batch.py),
the training pipeline and its model package group (constructs/ml_pipeline.py) and the HealthOmics
stores and run group (constructs/genomics.py).

It adds to what tests/test_iq_workloads.build_compute builds (VPC, subnet, security group, roles) and
lives outside the test modules so test_iq_workloads can call it without importing
tests/test_iq_compute_services.py, which imports test_iq_workloads for its fixture.

moto 5.2 serves EC2 launch templates, Batch (with launch templates and tags) and SageMaker
pipelines and model package groups. It has no HealthOmics backend ("Not yet implemented"), so the
omics client answers from a botocore Stubber over ``session.omics``, a dict in the shape of the
HealthOmics list/get responses that a test may change."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone

from botocore.stub import Stubber

from gxp_landing_zone.config import AccountKind
from gxp_landing_zone.constructs.ml_pipeline import (
    CHECKPOINT_PREFIX,
    MODEL_PREFIX,
    PIPELINE_SCHEMA_VERSION,
    TRAINING_DATA_PREFIX,
    TRAINING_STEP,
)
from gxp_landing_zone.constructs.spot_first_batch import ROOT_VOLUME_GIB
from gxp_landing_zone.naming import Names
from gxp_landing_zone.stacks.compute import OMICS_REGIONS

ALL_COMPUTE_SERVICES = {
    "GXP-NET-03", "GXP-EC2-01", "GXP-EC2-02", "GXP-ML-01", "GXP-ML-02", "GXP-ML-03", "GXP-OMICS-01", "GXP-OMICS-02",
}
# The checks of tests/test_iq_workloads.py's accounts, run in us-east-1 (a HealthOmics region): research
# accounts skip the regulated-boundary pipeline controls.
IQ_COMPUTE_SERVICES = {
    "regulated-us": ALL_COMPUTE_SERVICES,
    "research": ALL_COMPUTE_SERVICES - {"GXP-ML-01", "GXP-ML-02"},
}
# Names of the fleet's environments; CloudFormation generates them in the real stack.
FLEET = (("spot", "SPOT"), ("on-demand", "EC2"), ("spot-gpu", "SPOT"))
CREATED = datetime(2026, 11, 1, tzinfo=timezone.utc)


def role_tags(config, role: str) -> dict:
    boundary = "research" if config.account(role).kind is AccountKind.RESEARCH else "regulated"
    return {"gxp:account-role": role, "gxp:boundary": boundary}


def launch_template_data(key_arn: str) -> dict:
    return {
        "MetadataOptions": {"HttpTokens": "required", "HttpEndpoint": "enabled", "HttpPutResponseHopLimit": 2},
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
            "Encrypted": True, "KmsKeyId": key_arn, "VolumeSize": ROOT_VOLUME_GIB, "VolumeType": "gp3",
            "DeleteOnTermination": True}}],
    }


def add_environment(session, config, role: str, built: dict, name: str, kind: str, template_data: dict) -> None:
    """One tagged compute environment starting from its own launch template, at the version
    CloudFormation resolves (LatestVersionNumber)."""
    template = session.client("ec2").create_launch_template(
        LaunchTemplateName=f"{name}-template", LaunchTemplateData=template_data)["LaunchTemplate"]
    strategy = "SPOT_PRICE_CAPACITY_OPTIMIZED" if kind == "SPOT" else "BEST_FIT_PROGRESSIVE"
    session.client("batch").create_compute_environment(
        computeEnvironmentName=name, type="MANAGED", state="ENABLED", serviceRole=built["service_role"],
        tags=role_tags(config, role),
        computeResources={**built["resources"], "type": kind, "allocationStrategy": strategy, "launchTemplate": {
            "launchTemplateId": template["LaunchTemplateId"], "version": str(template["LatestVersionNumber"])}})


def pipeline_definition(config, names: Names, role: str, region: str, *, role_arn: str, key_arn: str,
                        subnets: list[str], security_group: str) -> dict:
    """constructs/ml_pipeline.py's definition with CloudFormation's values filled in."""
    account_id = config.account(role).id
    settings = config.compute_settings(config.account(role))
    artifacts, checkpoints = names.ml_artifact_bucket(account_id, region), names.checkpoint_bucket(account_id, region)
    image = {"Std:Join": {"On": "@", "Values": [f"{account_id}.dkr.ecr.{region}.amazonaws.com/{names.batch_image_repository}",
                                                {"Get": "Parameters.TrainingImageDigest"}]}}
    return {
        "Version": PIPELINE_SCHEMA_VERSION,
        "Metadata": {},
        "Parameters": [
            {"Name": "TrainingDataVersion", "Type": "String"},
            {"Name": "TrainingImageDigest", "Type": "String"},
            {"Name": "TrainingDataUri", "Type": "String", "DefaultValue": f"s3://{artifacts}/{TRAINING_DATA_PREFIX}"},
        ],
        "Steps": [
            {"Name": TRAINING_STEP, "Type": "Training", "Arguments": {
                "AlgorithmSpecification": {"TrainingImage": image, "TrainingInputMode": "File"},
                "RoleArn": role_arn,
                "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
                    "S3DataType": "S3Prefix", "S3Uri": {"Get": "Parameters.TrainingDataUri"},
                    "S3DataDistributionType": "FullyReplicated"}}}],
                "OutputDataConfig": {"S3OutputPath": f"s3://{artifacts}/{MODEL_PREFIX}", "KmsKeyId": key_arn},
                "ResourceConfig": {"InstanceCount": 1, "InstanceType": settings.training_instance_type,
                                   "VolumeSizeInGB": 100, "VolumeKmsKeyId": key_arn},
                "StoppingCondition": {"MaxRuntimeInSeconds": settings.training_max_hours * 3600,
                                      "MaxWaitTimeInSeconds": settings.training_max_hours * 2 * 3600},
                "EnableManagedSpotTraining": True,
                "CheckpointConfig": {"S3Uri": f"s3://{checkpoints}/{CHECKPOINT_PREFIX}", "LocalPath": "/opt/ml/checkpoints"},
                "VpcConfig": {"SecurityGroupIds": [security_group], "Subnets": subnets},
                "EnableNetworkIsolation": True,
                "EnableInterContainerTrafficEncryption": True,
            }},
            {"Name": "RegisterModel", "Type": "RegisterModel", "Arguments": {
                "ModelPackageGroupName": names.model_package_group,
                "ModelApprovalStatus": "PendingManualApproval",
                "InferenceSpecification": {
                    "Containers": [{"Image": image, "ModelDataUrl": {"Get": f"Steps.{TRAINING_STEP}.ModelArtifacts.S3ModelArtifacts"}}],
                    "SupportedContentTypes": ["application/json"], "SupportedResponseMIMETypes": ["application/json"]},
                "CustomerMetadataProperties": {
                    "gxp:training-data-version": {"Get": "Parameters.TrainingDataVersion"},
                    "gxp:training-image-digest": {"Get": "Parameters.TrainingImageDigest"},
                    "gxp:training-data-uri": {"Get": "Parameters.TrainingDataUri"}},
            }},
        ],
    }


def edit_pipeline_steps(session, names: Names, step_type: str, edit) -> None:
    """Change every step of a type in the deployed pipeline, as a console edit would."""
    sagemaker = session.client("sagemaker")
    definition = json.loads(sagemaker.describe_pipeline(PipelineName=names.model_package_group)["PipelineDefinition"])
    for step in definition["Steps"]:
        if step["Type"] == step_type:
            edit(step["Arguments"])
    sagemaker.update_pipeline(PipelineName=names.model_package_group, PipelineDefinition=json.dumps(definition))


def omics_estate(config, names: Names, role: str, region: str, key_arn: str) -> dict:
    """The workspace's stores and run group, in the shape HealthOmics lists them; empty outside
    the regions where the stack builds it."""
    if region not in OMICS_REGIONS:
        return {"sequenceStores": [], "referenceStores": [], "runGroups": []}
    account_id = config.account(role).id
    settings = config.compute_settings(config.account(role))
    workspace, arn = names.genomics_workspace, f"arn:aws:omics:{region}:{account_id}"
    sse = {"type": "KMS", "keyArn": key_arn}
    return {
        "sequenceStores": [{"arn": f"{arn}:sequenceStore/1234567890", "id": "1234567890", "name": f"{workspace}-sequences",
                            "sseConfig": dict(sse), "creationTime": CREATED, "status": "ACTIVE"}],
        "referenceStores": [{"arn": f"{arn}:referenceStore/2345678901", "id": "2345678901",
                             "name": f"{workspace}-references", "sseConfig": dict(sse), "creationTime": CREATED}],
        "runGroups": [{"arn": f"{arn}:runGroup/3456789", "id": "3456789", "name": f"{workspace}-runs",
                       "maxCpus": settings.omics_max_cpus, "maxGpus": settings.omics_max_gpus,
                       "maxRuns": settings.omics_max_runs, "maxDuration": settings.omics_max_duration_minutes,
                       "creationTime": CREATED, "tags": role_tags(config, role)}],
    }


RUN_GROUP_LIST_FIELDS = ("arn", "id", "name", "maxCpus", "maxRuns", "maxDuration", "creationTime", "maxGpus")


def _named(items: list[dict], name: str | None) -> list[dict]:
    return [i for i in items if name is None or i.get("name") == name]


# Each answer reads the state and the call's parameters: a response dict, or an error code.
OMICS_ANSWERS = {
    "list_sequence_stores": lambda state, p: {"sequenceStores": _named(state["sequenceStores"], p.get("filter", {}).get("name"))},
    "list_reference_stores": lambda state, p: {"referenceStores": _named(state["referenceStores"], p.get("filter", {}).get("name"))},
    "list_run_groups": lambda state, p: {"items": [
        {k: g[k] for k in RUN_GROUP_LIST_FIELDS if k in g} for g in _named(state["runGroups"], p.get("name"))]},
    "get_run_group": lambda state, p: next((g for g in state["runGroups"] if g["id"] == p["id"]), "ResourceNotFoundException"),
}


class _StubbedOmicsClient:
    """Each call gets a fresh omics client whose Stubber holds exactly that call's answer, so the
    checks may call the operations in any order; the Stubber still validates the parameters and
    the response against the HealthOmics service model."""

    def __init__(self, session, state: dict, kwargs: dict):
        self._session, self._state, self._kwargs = session, state, kwargs

    def __getattr__(self, operation: str):
        if operation.startswith("_") or operation not in OMICS_ANSWERS:
            raise AttributeError(f"omics.{operation} is not stubbed")

        def invoke(**params):
            client = self._session.client("omics", **self._kwargs)
            stubber = Stubber(client)
            answer = OMICS_ANSWERS[operation](self._state, params)
            if isinstance(answer, str):
                stubber.add_client_error(operation, service_error_code=answer, http_status_code=404, expected_params=params)
            else:
                stubber.add_response(operation, copy.deepcopy(answer), params)
            stubber.activate()
            return getattr(client, operation)(**params)

        return invoke


class StubbedOmicsSession:
    """Wraps a session (a moto one, or StubbedCognitoSession): omics answers from ``omics``, every
    other service and attribute (e.g. the Cognito ``pool``) from the wrapped session."""

    def __init__(self, session, omics: dict):
        self._session, self.omics, self.region_name = session, omics, session.region_name

    def client(self, service, **kwargs):
        if service == "omics":
            return _StubbedOmicsClient(self._session, self.omics, kwargs)
        return self._session.client(service, **kwargs)

    def get_credentials(self):
        return self._session.get_credentials()

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._session, name)


def build_compute_services(session, config, role: str, built: dict) -> StubbedOmicsSession:
    """Add the compute stack's instance settings, pipeline and genomics workspace to the account
    build_compute built (``built`` is its return value, and gains ``key_arn``). Returns the session
    to use from then on: HealthOmics answered by a Stubber.

    moto's update_compute_environment ignores computeResources, so build_compute's environments are
    replaced by the stack's fleet: tagged, each with its own launch template."""
    names, region = Names(config), session.region_name
    ec2, kms, batch = session.client("ec2"), session.client("kms"), session.client("batch")
    key = kms.create_key(Description="Encrypts compute volumes, checkpoints, job and flow logs")["KeyMetadata"]
    kms.create_alias(AliasName=names.compute_key_alias, TargetKeyId=key["KeyId"])
    kms.enable_key_rotation(KeyId=key["KeyId"])
    built["key_arn"] = key["Arn"]
    ec2.create_tags(Resources=[built["subnet"]], Tags=[{"Key": k, "Value": v} for k, v in role_tags(config, role).items()])

    for env in batch.describe_compute_environments()["computeEnvironments"]:
        batch.delete_compute_environment(computeEnvironment=env["computeEnvironmentName"])
    for name, kind in FLEET:
        add_environment(session, config, role, built, name, kind, launch_template_data(key["Arn"]))

    training_group = ec2.create_security_group(GroupName="training", Description="SageMaker training containers: no inbound traffic",
                                               VpcId=built["vpc"])["GroupId"]
    training_role = session.client("iam").create_role(RoleName="ModelTrainingExecutionRole", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    sagemaker = session.client("sagemaker")
    sagemaker.create_model_package_group(ModelPackageGroupName=names.model_package_group,
                                         ModelPackageGroupDescription="Discovery models; promotion requires a recorded approval")
    definition = pipeline_definition(config, names, role, region, role_arn=training_role, key_arn=key["Arn"],
                                     subnets=[built["subnet"]], security_group=training_group)
    sagemaker.create_pipeline(PipelineName=names.model_package_group, RoleArn=training_role, PipelineDefinition=json.dumps(definition),
                              Tags=[{"Key": k, "Value": v} for k, v in role_tags(config, role).items()])
    return StubbedOmicsSession(session, omics_estate(config, names, role, region, key["Arn"]))

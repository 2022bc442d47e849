"""A real-time endpoint for an approved model version, with its requests and responses captured and a
data-quality monitoring schedule comparing them to the training baseline (Annex 11 §11; EU AI Act
Art. 15): drift between what the model was validated on and what it now sees is measured on a
schedule, not discovered by accident.

The model is created from the model package version itself, so only what the group holds - and the
approval gate kept Approved - can be served. Captured data, monitoring reports and volumes use the
stack's key; the model and the monitoring job run in the workload VPC with network isolation.
Model Monitor's analyzer image is published per region by AWS (sagemaker-model-monitor-analyzer):
https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-pre-built-container.html
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

# Registry account of Model Monitor's analyzer image per region (SageMaker Python SDK,
# src/sagemaker/image_uri_config/model-monitor.json).
ANALYZER_REGISTRY = {
    "us-east-1": "156813124566", "us-east-2": "777275614652", "us-west-1": "890145073186", "us-west-2": "159807026194",
    "ca-central-1": "536280801234", "eu-central-1": "048819808253", "eu-west-1": "468650794304",
    "eu-west-2": "749857270468", "eu-west-3": "680080141114", "eu-north-1": "895015795356",
    "ap-northeast-1": "574779866223", "ap-northeast-2": "709848358524", "ap-south-1": "126357580389",
    "ap-southeast-1": "245545462676", "ap-southeast-2": "563025443158", "sa-east-1": "539772159869",
}
CAPTURE_PREFIX = "data-capture/"
MONITORING_PREFIX = "monitoring/"


def analyzer_image(region: str) -> str:
    return f"{ANALYZER_REGISTRY[region]}.dkr.ecr.{region}.amazonaws.com/sagemaker-model-monitor-analyzer"


@dataclass(frozen=True)
class EndpointSpec:
    name: str
    model_package_arn: str
    instance_type: str
    instance_count: int
    baseline_prefix: str
    schedule: str


class MonitoredEndpoint(Construct):
    def __init__(self, scope: Construct, id: str, *, spec: EndpointSpec, role: iam.IRole, key: kms.IKey, bucket_name: str,
                 subnet_ids: list[str], security_group: ec2.ISecurityGroup) -> None:
        super().__init__(scope, id)
        region = Stack.of(self).region
        artifacts = f"s3://{bucket_name}"
        vpc = {"security_group_ids": [security_group.security_group_id], "subnets": subnet_ids}
        self.model = sagemaker.CfnModel(
            self, "Model", execution_role_arn=role.role_arn, enable_network_isolation=True,
            primary_container=sagemaker.CfnModel.ContainerDefinitionProperty(model_package_name=spec.model_package_arn),
            vpc_config=sagemaker.CfnModel.VpcConfigProperty(**vpc),
        )
        self.config = sagemaker.CfnEndpointConfig(
            self, "Config", kms_key_id=key.key_arn,
            production_variants=[sagemaker.CfnEndpointConfig.ProductionVariantProperty(
                variant_name="approved", model_name=self.model.attr_model_name, initial_instance_count=spec.instance_count,
                instance_type=spec.instance_type, initial_variant_weight=1)],
            data_capture_config=sagemaker.CfnEndpointConfig.DataCaptureConfigProperty(
                enable_capture=True, initial_sampling_percentage=100, kms_key_id=key.key_arn,
                destination_s3_uri=f"{artifacts}/{CAPTURE_PREFIX}{spec.name}/",
                capture_options=[sagemaker.CfnEndpointConfig.CaptureOptionProperty(capture_mode=m) for m in ("Input", "Output")]),
        )
        self.endpoint = sagemaker.CfnEndpoint(self, "Endpoint", endpoint_name=spec.name,
                                              endpoint_config_name=self.config.attr_endpoint_config_name)
        dq = sagemaker.CfnDataQualityJobDefinition
        self.job = dq(
            self, "DataQuality", role_arn=role.role_arn, endpoint_name=self.endpoint.attr_endpoint_name,
            job_definition_name=f"{spec.name}-data-quality",
            data_quality_app_specification=dq.DataQualityAppSpecificationProperty(image_uri=analyzer_image(region)),
            data_quality_baseline_config=dq.DataQualityBaselineConfigProperty(
                constraints_resource=dq.ConstraintsResourceProperty(s3_uri=f"{artifacts}/{spec.baseline_prefix}constraints.json"),
                statistics_resource=dq.StatisticsResourceProperty(s3_uri=f"{artifacts}/{spec.baseline_prefix}statistics.json")),
            data_quality_job_input=dq.DataQualityJobInputProperty(endpoint_input=dq.EndpointInputProperty(
                endpoint_name=self.endpoint.attr_endpoint_name, local_path="/opt/ml/processing/input/endpoint")),
            data_quality_job_output_config=dq.MonitoringOutputConfigProperty(kms_key_id=key.key_arn, monitoring_outputs=[
                dq.MonitoringOutputProperty(s3_output=dq.S3OutputProperty(
                    local_path="/opt/ml/processing/output", s3_uri=f"{artifacts}/{MONITORING_PREFIX}{spec.name}/"))]),
            job_resources=dq.MonitoringResourcesProperty(cluster_config=dq.ClusterConfigProperty(
                instance_count=1, instance_type="ml.m5.xlarge", volume_size_in_gb=20, volume_kms_key_id=key.key_arn)),
            network_config=dq.NetworkConfigProperty(enable_network_isolation=True,
                                                    vpc_config=dq.VpcConfigProperty(**vpc)),
        )
        self.schedule = sagemaker.CfnMonitoringSchedule(
            self, "Schedule", monitoring_schedule_name=f"{spec.name}-data-quality", endpoint_name=self.endpoint.attr_endpoint_name,
            monitoring_schedule_config=sagemaker.CfnMonitoringSchedule.MonitoringScheduleConfigProperty(
                monitoring_job_definition_name=f"{spec.name}-data-quality", monitoring_type="DataQuality",
                schedule_config=sagemaker.CfnMonitoringSchedule.ScheduleConfigProperty(schedule_expression=spec.schedule)),
        )
        # The schedule names the job definition by its literal name: CloudFormation must create it first.
        self.schedule.node.add_dependency(self.job)

"""GXP-AI-11: every SageMaker endpoint captures its traffic and is checked against its training baseline
by a data-quality monitoring schedule that runs isolated and encrypted."""

from __future__ import annotations

from ..cfn import Unresolved
from ..deployed.model_governance import endpoints
from ..model import Control, DeployedCheck, all_of, cannot_prove, cfn_bool, compliant, expect, expect_present, non_compliant
from ._helpers import WORKLOADS, compute_here


def _names(value, endpoint):
    return endpoint.refers_to(value) or (isinstance(value, str) and value == endpoint.get("EndpointName"))


def _capture(endpoint):
    config = endpoint.stack.target(endpoint.get("EndpointConfigName"), "AWS::SageMaker::EndpointConfig")
    if config is None:
        name = endpoint.get("EndpointConfigName")
        config = next((c for c in endpoint.stack.of_type("AWS::SageMaker::EndpointConfig")
                       if isinstance(name, str) and c.get("EndpointConfigName") == name), None)
    if config is None:
        return cannot_prove("the endpoint's configuration is not in this template, so its data capture cannot be seen")
    return all_of(expect(cfn_bool(config.get("DataCaptureConfig.EnableCapture")), True, "DataCaptureConfig.EnableCapture"),
                  expect_present(config.get("DataCaptureConfig.KmsKeyId"), "DataCaptureConfig.KmsKeyId"))


def _job(schedule):
    stack, name = schedule.stack, schedule.get("MonitoringScheduleConfig.MonitoringJobDefinitionName")
    job = stack.target(name, "AWS::SageMaker::DataQualityJobDefinition") or next(
        (j for j in stack.of_type("AWS::SageMaker::DataQualityJobDefinition")
         if isinstance(name, str) and j.get("JobDefinitionName") == name), None)
    if job is None:
        return cannot_prove(f"monitoring job definition {name} is not in this template")
    return all_of(
        expect_present(job.get("DataQualityBaselineConfig.ConstraintsResource.S3Uri"), "baseline constraints"),
        expect_present(job.get("DataQualityBaselineConfig.StatisticsResource.S3Uri"), "baseline statistics"),
        expect(cfn_bool(job.get("NetworkConfig.EnableNetworkIsolation")), True, "NetworkConfig.EnableNetworkIsolation"),
        expect_present(job.get("DataQualityJobOutputConfig.KmsKeyId"), "DataQualityJobOutputConfig.KmsKeyId"),
        expect_present(job.get("JobResources.ClusterConfig.VolumeKmsKeyId"), "ClusterConfig.VolumeKmsKeyId"),
    )


def check(endpoint, ctx):
    schedules = [s for s in endpoint.stack.of_type("AWS::SageMaker::MonitoringSchedule") if _names(s.get("EndpointName"), endpoint)]
    quality = [s for s in schedules if s.get("MonitoringScheduleConfig.MonitoringType") == "DataQuality"]
    if not quality:
        unknown = [s for s in schedules if isinstance(s.get("MonitoringScheduleConfig.MonitoringType"), Unresolved)]
        return cannot_prove("a schedule's monitoring type is known only at deploy time") if unknown else non_compliant(
            "no data-quality monitoring schedule watches this endpoint")
    verdicts = [_capture(endpoint)]
    for schedule in quality:
        status = schedule.get("MonitoringScheduleStatus")
        verdicts += [_job(schedule), expect_present(schedule.get("MonitoringScheduleConfig.ScheduleConfig.ScheduleExpression"),
                                                    "ScheduleExpression"),
                     non_compliant("the schedule is Stopped") if status == "Stopped" else compliant()]
    verdict = all_of(*verdicts)
    if verdict.passed:
        return compliant("traffic captured under a customer key; a scheduled data-quality job compares it with the "
                         "training baseline, isolated and encrypted")
    return verdict


CONTROL = Control(
    id="GXP-AI-11",
    title="Endpoints monitored for data quality",
    statement=(
        "Every SageMaker endpoint captures its requests and responses under a KMS key and is watched by a running "
        "data-quality monitoring schedule whose job compares the traffic with baseline constraints and statistics, "
        "with network isolation and KMS-encrypted output and volumes."
    ),
    annex11={
        "11": "A served model is periodically evaluated against what it was validated on, so drift is found while it is in use.",
    },
    eu_ai_act={
        "15": "Accuracy and robustness are monitored over the model's use, not only assessed before release.",
    },
    resource_types=("AWS::SageMaker::Endpoint",),
    check=check,
    deployed=DeployedCheck(read=lambda reader: endpoints(reader) if compute_here(reader) else [], accounts=WORKLOADS,
                           regions="workload"),
)

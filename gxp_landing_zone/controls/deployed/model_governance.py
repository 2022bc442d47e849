"""What the model-governance controls read in a deployed account, in CloudFormation's shape: the model
package group (``AWS::SageMaker::ModelPackageGroup``), its model card (``AWS::SageMaker::ModelCard``,
the card's JSON content renamed to the template's PascalCase), the functions the stacks name by role
(``AWS::Lambda::Function`` with their ARN, execution role and its policies), and Macie's session and
classification jobs (``AWS::Macie::Session``, ``Custom::MacieClassificationJob``)."""

from __future__ import annotations

import json

from ..cfn import Resource, Unresolved
from .ec2 import key as key_reference
from .lambda_functions import _function_properties, execution_role
from .reader import AccountReader


def model_package_group(reader: AccountReader, name: str) -> Resource:
    return reader.once(("sagemaker", "group", name), lambda: _group(reader, name))


def _group(reader: AccountReader, name: str) -> Resource:
    answer = reader.call("sagemaker", "describe_model_package_group", ModelPackageGroupName=name)
    if not answer.ok:
        missing = f"no model package group {name}" if answer.code in ("ValidationException", "ResourceNotFound") else None
        return reader.add("AWS::SageMaker::ModelPackageGroup", name, {"ModelPackageGroupName": name}, missing=missing or
                          f"cannot read {name}: {answer.error}")
    return reader.add("AWS::SageMaker::ModelPackageGroup", name, {"ModelPackageGroupName": name})


def _pascal(value):
    if isinstance(value, dict):
        return {"".join(p.capitalize() for p in k.split("_")): _pascal(v) for k, v in value.items()}
    return [_pascal(v) for v in value] if isinstance(value, list) else value


def model_card(reader: AccountReader, name: str) -> Resource:
    return reader.once(("sagemaker", "card", name), lambda: _card(reader, name))


def _card(reader: AccountReader, name: str) -> Resource:
    answer = reader.call("sagemaker", "describe_model_card", ModelCardName=name)
    if not answer.ok:
        return reader.add("AWS::SageMaker::ModelCard", name, {"ModelCardName": name}, missing=f"no model card {name} "
                          f"({answer.error})")
    card = answer.response
    try:
        content = _pascal(json.loads(card.get("Content") or "{}"))
    except ValueError:
        content = Unresolved("the model card content SageMaker returned is not JSON")
    key = (card.get("SecurityConfig") or {}).get("KmsKeyId")

    return reader.add("AWS::SageMaker::ModelCard", name, {k: v for k, v in {
        "ModelCardName": name, "ModelCardStatus": card.get("ModelCardStatus"), "Content": content,
        "SecurityConfig": {"KmsKeyId": key_reference(reader, key)} if key else None,
    }.items() if v is not None})


def function_by_role(reader: AccountReader, role_name: str) -> Resource:
    """The function whose execution role is ``role_name`` (the stacks name the roles), with its role."""
    return reader.once(("lambda", "by-role", role_name), lambda: _function(reader, role_name))


def _function(reader: AccountReader, role_name: str) -> Resource:
    marker = None
    while True:
        page = reader.call("lambda", "list_functions", **({"Marker": marker} if marker else {}))
        if not page.ok:
            return reader.add("AWS::Lambda::Function", f"{role_name} function", {"Environment": Unresolved(page.error)})
        for summary in page.get("Functions") or []:
            if str(summary.get("Role", "")).rsplit("/", 1)[-1] == role_name:
                configuration = reader.call("lambda", "get_function_configuration", FunctionName=summary["FunctionName"])
                if not configuration.ok:
                    return reader.add("AWS::Lambda::Function", summary["FunctionName"], {"Environment": Unresolved(configuration.error)})
                function = reader.add("AWS::Lambda::Function", summary["FunctionName"], {
                    **_function_properties(configuration.response), "FunctionArn": configuration.response.get("FunctionArn")})
                execution_role(reader, function)
                return function
        marker = page.get("NextMarker")
        if not marker:
            return reader.add("AWS::Lambda::Function", f"{role_name} function", {}, missing=f"no function with role {role_name}")


def macie(reader: AccountReader, prefix: str) -> None:
    reader.once(("macie", "jobs", prefix), lambda: _macie(reader, prefix))


def _macie(reader: AccountReader, prefix: str) -> Resource:
    session = reader.call("macie2", "get_macie_session")
    status = session.get("status", absent_on=("AccessDeniedException", "ResourceNotFoundException"))
    found = reader.add("AWS::Macie::Session", "Macie session", {"Status": status if status is not None else "DISABLED"})
    listed = reader.call("macie2", "list_classification_jobs",
                         filterCriteria={"includes": [{"comparator": "STARTS_WITH", "key": "name", "values": [prefix]}]})
    if not listed.ok:
        reader.add("Custom::MacieClassificationJob", f"{prefix} jobs", {"BucketDefinitions": Unresolved(listed.error)})
        return found
    for job in listed.get("items") or []:
        if job.get("jobStatus") in ("CANCELLED", "COMPLETE"):
            continue
        detail = reader.call("macie2", "describe_classification_job", jobId=job["jobId"])
        definition = detail.get("s3JobDefinition") or {}
        frequency = detail.get("scheduleFrequency") or {}
        reader.add("Custom::MacieClassificationJob", job.get("name") or job["jobId"], {
            "JobName": job.get("name"),
            "BucketDefinitions": [{"AccountId": d.get("accountId"), "Buckets": d.get("buckets")}
                                  for d in (definition.get("bucketDefinitions") if isinstance(definition, dict) else None) or []],
            "ScheduleFrequency": "DAILY" if "dailySchedule" in frequency else "WEEKLY" if "weeklySchedule" in frequency
            else "MONTHLY" if "monthlySchedule" in frequency else None,
        })
    return found


def endpoints(reader: AccountReader) -> list[Resource]:
    """Every endpoint with its configuration, monitoring schedules and their data-quality job definitions."""
    return reader.once(("sagemaker", "endpoints"), lambda: _endpoints(reader))


def _endpoints(reader: AccountReader) -> list[Resource]:
    listed = reader.call("sagemaker", "list_endpoints")
    if not listed.ok:
        return [reader.add("AWS::SageMaker::Endpoint", "endpoints", {"EndpointConfigName": Unresolved(listed.error)})]
    found = []
    for summary in listed.get("Endpoints") or []:
        name = summary["EndpointName"]
        described = reader.call("sagemaker", "describe_endpoint", EndpointName=name)
        config_name = described.get("EndpointConfigName")
        config = reader.call("sagemaker", "describe_endpoint_config", EndpointConfigName=config_name) if isinstance(
            config_name, str) else None
        capture = (config.get("DataCaptureConfig") if config is not None else None) or {}
        reader.add("AWS::SageMaker::EndpointConfig", str(config_name), {"EndpointConfigName": config_name, "DataCaptureConfig": {
            "EnableCapture": capture.get("EnableCapture"), "KmsKeyId": capture.get("KmsKeyId")}} if isinstance(
            capture, dict) else {"EndpointConfigName": config_name, "DataCaptureConfig": capture})
        endpoint = reader.add("AWS::SageMaker::Endpoint", name, {"EndpointName": name, "EndpointConfigName": config_name})
        schedules = reader.call("sagemaker", "list_monitoring_schedules", EndpointName=name)
        for item in schedules.get("MonitoringScheduleSummaries") or [] if schedules.ok else []:
            schedule = reader.call("sagemaker", "describe_monitoring_schedule", MonitoringScheduleName=item["MonitoringScheduleName"])
            config = schedule.get("MonitoringScheduleConfig") or {}
            job_name = config.get("MonitoringJobDefinitionName") if isinstance(config, dict) else None
            if isinstance(job_name, str):
                job = reader.call("sagemaker", "describe_data_quality_job_definition", JobDefinitionName=job_name)
                if job.ok:
                    reader.add("AWS::SageMaker::DataQualityJobDefinition", job_name, {"JobDefinitionName": job_name,
                               **{k: job.response.get(k) for k in ("DataQualityBaselineConfig", "NetworkConfig",
                                                                   "DataQualityJobOutputConfig", "JobResources")}})
            reader.add("AWS::SageMaker::MonitoringSchedule", item["MonitoringScheduleName"], {
                "EndpointName": name, "MonitoringScheduleStatus": schedule.get("MonitoringScheduleStatus"),
                "MonitoringScheduleConfig": {"MonitoringType": config.get("MonitoringType") if isinstance(config, dict) else config,
                                             "MonitoringJobDefinitionName": job_name,
                                             "ScheduleConfig": config.get("ScheduleConfig") if isinstance(config, dict) else None}})
        found.append(endpoint)
    return found

"""The regulated US account's AI resources as the GenAI and Compute stacks deploy them, added to the
account tests/test_iq_workloads.py's ``workloads`` fixture builds: invocation logging to a locked
bucket and a log group, the guardrail (KMS key, published version), the model card, Macie with its
discovery job and forwarding rule, the approval gate with its two rules, and both evaluation functions.

moto has no ListGuardrails/GetGuardrail and no Macie classification jobs: those answer from
``state`` (StubbedAiSession), in the shapes of the Bedrock and Macie API references; everything else
is moto's."""

from __future__ import annotations

import copy
import json

from gxp_landing_zone.controls.ai._functions import APPROVAL_HANDLER, BEDROCK_EVALUATION_HANDLER, PACKAGE_EVALUATION_HANDLER
from gxp_landing_zone.controls.ai.training_data_discovery import required_buckets
from gxp_landing_zone.controls.context import ControlContext
from tests.test_iq_records_service import ROLE_TAGS, _zip

REGION = "us-east-1"
GUARDRAIL_ID = "gxpguard01"
AI_IQ = {f"GXP-AI-{i:02d}" for i in range(1, 12)} - {"GXP-AI-09"}  # GXP-AI-09 judges SCPs: tests/test_iq.py
ENDPOINT = "target-scoring"
INVOKE = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]


class _Answering:
    """A client whose listed operations answer from the state; the rest are moto's."""

    def __init__(self, client, answers: dict):
        self._client, self._answers = client, answers

    def __getattr__(self, operation):
        if operation in self._answers:
            return lambda **params: copy.deepcopy(self._answers[operation](**params))
        return getattr(self._client, operation)


class StubbedAiSession:
    def __init__(self, session, state: dict):
        self._session, self.state, self.region_name = session, state, session.region_name

    def client(self, service, **kwargs):
        client = self._session.client(service, **kwargs)
        if service == "bedrock":
            return _Answering(client, {"list_guardrails": self._guardrails, "get_guardrail": self._guardrail})
        if service == "sagemaker":
            return _Answering(client, self._endpoint_answers())
        if service == "macie2":
            jobs = self.state["macie_jobs"]
            return _Answering(client, {
                "list_classification_jobs": lambda **_: {"items": [
                    {"jobId": j["jobId"], "name": j["name"], "jobStatus": j["jobStatus"]} for j in jobs]},
                "describe_classification_job": lambda jobId: next(j for j in jobs if j["jobId"] == jobId)})
        return client

    def _endpoint_answers(self) -> dict:
        """The served endpoint, its configuration and monitoring; moto has no monitoring schedules."""
        e = self.state["endpoint"]
        return {
            "list_endpoints": lambda **_: {"Endpoints": [{"EndpointName": e["name"], "EndpointStatus": "InService"}]},
            "describe_endpoint": lambda EndpointName: {"EndpointName": EndpointName, "EndpointConfigName": f"{EndpointName}-config"},
            "describe_endpoint_config": lambda EndpointConfigName: {"EndpointConfigName": EndpointConfigName,
                                                                    "DataCaptureConfig": e["capture"]},
            "list_monitoring_schedules": lambda EndpointName: {"MonitoringScheduleSummaries": [
                {"MonitoringScheduleName": f"{EndpointName}-data-quality", "MonitoringScheduleStatus": e["schedule"]["status"]}]},
            "describe_monitoring_schedule": lambda MonitoringScheduleName: {
                "MonitoringScheduleName": MonitoringScheduleName, "MonitoringScheduleStatus": e["schedule"]["status"],
                "MonitoringScheduleConfig": {"MonitoringType": e["schedule"]["type"],
                                             "MonitoringJobDefinitionName": f"{e['name']}-data-quality",
                                             "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"}}},
            "describe_data_quality_job_definition": lambda JobDefinitionName: {"JobDefinitionName": JobDefinitionName, **e["job"]},
        }

    def _guardrails(self, guardrailIdentifier=None, **_):
        g = self.state["guardrail"]
        summary = {"id": g["guardrailId"], "arn": g["guardrailArn"], "name": g["name"], "status": "READY"}
        if guardrailIdentifier is None:
            return {"guardrails": [{**summary, "version": "DRAFT"}]}
        return {"guardrails": [{**summary, "version": v} for v in ["DRAFT", *self.state["guardrail_versions"]]]}

    def _guardrail(self, guardrailIdentifier, guardrailVersion="DRAFT"):
        return {**self.state["guardrail"], "version": guardrailVersion}

    def get_credentials(self):
        return self._session.get_credentials()

    def __getattr__(self, name):
        return getattr(self._session, name)


def _locked_bucket(s3, name: str, days: int) -> None:
    # The governance fixture made the estate's buckets plain; the GenAI stack makes these two locked.
    if name in {b["Name"] for b in s3.list_buckets()["Buckets"]}:
        s3.delete_bucket(Bucket=name)
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": days}}})


def _function(session, account_id: str, role_name: str, handler: str, environment: dict, statements: list[dict]) -> str:
    iam = session.client("iam")
    iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    iam.put_role_policy(RoleName=role_name, PolicyName="Function", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))
    return session.client("lambda").create_function(
        FunctionName=f"{role_name}-fn", Runtime="python3.12", Role=f"arn:aws:iam::{account_id}:role/{role_name}",
        Handler=handler, Code={"ZipFile": _zip()}, Environment={"Variables": environment}, Tags=ROLE_TAGS)["FunctionArn"]


def _thresholds(bounds: dict) -> str:
    return json.dumps({k: v.model_dump(exclude_none=True) for k, v in bounds.items()}, sort_keys=True)


def _record_location(config, names, account_id: str, record_class_name: str) -> tuple[str, str]:
    record_class = config.signatures.record_classes[record_class_name]
    return names.records_bucket(record_class.data_class, account_id, REGION), record_class.key_prefix


def build_ai(session, config, names, account_id: str, compute_key_arn: str) -> StubbedAiSession:
    genai, ml = config.genai, config.ml
    s3, kms, logs = session.client("s3"), session.client("kms"), session.client("logs")
    existing = {a["AliasName"]: a.get("TargetKeyId") for a in kms.list_aliases()["Aliases"]}
    if names.genai_key_alias() in existing:  # made by the governance fixture, with the ManagedKey policy
        key = kms.describe_key(KeyId=existing[names.genai_key_alias()])["KeyMetadata"]
    else:
        key = kms.create_key(Description="Encrypts prompts, outputs, evaluation evidence and the guardrail")["KeyMetadata"]
        kms.create_alias(AliasName=names.genai_key_alias(), TargetKeyId=key["KeyId"])
        kms.enable_key_rotation(KeyId=key["KeyId"])
    policy = genai.guardrail
    state = {
        "guardrail": {
            "name": names.genai_guardrail(), "guardrailId": GUARDRAIL_ID,
            "guardrailArn": f"arn:aws:bedrock:{REGION}:{account_id}:guardrail/{GUARDRAIL_ID}", "kmsKeyArn": key["Arn"],
            "sensitiveInformationPolicy": {"piiEntities": [{"type": t, "action": a} for t, a in policy.pii_entities.items()]},
            "contentPolicy": {"filters": [{"type": "PROMPT_ATTACK", "inputStrength": policy.prompt_attack_strength,
                                           "outputStrength": "NONE"}]},
            "contextualGroundingPolicy": {"filters": [{"type": "GROUNDING", "threshold": policy.grounding_threshold},
                                                      {"type": "RELEVANCE", "threshold": policy.relevance_threshold}]},
            "topicPolicy": {"topics": [{"name": t.name, "definition": t.definition, "type": "DENY"} for t in policy.denied_topics]},
        },
        "guardrail_versions": ["1"],
    }

    # Invocation logging: a locked bucket and a log group (GXP-AI-01).
    log_bucket, log_group = names.genai_log_bucket(account_id, REGION), names.genai_invocation_log_group()
    _locked_bucket(s3, log_bucket, genai.days)
    if not logs.describe_log_groups(logGroupNamePrefix=log_group)["logGroups"]:
        logs.create_log_group(logGroupName=log_group, kmsKeyId=key["Arn"], tags=ROLE_TAGS)
    session.client("bedrock").put_model_invocation_logging_configuration(loggingConfig={
        "s3Config": {"bucketName": log_bucket, "keyPrefix": "invocations/"},
        "cloudWatchConfig": {"logGroupName": log_group, "roleArn": f"arn:aws:iam::{account_id}:role/bedrock-logs",
                             "largeDataDeliveryS3Config": {"bucketName": log_bucket, "keyPrefix": "large-data/"}},
        "textDataDeliveryEnabled": True, "imageDataDeliveryEnabled": True, "embeddingDataDeliveryEnabled": True})

    # The model card (GXP-AI-07).
    card = ml.model_card
    session.client("sagemaker").create_model_card(
        ModelCardName=names.model_card(), ModelCardStatus="PendingReview", SecurityConfig={"KmsKeyId": compute_key_arn},
        Content=json.dumps({
            "model_overview": {"model_name": names.model_package_group, "model_owner": card.owner},
            "intended_uses": {"intended_uses": card.intended_use, "risk_rating": card.risk_rating},
            "training_details": {"training_observations": "Training reads the ML artifact bucket's training-data/ prefix"},
            "evaluation_details": [{"name": "Release criteria", "evaluation_observation": "auc >= 0.85"}]}))

    # Macie: the session, a daily job over every bucket training reads, findings forwarded (GXP-AI-08).
    session.client("macie2").enable_macie()
    ctx = ControlContext.from_config(config)
    state["macie_jobs"] = [{"jobId": "job1", "name": "gxp-training-data-82a6bb133ad1", "jobStatus": "RUNNING",
                            "scheduleFrequency": {"dailySchedule": {}},
                            "s3JobDefinition": {"bucketDefinitions": [
                                {"accountId": account_id, "buckets": sorted(required_buckets(ctx, account_id, REGION))}]}}]
    events = session.client("events")
    events.put_rule(Name="Compute-MacieFindings", State="ENABLED",
                    EventPattern=json.dumps({"source": ["aws.macie"], "detail-type": ["Macie Finding"]}))
    events.put_targets(Rule="Compute-MacieFindings", Targets=[
        {"Id": "AuditBus", "Arn": names.audit_bus_arn(), "RoleArn": f"arn:aws:iam::{account_id}:role/governance-sender"}])

    # The approval gate and its rules (GXP-AI-06).
    group = names.model_package_group
    packages = f"arn:aws:sagemaker:{REGION}:{account_id}:model-package/{group}/*"
    bucket, prefix = _record_location(config, names, account_id, ml.record_class)
    gate = _function(session, account_id, names.signature_role_name("approval", REGION), APPROVAL_HANDLER,
                     {"RELEASE_MEANING": ml.meaning, "EVALUATION_LOCATION": f"{bucket}/{prefix}", "MODEL_PACKAGE_GROUP": group},
                     [{"Effect": "Allow", "Action": ["sagemaker:DescribeModelPackage", "sagemaker:UpdateModelPackage"],
                       "Resource": packages}])
    events.put_rule(Name="Compute-ApprovalChanges", State="ENABLED", EventPattern=json.dumps({
        "source": ["aws.sagemaker"], "detail-type": ["SageMaker Model Package State Change"],
        "detail": {"ModelPackageGroupName": [group]}}))
    events.put_targets(Rule="Compute-ApprovalChanges", Targets=[{"Id": "Gate", "Arn": gate}])
    events.put_rule(Name="Compute-ApprovalSweep", State="ENABLED", ScheduleExpression="rate(1 hour)")
    events.put_targets(Rule="Compute-ApprovalSweep", Targets=[{"Id": "Gate", "Arn": gate, "Input": '{"sweep":true}'}])

    # The evaluation functions (GXP-AI-10): the model versions' recorder and the Bedrock evaluation.
    _function(session, account_id, names.ml_role_name("evaluate", REGION), PACKAGE_EVALUATION_HANDLER,
              {"RECORD_BUCKET": bucket, "RECORD_PREFIX": prefix, "THRESHOLDS": _thresholds(ml.thresholds)},
              [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/{prefix}*"}])
    held_out = names.genai_evaluation_bucket(account_id, REGION)
    _locked_bucket(s3, held_out, genai.days)
    bucket, prefix = _record_location(config, names, account_id, genai.evaluation.record_class)
    _function(session, account_id, names.genai_role_name("evaluate", REGION), BEDROCK_EVALUATION_HANDLER,
              {"DATASET_BUCKET": held_out, "DATASET_PREFIX": "held-out/", "RECORD_BUCKET": bucket, "RECORD_PREFIX": prefix,
               "GUARDRAIL_ID": GUARDRAIL_ID, "GUARDRAIL_VERSION": "1", "THRESHOLDS": _thresholds(genai.evaluation.thresholds)},
              [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{held_out}/held-out/*"}])
    # Inference only through the guardrail (GXP-AI-03): the invoke policy as the GenAI stack writes it.
    state["invoke_policy"] = session.client("iam").create_policy(
        PolicyName=names.genai_invoke_policy(), PolicyDocument=json.dumps(invoke_document(state["guardrail"]["guardrailArn"],
                                                                                          account_id, config)))["Policy"]["Arn"]

    # Bedrock's interface endpoints in the workload VPC (GXP-AI-04).
    ec2 = session.client("ec2")
    vpc = next(v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault"))
    for service, document in endpoint_policies(config, account_id).items():
        ec2.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.{service}",
                                PrivateDnsEnabled=True, PolicyDocument=json.dumps(document))

    # Misuse signals (GXP-AI-05): a filter and an alarm per signal, alarms forwarded to the audit bus.
    cloudwatch = session.client("cloudwatch")
    for metric, pattern in (("SensitiveDataDetected", '?"sensitiveInformationPolicy" ?"piiEntities"'),
                            ("PromptAttackDetected", '"PROMPT_ATTACK"')):
        logs.put_metric_filter(logGroupName=log_group, filterName=metric, filterPattern=pattern, metricTransformations=[
            {"metricNamespace": "GxP/GenAI", "metricName": metric, "metricValue": "1"}])
        cloudwatch.put_metric_alarm(AlarmName=f"{names.genai_alarm_prefix()}{metric}", Namespace="GxP/GenAI",
                                    MetricName=metric, Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1,
                                    ComparisonOperator="GreaterThanOrEqualToThreshold", ActionsEnabled=True)
    events.put_rule(Name="GenAI-MisuseAlarms", State="ENABLED", EventPattern=json.dumps({
        "source": ["aws.cloudwatch"], "detail-type": ["CloudWatch Alarm State Change"],
        "detail": {"alarmName": [{"prefix": names.genai_alarm_prefix()}], "state": {"value": ["ALARM"]}}}))
    events.put_targets(Rule="GenAI-MisuseAlarms", Targets=[
        {"Id": "AuditBus", "Arn": names.audit_bus_arn(), "RoleArn": f"arn:aws:iam::{account_id}:role/genai-sender"}])

    # A served model version, capturing traffic and watched for data quality (GXP-AI-11).
    state["endpoint"] = {
        "name": ENDPOINT, "capture": {"EnableCapture": True, "KmsKeyId": compute_key_arn},
        "schedule": {"status": "Scheduled", "type": "DataQuality"},
        "job": {"DataQualityBaselineConfig": {"ConstraintsResource": {"S3Uri": "s3://artifacts/baselines/v3/constraints.json"},
                                              "StatisticsResource": {"S3Uri": "s3://artifacts/baselines/v3/statistics.json"}},
                "NetworkConfig": {"EnableNetworkIsolation": True},
                "DataQualityJobOutputConfig": {"KmsKeyId": compute_key_arn},
                "JobResources": {"ClusterConfig": {"VolumeKmsKeyId": compute_key_arn}}},
    }
    return StubbedAiSession(session, state)


def invoke_document(guardrail_arn: str, account_id: str, config) -> dict:
    """The GenAI stack's inference policy with CloudFormation's values filled in (version 1 published)."""
    from gxp_landing_zone.config import bedrock_catalog as catalog

    settings, version = config.genai.accounts["regulated-us"], f"{guardrail_arn}:1"
    profiles = [f"arn:aws:bedrock:{REGION}:{account_id}:inference-profile/{p}" for p in settings.inference_profiles]
    statements = [{"Sid": "InvokeAllowedModelsThroughTheGuardrail", "Effect": "Allow", "Action": INVOKE,
                   "Resource": profiles + [f"arn:aws:bedrock:{REGION}::foundation-model/{m}" for m in settings.models],
                   "Condition": {"StringEquals": {"bedrock:GuardrailIdentifier": version}}}]
    for index, (arn, profile_id) in enumerate(zip(profiles, settings.inference_profiles)):
        profile = catalog.PROFILES[profile_id]
        statements.append({"Sid": f"ProfileDestinations{index}", "Effect": "Allow", "Action": INVOKE,
                           "Resource": [f"arn:aws:bedrock:{d}::foundation-model/{profile.model}" for d in sorted(profile.destinations)],
                           "Condition": {"StringEquals": {"bedrock:GuardrailIdentifier": version,
                                                          "bedrock:InferenceProfileArn": arn}}})
    statements += [
        {"Sid": "ApplyTheGuardrail", "Effect": "Allow", "Action": "bedrock:ApplyGuardrail", "Resource": guardrail_arn},
        {"Sid": "DenyInferenceWithoutTheGuardrail", "Effect": "Deny", "Action": INVOKE, "Resource": "*",
         "Condition": {"StringNotEquals": {"bedrock:GuardrailIdentifier": version}}},
    ]
    return {"Version": "2012-10-17", "Statement": statements}


def endpoint_policies(config, account_id: str) -> dict:
    """bedrock-runtime: inference on the configured ARNs by the account's principals; bedrock: read-only."""
    from gxp_landing_zone.controls.ai._helpers import inference_arns

    ctx = ControlContext.from_config(config)
    mine = {"StringEquals": {"aws:PrincipalAccount": account_id}}
    return {
        "bedrock-runtime": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": [*INVOKE, "bedrock:ApplyGuardrail"], "Condition": mine,
            "Resource": sorted(inference_arns(ctx, account_id, REGION)) + [f"arn:aws:bedrock:{REGION}:{account_id}:guardrail/*"]}]},
        "bedrock": {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": ["bedrock:Get*", "bedrock:List*"], "Resource": "*", "Condition": mine}]},
    }

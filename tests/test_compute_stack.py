"""The compute stacks of the reference estate: isolated regulated networks, Spot-first Batch,
checkpointing. Reads the session's synthesized templates."""

from __future__ import annotations

import pytest

from gxp_landing_zone.constructs.spot_first_batch import RETRY_ON_STATUS_REASONS
from gxp_landing_zone.stacks.base import stack_id

INTERNET = {"AWS::EC2::InternetGateway", "AWS::EC2::NatGateway", "AWS::EC2::EgressOnlyInternetGateway", "AWS::EC2::VPCGatewayAttachment"}


def _of(template, cfn_type):
    return {k: r for k, r in template["Resources"].items() if r["Type"] == cfn_type}


def _compute(templates, config, role):
    account = config.account(role)
    return templates[stack_id("Compute", account, config.workload_regions(account)[0])]


@pytest.mark.parametrize("role", ["regulated-us", "regulated-eu", "regulated-jp"])
def test_regulated_network_has_no_internet_path(templates, reference_config, role):
    template = _compute(templates, reference_config, role)
    assert not [r for r in template["Resources"].values() if r["Type"] in INTERNET]
    assert not _of(template, "AWS::EC2::Route"), "isolated subnets have only the local route (and S3 gateway)"
    for subnet in _of(template, "AWS::EC2::Subnet").values():
        assert subnet["Properties"].get("MapPublicIpOnLaunch") is not True


def test_research_may_have_nat_but_instances_stay_private(templates, reference_config):
    template = _compute(templates, reference_config, "research")
    assert len(_of(template, "AWS::EC2::NatGateway")) == 1
    for subnet in _of(template, "AWS::EC2::Subnet").values():
        assert subnet["Properties"].get("MapPublicIpOnLaunch") is not True


def test_endpoints_for_every_service_the_workloads_call(templates, reference_config):
    template = _compute(templates, reference_config, "regulated-us")
    names = set()
    for endpoint in _of(template, "AWS::EC2::VPCEndpoint").values():
        service = endpoint["Properties"]["ServiceName"]
        names.add(service if isinstance(service, str) else str(service))
    for expected in ("ecr.api", "ecr.dkr", "logs", "sts", "sagemaker.api", "sagemaker.runtime", "batch", "kms", "omics", "s3", "ecs-agent"):
        assert any(expected in n for n in names), (expected, names)


def test_flow_logs_all_traffic_to_encrypted_group(templates, reference_config):
    template = _compute(templates, reference_config, "regulated-eu")
    (flow_log,) = _of(template, "AWS::EC2::FlowLog").values()
    assert flow_log["Properties"]["TrafficType"] == "ALL"
    for group in _of(template, "AWS::Logs::LogGroup").values():
        assert group["Properties"]["KmsKeyId"]
        assert group["Properties"]["RetentionInDays"] >= reference_config.audit_log.cloudwatch_retention_days


def test_tokyo_uses_zones_open_to_new_accounts(templates, reference_config):
    template = _compute(templates, reference_config, "regulated-jp")
    zones = {s["Properties"]["AvailabilityZone"] for s in _of(template, "AWS::EC2::Subnet").values()}
    assert zones == {"ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"}


def test_compute_environments_spot_first(templates, reference_config):
    settings = reference_config.compute_settings(reference_config.account("regulated-us"))
    template = _compute(templates, reference_config, "regulated-us")
    environments = {k: r["Properties"]["ComputeResources"] for k, r in _of(template, "AWS::Batch::ComputeEnvironment").items()}
    spot = [c for c in environments.values() if c["Type"] == "SPOT"]
    on_demand = [c for c in environments.values() if c["Type"] == "EC2"]
    assert len(spot) == 2 and len(on_demand) == 1  # CPU Spot, GPU Spot, on-demand
    for resources in environments.values():
        assert resources["MinvCpus"] == 0
        assert "LaunchTemplate" in resources
    for resources in spot:
        assert resources["AllocationStrategy"] == "SPOT_PRICE_CAPACITY_OPTIMIZED"
    cpu_spot = next(c for c in spot if "c6i" in c["InstanceTypes"])
    assert cpu_spot["MaxvCpus"] + on_demand[0]["MaxvCpus"] == settings.max_vcpus
    assert cpu_spot["MaxvCpus"] == settings.spot_vcpus


def test_queues_spot_first_and_deadline(templates, reference_config):
    template = _compute(templates, reference_config, "regulated-us")
    environments = _of(template, "AWS::Batch::ComputeEnvironment")
    queues = {q["Properties"]["JobQueueName"]: q["Properties"] for q in _of(template, "AWS::Batch::JobQueue").values()}

    def kinds(queue):
        ordered = sorted(queue["ComputeEnvironmentOrder"], key=lambda o: o["Order"])
        return [environments[o["ComputeEnvironment"]["Fn::GetAtt"][0]]["Properties"]["ComputeResources"]["Type"] for o in ordered]

    assert kinds(queues["spot-first"]) == ["SPOT", "EC2"]
    assert kinds(queues["deadline"]) == ["EC2"]


def test_launch_templates_imdsv2_and_encrypted_volumes(templates, reference_config):
    template = _compute(templates, reference_config, "research")
    for lt in _of(template, "AWS::EC2::LaunchTemplate").values():
        data = lt["Properties"]["LaunchTemplateData"]
        assert data["MetadataOptions"]["HttpTokens"] == "required"
        for mapping in data["BlockDeviceMappings"]:
            assert mapping["Ebs"]["Encrypted"] is True and mapping["Ebs"]["KmsKeyId"]


def test_job_definitions_retry_reclaims_and_checkpoint(templates, reference_config):
    template = _compute(templates, reference_config, "regulated-us")
    for definition in _of(template, "AWS::Batch::JobDefinition").values():
        props = definition["Properties"]
        rules = props["RetryStrategy"]["EvaluateOnExit"]
        assert [r.get("OnStatusReason") for r in rules[:-1]] == list(RETRY_ON_STATUS_REASONS)
        assert rules[-1] == {"Action": "EXIT", "OnReason": "*"}
        env = {e["Name"] for e in props["ContainerProperties"]["Environment"]}
        assert {"GXP_CHECKPOINT_BUCKET", "GXP_CHECKPOINT_URI"} <= env


def test_checkpoint_bucket_expires_and_uses_the_key(templates, reference_config):
    template = _compute(templates, reference_config, "regulated-us")
    bucket = next(b for k, b in _of(template, "AWS::S3::Bucket").items() if k.startswith("CheckpointBucket"))
    assert bucket["Properties"]["LoggingConfiguration"]["DestinationBucketName"]
    rule = bucket["Properties"]["LifecycleConfiguration"]["Rules"][0]
    assert rule["ExpirationInDays"] == reference_config.compute.defaults.checkpoint_expiry_days
    sse = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert sse["SSEAlgorithm"] == "aws:kms"


def test_capacity_reservation_binds_on_demand_only(reference_config):
    from aws_cdk.assertions import Match, Template

    from gxp_landing_zone.estate import new_app
    from gxp_landing_zone.stacks.compute import ComputeStack

    data = reference_config.model_dump(mode="json")
    data["compute"]["accounts"]["regulated-us"] = {"capacity_reservation_id": "cr-0123456789abcdef0"}
    from gxp_landing_zone.config import parse_config

    config = parse_config(data)
    app = new_app()
    stack = ComputeStack(app, config=config, account=config.account("regulated-us"), region="us-east-1")
    template = Template.from_stack(stack)
    reserved = template.find_resources(
        "AWS::EC2::LaunchTemplate",
        {"Properties": {"LaunchTemplateData": {"CapacityReservationSpecification": Match.any_value()}}},
    )
    assert len(reserved) == 1 and "OnDemand" in next(iter(reserved))


def test_training_pipeline_spot_isolated_and_pending_approval(templates, reference_config):
    import json

    template = _compute(templates, reference_config, "regulated-us")
    (pipeline,) = _of(template, "AWS::SageMaker::Pipeline").values()
    body = pipeline["Properties"]["PipelineDefinition"]["PipelineDefinitionBody"]["Fn::Join"][1]
    definition = json.loads("".join(p if isinstance(p, str) else "TOKEN" for p in body))
    train = next(s["Arguments"] for s in definition["Steps"] if s["Type"] == "Training")
    register = next(s["Arguments"] for s in definition["Steps"] if s["Type"] == "RegisterModel")
    assert train["EnableManagedSpotTraining"] and train["CheckpointConfig"]["S3Uri"].startswith("s3://")
    assert train["StoppingCondition"]["MaxWaitTimeInSeconds"] >= train["StoppingCondition"]["MaxRuntimeInSeconds"]
    assert train["EnableNetworkIsolation"] and train["VpcConfig"]["Subnets"]
    assert train["ResourceConfig"]["VolumeKmsKeyId"] and train["OutputDataConfig"]["KmsKeyId"]
    assert register["ModelApprovalStatus"] == "PendingManualApproval"
    assert set(register["CustomerMetadataProperties"]) >= {"gxp:training-data-version", "gxp:training-image-digest"}
    assert len(_of(template, "AWS::SageMaker::ModelPackageGroup")) == 1


def test_execution_role_has_no_bare_wildcard_on_arn_resources(templates, reference_config):
    template = _compute(templates, reference_config, "regulated-eu")
    policies = [r for k, r in _of(template, "AWS::IAM::ManagedPolicy").items() if k.startswith("ModelTraining")]
    for statement in policies[0]["Properties"]["PolicyDocument"]["Statement"]:
        if statement["Resource"] == "*":
            assert all(a.startswith(("ec2:", "ecr:GetAuthorizationToken")) for a in statement["Action"]), statement


def test_genomics_stores_run_group_and_status_events(templates, reference_config):
    settings = reference_config.compute_settings(reference_config.account("regulated-eu"))
    template = _compute(templates, reference_config, "regulated-eu")
    for cfn_type in ("AWS::Omics::SequenceStore", "AWS::Omics::ReferenceStore"):
        (store,) = _of(template, cfn_type).values()
        assert store["Properties"]["SseConfig"]["Type"] == "KMS"
    (group,) = _of(template, "AWS::Omics::RunGroup").values()
    assert group["Properties"]["MaxCpus"] == settings.omics_max_cpus
    assert group["Properties"]["MaxRuns"] == settings.omics_max_runs
    assert group["Properties"]["MaxDuration"] == settings.omics_max_duration_minutes
    (workflow,) = _of(template, "AWS::Omics::Workflow").values()
    assert workflow["Properties"]["Engine"] == "WDL"
    rules = [r["Properties"] for r in _of(template, "AWS::Events::Rule").values()]
    forward = next(r for r in rules if r["EventPattern"]["source"] == ["aws.omics"])
    assert forward["Targets"][0]["Arn"].endswith(":event-bus/gxp-compliance-events")


def test_no_genomics_where_healthomics_does_not_run(templates, reference_config):
    from gxp_landing_zone.stacks.compute import OMICS_REGIONS

    assert "ap-northeast-1" not in OMICS_REGIONS
    template = _compute(templates, reference_config, "regulated-jp")
    assert not [r for r in template["Resources"].values() if r["Type"].startswith("AWS::Omics::")]


def test_report_states_spot_share_cost_and_boundary(synthesized, reference_config):
    import json

    report = json.loads((synthesized.outdir / "compliance" / "compute.json").read_text())
    by_account = {c["account"]: c for c in report["capacity"]}
    assert by_account["regulated-us"]["designed_spot_share_percent"] == 79.7  # 204 of 256 vCPUs
    cost = by_account["research"]["monthly_cost_usd"]
    assert cost["low"] < cost["designed"] < cost["high"]
    assert report["prices"]["as_of"] == str(reference_config.compute.prices.as_of)
    inside = {b["stack"]: b["inside_validation_boundary"] for b in report["boundary"]}
    assert inside["Compute-regulated-eu-eu-central-1"] is True
    assert inside["Compute-research-us-east-1"] is False
    assert "GXP-NET-02" in report["regulated_only_controls"]
    markdown = (synthesized.outdir / "compliance" / "compute.md").read_text()
    assert "designed Spot share" in markdown and "Validation boundary" in markdown


def test_report_projects_bedrock_cost_next_to_compute(synthesized):
    import json

    report = json.loads((synthesized.outdir / "compliance" / "compute.json").read_text())
    by_account = {c["account"]: c for c in report["capacity"]}
    # 40M in / 8M out through the US profile at 3.3 / 16.5 USD per million, and 200M embedding tokens at 0.02.
    assert by_account["regulated-us"]["bedrock_monthly_usd"] == 264.0 + 4.0
    assert by_account["regulated-jp"]["bedrock_monthly_usd"] is None  # no Bedrock allowed there
    assert report["bedrock"]["as_of"] and report["bedrock"]["source"].startswith("https://aws.amazon.com/bedrock/pricing/")
    markdown = (synthesized.outdir / "compliance" / "compute.md").read_text()
    assert "Bedrock: projected monthly cost" in markdown and "| **regulated-us** | **total** | | | | **$268** |" in markdown


def test_a_volume_without_a_price_is_shown_unpriced_not_free(reference_config):
    from gxp_landing_zone.config.genai import TokenVolume
    from gxp_landing_zone.validation.bedrock_cost import bedrock_cost, bedrock_markdown

    genai = reference_config.genai
    research = genai.accounts["research"]
    tokens = {**research.monthly_tokens, "unlisted.model-v1:0": TokenVolume(input_tokens=1_000_000)}
    accounts = {**genai.accounts, "research": research.model_copy(update={"monthly_tokens": tokens})}
    config = reference_config.model_copy(update={"genai": genai.model_copy(update={"accounts": accounts})})
    (research_cost,) = [a for a in bedrock_cost(config)["accounts"] if a["account"] == "research"]
    assert research_cost["unpriced"] == ["unlisted.model-v1:0"] and research_cost["monthly_usd"] == 600.0
    assert "(not counted: unlisted.model-v1:0)" in "\n".join(bedrock_markdown(bedrock_cost(config)))
    assert bedrock_cost(reference_config.model_copy(update={"genai": None})) is None

"""IQ checks: Discovery compute beyond the network basics: instance settings of the Batch fleets, SageMaker pipelines and HealthOmics stores and run groups.

Registered with ``iq_check`` from checks.py, which imports this module at its end.

Each check reads what stacks/compute.py deployed in a workload account's workload region, and only
where the config turns compute on (``_runs_compute``):

- the Batch fleet (constructs/spot_first_batch.py) is found by the ``gxp:account-role`` tag every
  GxpStack puts on its compute environments; their launch templates are untagged, so they are read
  through the environments that name them, at the version the environment runs;
- the training pipeline (constructs/ml_pipeline.py) and the HealthOmics stores and run group
  (constructs/genomics.py) by the names the stack gives them (naming.py).

The pipeline checks read the deployed PipelineDefinition with the same judgement as the synthesis
rules (rules/sagemaker.py); where the rule can only see that a key or subnet is named, the deployed
state shows which key and which VPC, and the checks say so in their expected text."""

from __future__ import annotations

import json

from ...constructs.ml_pipeline import CHECKPOINT_PREFIX as TRAINING_CHECKPOINT_PREFIX
from ...stacks.compute import OMICS_REGIONS
from ..rules.sagemaker import LINEAGE_KEYS
from .checks import (
    REGULATED,
    WORKLOADS,
    CheckResult,
    _pick,
    _runs_compute,
    _tagged_for,
    _this_account,
    _workload_vpcs,
    call,
    iq_check,
    result,
)

# WORKLOADS: regulated and research accounts, as build_estate places ComputeStack. GXP-ML-01/02 are
# boundary="regulated" controls, so they run in REGULATED accounts only.

# Every control of this area has a deployed-state check.
NO_DEPLOYED_STATE_CHECK: dict[str, str] = {}

NOT_A_TAGGED_FLEET = "no EC2 or Spot Batch compute environment tagged gxp:account-role"


# -- Batch fleet: compute environments and the launch templates their instances start from --------


def _fleet(session, config) -> tuple[list[dict], str | None]:
    """The estate's EC2 and Spot compute environments. Fargate environments have no instances, so
    (as in rules/ec2.py) the instance controls do not apply to them."""
    account = _this_account(session, config)
    batch = session.client("batch")
    resp, err = call(lambda: batch.get_paginator("describe_compute_environments").paginate().build_full_result())
    envs = [
        e
        for e in (resp or {}).get("computeEnvironments", [])
        if _tagged_for(e.get("tags") or {}, account) and (e.get("computeResources") or {}).get("type") in ("EC2", "SPOT")
    ]
    return envs, err


def _template_specs(env: dict) -> list[dict]:
    """Every launch template an environment's instances may start from: its own, and any
    per-instance-type override."""
    spec = (env.get("computeResources") or {}).get("launchTemplate") or {}
    if not spec:
        return []
    return [spec, *spec.get("overrides", [])]


def _template_versions(session, env: dict) -> tuple[list[dict], list[str]]:
    """(launch template versions the environment runs, errors). A spec without a version runs the
    template's default version, as Batch does."""
    ec2 = session.client("ec2")
    versions, errors = [], []
    for spec in _template_specs(env):
        if spec.get("launchTemplateId"):
            ident = {"LaunchTemplateId": spec["launchTemplateId"]}
        elif spec.get("launchTemplateName"):
            ident = {"LaunchTemplateName": spec["launchTemplateName"]}
        else:
            errors.append(f"launch template named by neither id nor name: {spec}")
            continue
        version = str(spec.get("version") or "$Default")
        resp, err = call(ec2.describe_launch_template_versions, **ident, Versions=[version])
        found = (resp or {}).get("LaunchTemplateVersions", [])
        if err or not found:
            errors.append(err or f"no version {version} of {next(iter(ident.values()))}")
        versions.extend(found)
    return versions, errors


def _template_name(version: dict) -> str:
    return f"{version.get('LaunchTemplateId')} v{version.get('VersionNumber')}"


def _fleet_results(session, config, control_id: str, expected: str, judge) -> list[CheckResult]:
    envs, err = _fleet(session, config)
    if err or not envs:
        return [result(control_id, "Batch compute environments", expected, err or NOT_A_TAGGED_FLEET, False)]
    out = []
    for env in envs:
        versions, errors = _template_versions(session, env)
        observed, ok = judge(env, versions, errors)
        out.append(result(control_id, env["computeEnvironmentName"], expected, observed, ok))
    return out


@iq_check("GXP-NET-03", WORKLOADS, regions="workload")
def check_compute_no_public_ips(session, config, names) -> list[CheckResult]:
    if not _runs_compute(session, config):
        return []
    ec2 = session.client("ec2")

    def judge(env, versions, errors):
        subnet_ids = [s for s in env["computeResources"].get("subnets", []) if isinstance(s, str)]
        # A subnet the API cannot show is not proven private (as in rules/ec2.py).
        resp, err = call(ec2.describe_subnets, SubnetIds=subnet_ids) if subnet_ids else (None, "no subnets")
        subnets = {s["SubnetId"]: s.get("MapPublicIpOnLaunch") for s in (resp or {}).get("Subnets", [])}
        asks = {
            _template_name(v): [
                i.get("AssociatePublicIpAddress") for i in v.get("LaunchTemplateData", {}).get("NetworkInterfaces", [])
            ]
            for v in versions
        }
        observed = {"MapPublicIpOnLaunch": err or subnets, "template AssociatePublicIpAddress": asks}
        if errors:
            observed["template errors"] = errors
        private = not err and set(subnets) == set(subnet_ids) and not any(v is not False for v in subnets.values())
        ok = private and not errors and not any(a is True for ask in asks.values() for a in ask)
        return observed, ok

    expected = "every subnet MapPublicIpOnLaunch false; no launch template network interface AssociatePublicIpAddress true"
    return _fleet_results(session, config, "GXP-NET-03", expected, judge)


@iq_check("GXP-EC2-01", WORKLOADS, regions="workload")
def check_compute_imdsv2(session, config, names) -> list[CheckResult]:
    if not _runs_compute(session, config):
        return []

    def judge(env, versions, errors):
        tokens = {
            _template_name(v): v.get("LaunchTemplateData", {}).get("MetadataOptions", {}).get("HttpTokens") for v in versions
        }
        observed = errors or tokens or "no launch template"
        return observed, bool(tokens) and not errors and all(t == "required" for t in tokens.values())

    return _fleet_results(session, config, "GXP-EC2-01", "launch template MetadataOptions HttpTokens required", judge)


def _key_manager(kms, key_id, cache: dict) -> str:
    """KeyManager of a key (CUSTOMER or AWS), or why it could not be read."""
    if not isinstance(key_id, str) or not key_id:
        return f"not a key: {key_id!r}"
    if key_id not in cache:
        meta, err = call(kms.describe_key, KeyId=key_id)
        cache[key_id] = err or meta["KeyMetadata"].get("KeyManager")
    return cache[key_id]


@iq_check("GXP-EC2-02", WORKLOADS, regions="workload")
def check_compute_volumes_cmk(session, config, names) -> list[CheckResult]:
    if not _runs_compute(session, config):
        return []
    kms, managers = session.client("kms"), {}

    def judge(env, versions, errors):
        volumes = {}
        for v in versions:
            for m in v.get("LaunchTemplateData", {}).get("BlockDeviceMappings", []):
                if "Ebs" in m:
                    ebs = m["Ebs"]
                    key = ebs.get("KmsKeyId")
                    volumes[f"{_template_name(v)} {m.get('DeviceName')}"] = {
                        "Encrypted": ebs.get("Encrypted"),
                        "KeyManager": _key_manager(kms, key, managers) if key else "no KmsKeyId",
                    }
        # Without an EBS mapping the root volume follows the AMI and the account default: not proven.
        ok = (
            bool(volumes)
            and not errors
            and all(vol["Encrypted"] is True and vol["KeyManager"] == "CUSTOMER" for vol in volumes.values())
        )
        return errors or volumes or "no EBS block device mapping in the launch template", ok

    expected = "every launch template EBS mapping Encrypted true with a KmsKeyId whose KeyManager is CUSTOMER"
    return _fleet_results(session, config, "GXP-EC2-02", expected, judge)


# -- SageMaker training pipeline (constructs/ml_pipeline.py) ---------------------------------------


def _pipeline(session, names) -> tuple[dict | None, str | None]:
    """The deployed definition of the estate's training pipeline, parsed."""
    sagemaker = session.client("sagemaker")
    name = names.model_package_group  # the stack names the pipeline after its model package group
    listed, err = call(sagemaker.list_pipelines, PipelineNamePrefix=name)
    if err:
        return None, err
    if not any(p.get("PipelineName") == name for p in listed.get("PipelineSummaries", [])):
        return None, f"no pipeline named {name}"
    described, err = call(sagemaker.describe_pipeline, PipelineName=name)
    if err:
        return None, err
    try:
        return json.loads(described.get("PipelineDefinition") or ""), None
    except ValueError:
        return None, "PipelineDefinition is not JSON"


def _steps(definition: dict, kind: str) -> list[tuple[str, dict]]:
    return [(s.get("Name", "?"), s.get("Arguments") or {}) for s in definition.get("Steps") or [] if s.get("Type") == kind]


def _pipeline_results(session, names, control_id: str, kind: str, expected: str, judge) -> list[CheckResult]:
    name = names.model_package_group
    definition, err = _pipeline(session, names)
    steps = _steps(definition, kind) if definition is not None else []
    # The stack deploys one step of each kind; a pipeline without it is not the one installed.
    if err or not steps:
        return [result(control_id, name, expected, err or f"no {kind} step", False)]
    out = []
    for step, args in steps:
        observed, ok = judge(args)
        out.append(result(control_id, f"{name}/{step}", expected, observed, ok))
    return out


@iq_check("GXP-ML-01", REGULATED, regions="workload")
def check_training_isolated_and_encrypted(session, config, names) -> list[CheckResult]:
    if not _runs_compute(session, config):
        return []
    kms, ec2, managers = session.client("kms"), session.client("ec2"), {}
    vpcs, vpc_err = _workload_vpcs(session, config)

    def judge(args):
        vpc = args.get("VpcConfig") or {}
        subnet_ids = [s for s in vpc.get("Subnets") or [] if isinstance(s, str)]
        resp, err = call(ec2.describe_subnets, SubnetIds=subnet_ids) if subnet_ids else (None, "no subnets")
        in_vpcs = sorted({s["VpcId"] for s in (resp or {}).get("Subnets", [])})
        volume_key = (args.get("ResourceConfig") or {}).get("VolumeKmsKeyId")
        output_key = (args.get("OutputDataConfig") or {}).get("KmsKeyId")
        observed = {
            "EnableNetworkIsolation": args.get("EnableNetworkIsolation"),
            "subnet VPCs": err or in_vpcs,
            "tagged VPCs": vpc_err or vpcs,
            "SecurityGroupIds": len(vpc.get("SecurityGroupIds") or []),
            "VolumeKmsKeyId": _key_manager(kms, volume_key, managers),
            "OutputDataConfig.KmsKeyId": _key_manager(kms, output_key, managers),
        }
        ok = (
            args.get("EnableNetworkIsolation") is True
            and not (vpc_err or err)
            and bool(in_vpcs)
            and set(in_vpcs) <= set(vpcs)
            and bool(vpc.get("SecurityGroupIds"))
            and observed["VolumeKmsKeyId"] == "CUSTOMER"
            and observed["OutputDataConfig.KmsKeyId"] == "CUSTOMER"
        )
        return observed, ok

    expected = (
        "EnableNetworkIsolation true; subnets in the VPC tagged gxp:account-role, with security groups; "
        "VolumeKmsKeyId and output KmsKeyId customer-managed keys"
    )
    return _pipeline_results(session, names, "GXP-ML-01", "Training", expected, judge)


@iq_check("GXP-ML-02", REGULATED, regions="workload")
def check_models_await_approval(session, config, names) -> list[CheckResult]:
    if not _runs_compute(session, config):
        return []
    sagemaker = session.client("sagemaker")

    def judge(args):
        group = args.get("ModelPackageGroupName")
        described, err = (
            call(sagemaker.describe_model_package_group, ModelPackageGroupName=group)
            if isinstance(group, str) and group
            else (None, f"not a group name: {group!r}")
        )
        lineage = args.get("CustomerMetadataProperties") or {}
        observed = {
            "ModelApprovalStatus": args.get("ModelApprovalStatus"),
            "lineage keys": sorted(lineage),
            "ModelPackageGroup": err or _pick(described, "ModelPackageGroupName", "ModelPackageGroupStatus"),
        }
        ok = (
            args.get("ModelApprovalStatus") == "PendingManualApproval"
            and all(k in lineage for k in LINEAGE_KEYS)
            and not err
        )
        return observed, ok

    expected = (
        f"ModelApprovalStatus PendingManualApproval; CustomerMetadataProperties hold {list(LINEAGE_KEYS)}; "
        "the model package group exists"
    )
    return _pipeline_results(session, names, "GXP-ML-02", "RegisterModel", expected, judge)


@iq_check("GXP-ML-03", WORKLOADS, regions="workload")
def check_spot_training_checkpointed(session, config, names) -> list[CheckResult]:
    if not _runs_compute(session, config):
        return []
    account = _this_account(session, config)
    checkpoints = f"s3://{names.checkpoint_bucket(account.id, session.region_name)}/{TRAINING_CHECKPOINT_PREFIX}"

    def judge(args):
        stopping = args.get("StoppingCondition") or {}
        wait, run = stopping.get("MaxWaitTimeInSeconds"), stopping.get("MaxRuntimeInSeconds")
        uri = (args.get("CheckpointConfig") or {}).get("S3Uri")
        observed = {"EnableManagedSpotTraining": args.get("EnableManagedSpotTraining"), "CheckpointConfig.S3Uri": uri,
                    "MaxWaitTimeInSeconds": wait, "MaxRuntimeInSeconds": run}
        if not args.get("EnableManagedSpotTraining"):
            return observed, True  # on-demand training is not reclaimed: nothing to resume (as the rule)
        numbers = isinstance(wait, int) and isinstance(run, int)
        return observed, isinstance(uri, str) and uri.startswith(checkpoints) and numbers and run > 0 and wait >= run

    expected = f"managed Spot steps checkpoint under {checkpoints}; MaxWaitTimeInSeconds >= MaxRuntimeInSeconds"
    return _pipeline_results(session, names, "GXP-ML-03", "Training", expected, judge)


# -- HealthOmics (constructs/genomics.py; only in OMICS_REGIONS) --------------------------------------


def _runs_omics(session, config) -> bool:
    # The stack builds the genomics workspace only where HealthOmics runs.
    return session.region_name in OMICS_REGIONS and _runs_compute(session, config)


@iq_check("GXP-OMICS-01", WORKLOADS, regions="workload")
def check_omics_stores_cmk(session, config, names) -> list[CheckResult]:
    if not _runs_omics(session, config):
        return []
    omics, kms, managers = session.client("omics"), session.client("kms"), {}
    expected = "sseConfig type KMS with a keyArn whose KeyManager is CUSTOMER"
    out = []
    for lister, listed_key, name in (
        (omics.list_sequence_stores, "sequenceStores", f"{names.genomics_workspace}-sequences"),
        (omics.list_reference_stores, "referenceStores", f"{names.genomics_workspace}-references"),
    ):
        resp, err = call(lister, filter={"name": name})
        stores = [s for s in (resp or {}).get(listed_key, []) if s.get("name") == name]
        if err or not stores:
            out.append(result("GXP-OMICS-01", name, expected, err or f"no store named {name}", False))
            continue
        for store in stores:
            sse = store.get("sseConfig") or {}
            # Without a keyArn the store is under an AWS owned key.
            manager = _key_manager(kms, sse.get("keyArn"), managers) if sse.get("keyArn") else "no keyArn"
            observed = {**_pick(sse, "type", "keyArn"), "KeyManager": manager}
            ok = sse.get("type") == "KMS" and manager == "CUSTOMER"
            out.append(result("GXP-OMICS-01", f"{name} ({store.get('id')})", expected, observed, ok))
    return out


@iq_check("GXP-OMICS-02", WORKLOADS, regions="workload")
def check_omics_runs_bounded(session, config, names) -> list[CheckResult]:
    if not _runs_omics(session, config):
        return []
    settings = config.compute_settings(_this_account(session, config))
    # The three ceilings rules/omics.py requires, at the values the stack sets from the config.
    wanted = {"maxCpus": settings.omics_max_cpus, "maxRuns": settings.omics_max_runs,
              "maxDuration": settings.omics_max_duration_minutes}
    expected = ", ".join(f"{k} {v}" for k, v in wanted.items()) + " (the config's omics_max_*; duration in minutes)"
    name = f"{names.genomics_workspace}-runs"
    omics = session.client("omics")
    resp, err = call(omics.list_run_groups, name=name)
    groups = [g for g in (resp or {}).get("items", []) if g.get("name") == name]
    if err or not groups:
        return [result("GXP-OMICS-02", name, expected, err or f"no run group named {name}", False)]
    out = []
    for listed in groups:
        group, err = call(omics.get_run_group, id=listed["id"])
        observed = err or _pick(group, "maxCpus", "maxRuns", "maxDuration", "maxGpus")
        ok = not err and all(group.get(k) == v for k, v in wanted.items())
        out.append(result("GXP-OMICS-02", f"{name} ({listed['id']})", expected, observed, ok))
    return out

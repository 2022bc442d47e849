"""IQ for the discovery-compute services against moto: the Batch fleet's instance settings
(GXP-NET-03, GXP-EC2-01/02), the SageMaker training pipeline (GXP-ML-01..03) and the HealthOmics
workspace (GXP-OMICS-01/02), built by tests/iq_compute_services_estate.py as stacks/compute.py
deploys them, in the accounts of tests/test_iq_workloads.py's ``workloads`` fixture.

EC2, Batch, KMS and SageMaker are moto's; HealthOmics, which moto does not implement, answers from a
botocore Stubber (StubbedOmicsSession)."""

from __future__ import annotations

import copy

import boto3
import pytest

from gxp_landing_zone.controls.registry import all_controls
from gxp_landing_zone.validation.iq import run_iq
from tests.iq_compute_services_estate import (
    ALL_COMPUTE_SERVICES,
    FLEET,
    IQ_COMPUTE_SERVICES,
    add_environment,
    build_compute_services,
    edit_pipeline_steps,
    launch_template_data,
)
from tests.test_iq import REGION, failing, session_for
from tests.test_iq import fake_credentials  # noqa: F401  (autouse fixture: moto credentials)
from tests.test_iq_workloads import REGULATED, SIGNER_POOL, StubbedCognitoSession, build_compute
from tests.test_iq_workloads import _workloads_built_once, workloads  # noqa: F401  (fixtures)

RESEARCH = "research"  # us-east-1, compute on, NAT allowed


def _session_in(account_id: str, region: str) -> boto3.Session:
    frozen = session_for(account_id).get_credentials().get_frozen_credentials()
    return boto3.Session(aws_access_key_id=frozen.access_key, aws_secret_access_key=frozen.secret_key,
                         aws_session_token=frozen.token, region_name=region)


def _mine(results) -> list:
    return [r for r in results if r.control_id in ALL_COMPUTE_SERVICES]


def test_correct_compute_services_pass(workloads):
    config, names, sessions = workloads
    results = _mine(run_iq(sessions[REGULATED], config, REGULATED, REGION))
    assert {r.control_id for r in results} == IQ_COMPUTE_SERVICES[REGULATED]
    assert failing(results) == set(), [r for r in results if not r.passed]
    # Every environment of the fleet is looked at, and only the estate's pipeline, stores and run group.
    fleet = {name for name, _ in FLEET}
    for control_id in ("GXP-NET-03", "GXP-EC2-01", "GXP-EC2-02"):
        assert {r.resource for r in results if r.control_id == control_id} == fleet
    # The pipeline is the resource each pipeline control judges, all its steps at once.
    for control_id in ("GXP-ML-01", "GXP-ML-02", "GXP-ML-03"):
        assert {r.resource for r in results if r.control_id == control_id} == {"gxp-discovery-models"}
    assert {r.resource for r in results if r.control_id == "GXP-OMICS-01"} == {
        "gxp-genomics-sequences (1234567890)", "gxp-genomics-references (2345678901)"}
    assert {r.resource for r in results if r.control_id == "GXP-OMICS-02"} == {"gxp-genomics-runs (3456789)"}


def test_research_account_skips_the_regulated_pipeline_controls(workloads):
    config, names, sessions = workloads
    account_id = config.account(RESEARCH).id
    research = session_for(account_id)
    research = build_compute_services(research, config, RESEARCH, build_compute(research, RESEARCH, account_id))
    results = _mine(run_iq(research, config, RESEARCH, REGION))
    assert {r.control_id for r in results} == IQ_COMPUTE_SERVICES[RESEARCH]
    assert failing(results) == set(), [r for r in results if not r.passed]


@pytest.mark.parametrize("workloads", [False], indirect=True)
def test_nothing_deployed_is_a_failure_and_compute_off_or_no_omics_region_runs_nothing(workloads):
    config, names, sessions = workloads
    # Compute on, nothing built (no tagged fleet, no pipeline; moto's HealthOmics answers "Not yet
    # implemented"): every check reports a failure instead of raising or skipping.
    results = _mine(run_iq(session_for(config.account(RESEARCH).id), config, RESEARCH, REGION))
    assert {r.control_id for r in results} == failing(results) == IQ_COMPUTE_SERVICES[RESEARCH]
    assert all(r.observed for r in results)
    # The fixture switched compute off for the regulated account: none of these checks run there.
    assert _mine(run_iq(sessions[REGULATED], config, REGULATED, REGION)) == []
    # ap-northeast-1 has no HealthOmics, so the stack builds no genomics workspace there.
    # A regulated account also runs the signer-pool and API checks, whose Cognito and API Gateway
    # moto cannot serve here: an empty API Gateway answers (those checks fail, and are not ours).
    from tests.test_iq_records_service import StubbedApiSession

    jp = StubbedApiSession(StubbedCognitoSession(
        _session_in(config.account("regulated-jp").id, "ap-northeast-1"), copy.deepcopy(SIGNER_POOL)), [])
    results = _mine(run_iq(jp, config, "regulated-jp", "ap-northeast-1"))
    assert {r.control_id for r in results} == ALL_COMPUTE_SERVICES - {"GXP-OMICS-01", "GXP-OMICS-02"}


def test_every_compute_service_control_has_a_deployed_state_check():
    with_check = {c.id for c in all_controls() if c.deployed.accounts}
    assert ALL_COMPUTE_SERVICES <= with_check

def _extra_environment(c, s, name, **template_changes):
    """A further tagged on-demand environment (not Spot, so GXP-BATCH-01 does not judge it) whose
    launch template differs from the stack's by ``template_changes``."""
    data = launch_template_data(s["compute"]["key_arn"])
    for key, value in template_changes.items():
        data[key] = value
    add_environment(s[REGULATED], c, REGULATED, s["compute"], name, "EC2", data)


def _ebs(s, **changes):
    ebs = launch_template_data(s["compute"]["key_arn"])["BlockDeviceMappings"][0]["Ebs"]
    ebs.update(changes)
    return [{"DeviceName": "/dev/xvda", "Ebs": {k: v for k, v in ebs.items() if v is not None}}]


def _default_vpc_subnet(s):
    ec2 = s[REGULATED].client("ec2")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    return ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"]


def _train(n, s, edit):
    edit_pipeline_steps(s[REGULATED], n, "Training", edit)


def _register(n, s, edit):
    edit_pipeline_steps(s[REGULATED], n, "RegisterModel", edit)


def _omics(s):
    return s[REGULATED].omics


BREAKS = {
    "compute subnet maps public IPs": (REGULATED, "GXP-NET-03", lambda c, n, s: s[REGULATED].client(
        "ec2").modify_subnet_attribute(SubnetId=s["compute"]["subnet"], MapPublicIpOnLaunch={"Value": True})),
    "launch template asks for a public IP": (REGULATED, "GXP-NET-03", lambda c, n, s: _extra_environment(
        c, s, "public", NetworkInterfaces=[{"DeviceIndex": 0, "AssociatePublicIpAddress": True}])),
    "IMDSv1 allowed": (REGULATED, "GXP-EC2-01", lambda c, n, s: _extra_environment(
        c, s, "imdsv1", MetadataOptions={"HttpTokens": "optional", "HttpEndpoint": "enabled"})),
    "root volume unencrypted": (REGULATED, "GXP-EC2-02", lambda c, n, s: _extra_environment(
        c, s, "plain", BlockDeviceMappings=_ebs(s, Encrypted=False, KmsKeyId=None))),
    "root volume under the default EBS key": (REGULATED, "GXP-EC2-02", lambda c, n, s: _extra_environment(
        c, s, "default-key", BlockDeviceMappings=_ebs(s, KmsKeyId=None))),
    "training without network isolation": (REGULATED, "GXP-ML-01", lambda c, n, s: _train(
        n, s, lambda a: a.update(EnableNetworkIsolation=False))),
    "training in the default VPC": (REGULATED, "GXP-ML-01", lambda c, n, s: _train(
        n, s, lambda a: a["VpcConfig"].update(Subnets=[_default_vpc_subnet(s)]))),
    "model registered as approved": (REGULATED, "GXP-ML-02", lambda c, n, s: _register(
        n, s, lambda a: a.update(ModelApprovalStatus="Approved"))),
    "image digest lineage dropped": (REGULATED, "GXP-ML-02", lambda c, n, s: _register(
        n, s, lambda a: a["CustomerMetadataProperties"].pop("gxp:training-image-digest"))),
    "Spot training without checkpoints": (REGULATED, "GXP-ML-03", lambda c, n, s: _train(
        n, s, lambda a: a.pop("CheckpointConfig"))),
    "reference store under the AWS owned key": (REGULATED, "GXP-OMICS-01", lambda c, n, s: _omics(
        s)["referenceStores"][0]["sseConfig"].pop("keyArn")),
    "run group without a run limit": (REGULATED, "GXP-OMICS-02", lambda c, n, s: _omics(
        s)["runGroups"][0].pop("maxRuns")),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_breaking_one_compute_service_fails_exactly_that_control(workloads, case):
    config, names, sessions = workloads
    role, control_id, breaker = BREAKS[case]
    breaker(config, names, sessions)
    results = run_iq(sessions[role], config, role, REGION)
    assert failing(results) == {control_id}, [r for r in results if not r.passed]

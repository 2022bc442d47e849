"""Pre-flight, one account: service-linked roles, CDK bootstrap and Lambda concurrency, against moto.

moto has no Lambda GetAccountSettings: the unit tests answer it with a botocore Stubber, and the runs
through account_run answer it at the botocore call (as tests/test_iq.py fakes an unreachable
endpoint). The regions each account is checked in come from the topology, never from this file."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.client import BaseClient
from botocore.stub import Stubber
from moto import mock_aws

from gxp_landing_zone.config import load_config
from gxp_landing_zone.preflight import PreflightError, account_run, bootstrap, concurrency, service_roles
from gxp_landing_zone.preflight.assembly import DEFAULT_BOOTSTRAP_VERSION, Assembly, Needs
from gxp_landing_zone.preflight.runner import WrongAccount, deploy_regions
from gxp_landing_zone.topology import stack_names
from tests.test_preflight import REFERENCE_CONFIG, REGION, fake_credentials, session_for  # noqa: F401

MANAGEMENT = "111111111111"
FIX_PREFIX = "npx cdk bootstrap aws://{account}/{region} --trust 111111111111 --cloudformation-execution-policies "


def trust_policy(*accounts: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "sts:AssumeRole",
        "Principal": {"AWS": [f"arn:aws:iam::{a}:root" for a in accounts]}}]})


def bootstrap_account(account_id: str, regions: list[str], *, version: str = "21", trusted=(MANAGEMENT,)) -> None:
    """What `cdk bootstrap --trust` leaves behind that the checks read: the version parameter per region
    and the deploy role trusting the deployer (and, as the template always does, its own account)."""
    for region in regions:
        session = session_for(account_id, region)
        session.client("ssm").put_parameter(Name=bootstrap.VERSION_PARAMETER, Value=version, Type="String")
        session.client("iam").create_role(RoleName=bootstrap.deploy_role_name(account_id, region),
                                          AssumeRolePolicyDocument=trust_policy(account_id, *trusted))


def create_service_roles(account_id: str, roles) -> None:
    iam = session_for(account_id).client("iam")
    for role in roles:
        # moto's create_service_linked_role spells some names differently; the path and name are AWS's.
        iam.create_role(RoleName=role.name, Path=f"/aws-service-role/{role.service}/",
                        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                            "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": role.service}}]}))


@pytest.fixture
def lambda_limits(monkeypatch):
    """The answer to Lambda GetAccountSettings, per region; default: Lambda's 1000, nothing reserved."""
    limits: dict[str, tuple[int, int]] = {}
    answering = BaseClient._make_api_call

    def make_api_call(client, operation_name, params):
        if client.meta.service_model.service_name == "lambda" and operation_name == "GetAccountSettings":
            limit, unreserved = limits.get(client.meta.region_name, (1000, 1000))
            return {"AccountLimit": {"ConcurrentExecutions": limit, "UnreservedConcurrentExecutions": unreserved}}
        return answering(client, operation_name, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", make_api_call)
    return limits


@pytest.fixture
def regulated(lambda_limits, tmp_path):
    """(config, regulated-us account, its regions) bootstrapped and with its service-linked roles."""
    with mock_aws():
        config = load_config(REFERENCE_CONFIG)
        account = config.account("regulated-us")
        regions = deploy_regions(config, account)
        bootstrap_account(account.id, regions)
        create_service_roles(account.id, service_roles.required(config, account))
        yield config, account, regions


def run(config, role, region=None, cdk_out="no-such-dir", **kwargs):
    return account_run(session_for(config.account(role).id, region or REGION), config, role, region, cdk_out=cdk_out, **kwargs)


def failed(result) -> list[str]:
    return [c.name for c in result.failed]


# -- everything in place ----------------------------------------------------------------------------


def test_prepared_account_passes_every_check(regulated):
    config, account, regions = regulated
    result = run(config, "regulated-us")
    assert failed(result) == [], [c.line() for c in result.failed]
    names = [c.name for c in result.checks]
    assert [n for n in names if n.startswith("service-linked role")] == [
        f"service-linked role: {r.name} in regulated-us {account.id}" for r in service_roles.required(config, account)]
    for region in regions:
        assert f"cdk bootstrap: {bootstrap.deploy_role_name(account.id, region)} trusts deploying account {MANAGEMENT}" in names
    # The signature service reserves concurrency in its workload region, and only there.
    assert [n for n in names if n.startswith("lambda concurrency")] == [
        f"lambda concurrency: 20 reserved fits in {account.id}/{r}" for r in config.workload_regions(account)]


def test_wrong_account_and_unknown_role_stop_the_run(regulated):
    config, account, _ = regulated
    with pytest.raises(WrongAccount, match=f"credentials are for account {MANAGEMENT}"):
        account_run(session_for(MANAGEMENT), config, "regulated-us")
    with pytest.raises(PreflightError, match="unknown account role 'lab'"):
        account_run(session_for(account.id), config, "lab")
    with pytest.raises(PreflightError, match="region eu-west-3 is not in allowed_regions"):
        account_run(session_for(account.id), config, "regulated-us", "eu-west-3")


# -- 4. service-linked roles ----------------------------------------------------------------------


@pytest.mark.parametrize("role", [service_roles.AUTOSCALING, service_roles.BATCH])
def test_missing_compute_service_role_fails_with_create_command(regulated, role):
    config, account, _ = regulated
    session_for(account.id).client("iam").delete_role(RoleName=role.name)
    result = run(config, "regulated-us")
    assert failed(result) == [f"service-linked role: {role.name} in regulated-us {account.id}"]
    assert result.failed[0].fix == f"aws iam create-service-linked-role --aws-service-name {role.service} (in account {account.id})"


def test_management_needs_the_cloudtrail_role(lambda_limits):
    with mock_aws():
        config = load_config(REFERENCE_CONFIG)
        account = config.management
        assert service_roles.required(config, account) == [service_roles.CLOUDTRAIL]
        check = service_roles.present(session_for(account.id).client("iam"), account, service_roles.CLOUDTRAIL)
        assert not check.passed
        assert check.fix == f"aws iam create-service-linked-role --aws-service-name cloudtrail.amazonaws.com (in account {account.id})"
        create_service_roles(account.id, [service_roles.CLOUDTRAIL])
        assert service_roles.present(session_for(account.id).client("iam"), account, service_roles.CLOUDTRAIL).passed


def test_accounts_without_compute_need_no_service_role():
    config = load_config(REFERENCE_CONFIG)
    assert service_roles.required(config, config.log_archive) == []
    assert service_roles.required(config, config.audit) == []


# -- 5. CDK bootstrap ------------------------------------------------------------------------------


def test_not_bootstrapped_fails_with_bootstrap_command(lambda_limits):
    with mock_aws():
        config = load_config(REFERENCE_CONFIG)
        account = config.log_archive
        result = run(config, "log-archive")
    regions = deploy_regions(config, account)
    assert [c.observed for c in result.failed] == [
        "not bootstrapped (no CDKToolkit version parameter)", "the deploy role does not exist (not bootstrapped)"] * len(regions)
    assert [c.fix for c in result.failed] == [
        FIX_PREFIX.format(account=account.id, region=r) + f"{bootstrap.EXECUTION_POLICY} (with credentials for {account.id})"
        for r in regions for _ in (1, 2)]


def test_old_bootstrap_version_fails(regulated):
    config, account, regions = regulated
    session_for(account.id, regions[0]).client("ssm").put_parameter(
        Name=bootstrap.VERSION_PARAMETER, Value="5", Type="String", Overwrite=True)
    result = run(config, "regulated-us", regions[0])
    assert failed(result) == [f"cdk bootstrap: {bootstrap.VERSION_PARAMETER} >= 6 in {account.id}/{regions[0]}"]
    assert result.failed[0].observed.startswith("bootstrap version 5 (estimated:")
    assert result.failed[0].fix.startswith(FIX_PREFIX.format(account=account.id, region=regions[0]))


def test_deploy_role_without_the_deployer_fails(lambda_limits):
    with mock_aws():
        config = load_config(REFERENCE_CONFIG)
        account = config.log_archive
        regions = deploy_regions(config, account)
        bootstrap_account(account.id, regions, trusted=())
        result = run(config, "log-archive")
        # The deploy role always trusts its own account: a deployer signed in there passes.
        own = run(config, "log-archive", deployer=account.id)
    assert failed(result) == [
        f"cdk bootstrap: {bootstrap.deploy_role_name(account.id, r)} trusts deploying account {MANAGEMENT}" for r in regions]
    assert {c.observed for c in result.failed} == {f"the trust policy does not name {MANAGEMENT}"}
    assert [c.fix.split(" --trust")[0] for c in result.failed] == [
        FIX_PREFIX.format(account=account.id, region=r).split(" --trust")[0] for r in regions]
    assert failed(own) == []


def test_region_without_cdk_stacks_needs_no_bootstrap(lambda_limits):
    with mock_aws():
        config = load_config(REFERENCE_CONFIG)
        account = config.log_archive
        idle = [r for r in config.allowed_regions if r not in deploy_regions(config, account)]
        if not idle:
            pytest.skip("the topology deploys the log-archive account to every allowed region")
        result = run(config, "log-archive", idle[0])
    assert [c.line() for c in result.checks] == [
        f"PASS cdk bootstrap: {account.id}/{idle[0]}: not needed: the estate deploys no CDK stack of log-archive there"]


@pytest.mark.parametrize("document, trusted", [
    ({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "111111111111"}}]}, True),
    ({"Statement": {"Effect": "Allow", "Action": ["sts:AssumeRole"], "Principal": {"AWS": "arn:aws:iam::111111111111:role/ci"}}}, True),
    ({"Statement": [{"Effect": "Deny", "Action": "sts:AssumeRole", "Principal": {"AWS": "111111111111"}}]}, False),
    ({"Statement": [{"Effect": "Allow", "Action": "sts:TagSession", "Principal": {"AWS": "111111111111"}}]}, False),
    ({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]}, False),
])
def test_trust_policy_reading(document, trusted):
    assert bootstrap.trusts(document, MANAGEMENT) is trusted


def write_assembly(outdir, config, account, region, *, version=21, reserved=(5, 5)):
    """A cloud assembly with the account's stacks in ``region``: one carries functions and a newer
    bootstrap requirement on its asset manifest."""
    artifacts = {}
    for index, name in enumerate(stack_names(config, account, region)):
        functions = {f"F{i}": {"Type": "AWS::Lambda::Function", "Properties": {"ReservedConcurrentExecutions": r}}
                     for i, r in enumerate(reserved)} if index == 0 else {}
        (outdir / f"{name}.template.json").write_text(json.dumps({"Resources": functions}))
        artifacts[f"{name}.assets"] = {"type": "cdk:asset-manifest", "properties": {"requiresBootstrapStackVersion": version}}
        artifacts[name] = {"type": "aws:cloudformation:stack", "environment": f"aws://{account.id}/{region}",
                           "properties": {"templateFile": f"{name}.template.json", "requiresBootstrapStackVersion": 6,
                                          "additionalDependencies": [f"{name}.assets"]}}
    (outdir / "manifest.json").write_text(json.dumps({"version": "55.0.0", "artifacts": artifacts}))


def test_assembly_requirements_are_read_from_cdk_out(regulated, tmp_path):
    config, account, regions = regulated
    write_assembly(tmp_path, config, account, regions[0], version=30, reserved=(5, 7))
    needs = Assembly(tmp_path, config).needs(account, regions[0])
    assert (needs.bootstrap_version, needs.reserved_concurrency, needs.source) == (30, 12, f"from {tmp_path}")
    result = run(config, "regulated-us", regions[0], cdk_out=str(tmp_path))
    assert failed(result) == [f"cdk bootstrap: {bootstrap.VERSION_PARAMETER} >= 30 in {account.id}/{regions[0]}"]
    assert result.failed[0].observed == f"bootstrap version 21 (from {tmp_path})"


def test_assembly_for_another_estate_is_not_trusted(tmp_path):
    config = load_config(REFERENCE_CONFIG)
    account = config.account("regulated-us")
    region = config.workload_regions(account)[0]
    write_assembly(tmp_path, config, account.model_copy(update={"id": "999999999999"}), region, version=30)
    needs = Assembly(tmp_path, config).needs(account, region)
    assert needs.bootstrap_version == DEFAULT_BOOTSTRAP_VERSION and needs.source.startswith("estimated:")


# -- 6. Lambda concurrency -------------------------------------------------------------------------


def settings(limit: int, unreserved: int):
    client = boto3.client("lambda", region_name=REGION)
    stub = Stubber(client)
    stub.add_response("get_account_settings", {"AccountLimit": {
        "ConcurrentExecutions": limit, "UnreservedConcurrentExecutions": unreserved}})
    stub.activate()
    return client


def test_default_quota_has_room():
    check = concurrency.headroom(settings(1000, 1000), "444444444444", REGION, Needs(6, 20, "from cdk.out"))
    assert check.passed and "after the estate's reservations 980" in check.observed


def test_new_account_quota_fails_with_quota_increase():
    check = concurrency.headroom(settings(10, 10), "444444444444", REGION, Needs(6, 20, "from cdk.out"))
    assert not check.passed and "after the estate's reservations -10 (minimum 100" in check.observed
    assert check.fix.startswith(
        "aws service-quotas request-service-quota-increase --service-code lambda --quota-code L-B99A9384 "
        "--desired-value 1000 --region us-east-1 (in account 444444444444")


def test_reservations_of_other_functions_count():
    # 1000 in all, 950 already reserved by others: 50 unreserved cannot give 20 and keep 100.
    check = concurrency.headroom(settings(1000, 50), "444444444444", REGION, Needs(6, 20, "from cdk.out"))
    assert not check.passed and "--desired-value 1070" in check.fix


def test_low_quota_fails_the_account_run(regulated, lambda_limits):
    config, account, _ = regulated
    region = config.workload_regions(account)[0]
    lambda_limits[region] = (50, 50)
    result = run(config, "regulated-us", region)
    assert failed(result) == [f"lambda concurrency: 20 reserved fits in {account.id}/{region}"]
    assert "--quota-code L-B99A9384 --desired-value 1000" in result.failed[0].fix


def test_denied_lambda_read_is_reported():
    client = boto3.client("lambda", region_name=REGION)
    with Stubber(client) as stub:
        stub.add_client_error("get_account_settings", "AccessDeniedException", "no")
        check = concurrency.headroom(client, "444444444444", REGION, Needs(6, 20, "x"))
    assert not check.passed and check.fix.startswith("sign in with credentials allowed lambda:GetAccountSettings")

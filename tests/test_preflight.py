"""Pre-flight, organization level, against moto: a fresh organization built the way the reference
config describes it (management account 111111111111 creates it; the member accounts get the IDs moto
gives them, written back into the config, as in tests/test_iq.py), then one thing broken per test.

moto 5.2 covers Organizations (roots, policy types, trusted access, delegated administrators),
sso-admin ListInstances and identitystore DescribeGroup. Where it falls short: its delegated
administrator list omits config.amazonaws.com (added to it here), and a denied read is not modelled
(a botocore Stubber answers AccessDenied instead). The account-level checks and the command line
are tested in tests/test_preflight_account.py and tests/test_preflight_cli.py."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from moto.organizations.models import FakeDelegatedAdministrator

from gxp_landing_zone.config import load_config
from gxp_landing_zone.preflight import identity_center, organization, organization_run, trusted_access

REFERENCE_CONFIG = Path(__file__).resolve().parent.parent / "config" / "reference.yaml"
REGION = "us-east-1"


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "MOTO_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    # moto's delegated-administrator list lacks AWS Config's own principal, which the aggregator uses.
    monkeypatch.setattr(FakeDelegatedAdministrator, "SUPPORTED_SERVICES",
                        [*FakeDelegatedAdministrator.SUPPORTED_SERVICES, "config.amazonaws.com"])


def session_for(account_id: str, region: str = REGION) -> boto3.Session:
    creds = boto3.client("sts", region_name=region).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/preflight", RoleSessionName="preflight"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"], region_name=region,
    )


def build_organization(config):
    """The organization a first deploy needs; returns the config with moto's IDs written in."""
    management = session_for(config.management.id)
    org = management.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    ids = {
        a.role: org.create_account(AccountName=a.role, Email=f"{a.role}@example.com")["CreateAccountStatus"]["AccountId"]
        for a in config.accounts if a.role != "management"
    }
    accounts = [a.model_copy(update={"id": ids[a.role]}) if a.role in ids else a for a in config.accounts]
    config = config.model_copy(update={
        "accounts": accounts,
        "organization": config.organization.model_copy(
            update={"root_id": root, "id": org.describe_organization()["Organization"]["Id"]}
        ),
    })
    for principal in trusted_access.required(config):
        org.enable_aws_service_access(ServicePrincipal=principal)
    for principal in trusted_access.DELEGATED:
        org.register_delegated_administrator(AccountId=config.audit.id, ServicePrincipal=principal)
    (instance,) = management.client("sso-admin").list_instances()["Instances"]
    store = management.client("identitystore")
    groups = {}
    for assignment in config.access.assignments:
        if assignment.group_id not in groups:
            groups[assignment.group_id] = store.create_group(
                IdentityStoreId=instance["IdentityStoreId"], DisplayName=f"group {len(groups)}")["GroupId"]
    access = config.access.model_copy(update={
        "instance_arn": instance["InstanceArn"],
        "assignments": [a.model_copy(update={"group_id": groups[a.group_id]}) for a in config.access.assignments],
    })
    return config.model_copy(update={"access": access})


@pytest.fixture
def estate():
    """(config with moto's IDs, management session) for an organization that passes every check."""
    with mock_aws():
        config = build_organization(load_config(REFERENCE_CONFIG))
        yield config, session_for(config.management.id)


def by_name(run, fragment: str):
    (found,) = [c for c in run.checks if fragment in c.name]
    return found


def failed(run) -> list[str]:
    return [c.name for c in run.failed]


# -- everything in place ----------------------------------------------------------------------------


def test_prepared_organization_passes_every_check(estate):
    config, management = estate
    run = organization_run(management, config)
    assert failed(run) == [], [c.line() for c in run.failed]
    # all features, organization ID, root ID, SCPs on the root; each account; trusted access; delegation
    expected = 4 + len(config.accounts) + len(trusted_access.required(config)) + len(trusted_access.DELEGATED)
    expected += 1 + len({a.group_id for a in config.access.assignments})
    assert len(run.checks) == expected
    assert all(c.line().startswith("PASS ") for c in run.checks)
    # The run names the per-account commands to run next, one per account.
    assert [s.split("ROLE=")[1].split()[0] for s in run.next_steps] == [a.role for a in config.accounts]
    assert f"signed in to {config.audit.id}: make preflight ROLE=audit" in run.next_steps[2]


def test_stacksets_access_is_required_only_with_a_member_baseline_stackset(estate, monkeypatch):
    config, _ = estate
    monkeypatch.setattr(trusted_access, "components", lambda *a: ["Organization", "Access", "OrganizationBaseline"])
    assert trusted_access.STACKSETS in trusted_access.required(config)
    monkeypatch.setattr(trusted_access, "components", lambda *a: ["Organization", "Access", "Baseline"])
    assert trusted_access.STACKSETS not in trusted_access.required(config)


# -- 1. the organization ---------------------------------------------------------------------------


def test_consolidated_billing_only_fails_with_enable_all_features():
    with mock_aws():
        config = load_config(REFERENCE_CONFIG)
        org = session_for(config.management.id).client("organizations")
        org.create_organization(FeatureSet="CONSOLIDATED_BILLING")
        check = organization.checks(org, config)[0]
    assert not check.passed and "FeatureSet is CONSOLIDATED_BILLING" in check.observed
    assert check.fix.startswith("aws organizations enable-all-features")


def test_no_organization_fails_with_create_organization():
    with mock_aws():
        config = load_config(REFERENCE_CONFIG)
        (check,) = organization.checks(session_for(config.management.id).client("organizations"), config)
    assert not check.passed and check.fix.startswith("aws organizations create-organization --feature-set ALL")


def test_scp_policy_type_disabled_fails_with_enable_policy_type(estate):
    config, management = estate
    root = config.organization.root_id
    management.client("organizations").disable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    run = organization_run(management, config)
    assert failed(run) == [f"organization: SCP policy type enabled on root {root}"]
    assert run.failed[0].fix == f"aws organizations enable-policy-type --root-id {root} --policy-type SERVICE_CONTROL_POLICY"


def test_scp_policy_type_pending_says_to_wait():
    check = organization.scp_enabled({"Id": "r-ab12", "PolicyTypes": [
        {"Type": "SERVICE_CONTROL_POLICY", "Status": "PENDING_ENABLE"}]})
    assert not check.passed and "wait a minute" in check.fix


def test_wrong_root_id_fails_with_the_actual_root(estate):
    config, management = estate
    actual = config.organization.root_id
    config = config.model_copy(update={"organization": config.organization.model_copy(update={"root_id": "r-zz99"})})
    run = organization_run(management, config)
    check = by_name(run, "root r-zz99 exists")
    assert not check.passed and check.observed == f"the organization's root is {actual}, not r-zz99"
    assert check.fix.startswith(f"set organization.root_id: {actual} in the estate config")
    # The SCP check still reads the organization's real root.
    assert by_name(run, "SCP policy type").passed


def test_account_outside_the_organization_fails_with_invite(estate):
    config, management = estate
    stranger = config.account("research").model_copy(update={"id": "999999999999"})
    config = config.model_copy(update={"accounts": [stranger if a.role == "research" else a for a in config.accounts]})
    run = organization_run(management, config)
    assert failed(run) == ["organization: research account 999999999999 is an ACTIVE member"]
    assert run.failed[0].fix.startswith(
        "aws organizations invite-account-to-organization --target Id=999999999999,Type=ACCOUNT")


def test_suspended_account_fails(estate):
    config, management = estate
    management.client("organizations").close_account(AccountId=config.account("research").id)
    check = by_name(organization_run(management, config), "research account")
    assert not check.passed and check.observed == "the account is SUSPENDED"
    assert "reopen" in check.fix and config.account("research").id in check.fix


def test_denied_read_is_a_failed_check_not_an_exception():
    config = load_config(REFERENCE_CONFIG)
    org = boto3.client("organizations", region_name=REGION)
    with Stubber(org) as stub:
        stub.add_client_error("describe_organization", "AccessDeniedException", "not authorized")
        (check,) = organization.checks(org, config)
    assert not check.passed and check.observed.startswith("could not read (AccessDeniedException")
    assert check.fix.startswith("sign in with credentials allowed organizations:DescribeOrganization")


# -- 2. trusted access and delegated administrators ------------------------------------------------


@pytest.mark.parametrize("principal", sorted(trusted_access.TRUSTED))
def test_missing_trusted_access_fails_with_enable_command(estate, principal):
    config, management = estate
    management.client("organizations").disable_aws_service_access(ServicePrincipal=principal)
    run = organization_run(management, config)
    assert failed(run) == [f"trusted access: {principal}"]
    assert run.failed[0].fix == (
        f"aws organizations enable-aws-service-access --service-principal {principal} (in the management account)")


def test_missing_stacksets_access_fails_with_activate_command(estate, monkeypatch):
    config, management = estate
    # An estate whose member baselines come from the service-managed StackSet.
    monkeypatch.setattr(trusted_access, "components", lambda *a: ["Organization", "Access", "OrganizationBaseline"])
    management.client("organizations").disable_aws_service_access(ServicePrincipal=trusted_access.STACKSETS)
    run = organization_run(management, config)
    assert failed(run) == [f"trusted access: {trusted_access.STACKSETS}"]
    assert run.failed[0].fix == "aws cloudformation activate-organizations-access (in the management account)"


@pytest.mark.parametrize("principal", sorted(trusted_access.DELEGATED))
def test_audit_not_delegated_administrator_fails_with_register_command(estate, principal):
    config, management = estate
    management.client("organizations").deregister_delegated_administrator(
        AccountId=config.audit.id, ServicePrincipal=principal)
    run = organization_run(management, config)
    assert failed(run) == [f"delegated administrator: audit account {config.audit.id} for {principal}"]
    assert run.failed[0].observed.startswith("no account is registered")
    assert run.failed[0].fix.startswith(
        f"aws organizations register-delegated-administrator --account-id {config.audit.id} --service-principal {principal}")


def test_another_account_as_delegated_administrator_fails(estate):
    config, _ = estate
    check = trusted_access.delegated("config.amazonaws.com", config.audit.id, {"123456789012"})
    assert not check.passed and check.observed.startswith("registered: 123456789012")


# -- 3. Identity Center --------------------------------------------------------------------------


def test_unknown_instance_fails_with_enable_step(estate):
    config, management = estate
    access = config.access.model_copy(update={"instance_arn": "arn:aws:sso:::instance/ssoins-0000000000000000"})
    run = organization_run(management, config.model_copy(update={"access": access}))
    assert failed(run) == ["identity center: instance arn:aws:sso:::instance/ssoins-0000000000000000"]
    assert run.failed[0].fix.startswith("enable IAM Identity Center in the management account in us-east-1")
    assert "aws sso-admin list-instances --region us-east-1" in run.failed[0].fix
    assert not [c for c in run.checks if "group" in c.name]  # no store to ask without the instance


def test_account_instance_fails(estate):
    config, _ = estate
    arn = config.access.instance_arn
    check = identity_center.instance([{"InstanceArn": arn, "OwnerAccountId": "999999999999", "IdentityStoreId": "d-1"}], config)
    assert not check.passed and "account instance owned by 999999999999" in check.observed
    assert check.fix.startswith("enable IAM Identity Center")


def test_missing_group_fails_with_create_group(estate):
    config, management = estate
    (instance,) = management.client("sso-admin").list_instances()["Instances"]
    gone = config.access.assignments[0].group_id
    management.client("identitystore").delete_group(IdentityStoreId=instance["IdentityStoreId"], GroupId=gone)
    run = organization_run(management, config)
    assert failed(run) == [f"identity center: group {gone}"]
    assert run.failed[0].fix.startswith(
        f"create the group in identity store {instance['IdentityStoreId']} (aws identitystore create-group")


def test_denied_group_read_is_reported():
    store = boto3.client("identitystore", region_name=REGION)
    with Stubber(store) as stub:
        stub.add_client_error("describe_group", "AccessDeniedException", "no")
        check = identity_center.group(store, "d-1234567890", "90670000-aaaa-4bbb-8ccc-000000000001")
    assert not check.passed and check.fix.startswith("sign in with credentials allowed sso:ListInstances")


def test_a_wrong_organization_id_names_the_fix():
    from gxp_landing_zone.preflight.organization import organization_id

    config = load_config(REFERENCE_CONFIG)
    check = organization_id({"Id": "o-aaaaaaaaaa"}, config)
    assert not check.passed
    assert check.fix.startswith("set organization.id: o-aaaaaaaaaa in the estate config")
    assert organization_id({"Id": config.organization.id}, config).passed

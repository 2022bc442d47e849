"""The organization itself: all features, SCPs on the root the config names, every account a member.

The Organization stack attaches service control policies to ``organization.root_id`` and to member
accounts; none of that can be created by the stack, only used."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError

from ..config import Account, EstateConfig
from .result import Check, error_code, fail, ok, read, unreadable

NEEDS = "organizations:DescribeOrganization, ListRoots and ListAccounts"
# CreateOrganization/EnableAllFeatures: SCPs and trusted access exist only with FeatureSet ALL.
# https://docs.aws.amazon.com/organizations/latest/userguide/orgs_getting-started_concepts.html#feature-set
# https://docs.aws.amazon.com/sdk-for-sap-abap/v1/api/latest/org/operation/ENABLEALLFEATURES.html
ENABLE_ALL_FEATURES = (
    "aws organizations enable-all-features, then accept the handshake in every invited member account "
    "(console: AWS Organizations > Invitations) and finalize it in the management account"
)


def feature_set(organization: dict) -> Check:
    name = "organization: all features enabled"
    found = organization.get("FeatureSet", "?")
    if found == "ALL":
        return ok(name, f"organization {organization.get('Id', '?')} has FeatureSet ALL")
    return fail(name, f"FeatureSet is {found}; SCPs and trusted access need ALL", ENABLE_ALL_FEATURES)


def root_id(roots: list[dict], config: EstateConfig) -> Check:
    """The stacks attach SCPs to organization.root_id; a wrong ID fails the Organization stack."""
    name = f"organization: root {config.organization.root_id} exists"
    ids = [r["Id"] for r in roots]
    if config.organization.root_id in ids:
        return ok(name, f"list-roots returns {config.organization.root_id}")
    return fail(
        name,
        f"the organization's root is {', '.join(ids) or 'none'}, not {config.organization.root_id}",
        f"set organization.root_id: {ids[0] if ids else 'r-...'} in the estate config (aws organizations list-roots)",
    )


def scp_enabled(root: dict) -> Check:
    # EnablePolicyType: check ListRoots' PolicyTypes first; an SCP can be attached only once the type
    # is ENABLED on the root.
    # https://boto3.amazonaws.com/v1/documentation/api/1.26.88/reference/services/organizations/client/enable_policy_type.html
    name = f"organization: SCP policy type enabled on root {root['Id']}"
    types = {t.get("Type"): t.get("Status") for t in root.get("PolicyTypes", [])}
    status = types.get("SERVICE_CONTROL_POLICY")
    if status == "ENABLED":
        return ok(name, "SERVICE_CONTROL_POLICY is ENABLED")
    fix = f"aws organizations enable-policy-type --root-id {root['Id']} --policy-type SERVICE_CONTROL_POLICY"
    if status == "PENDING_ENABLE":
        return fail(name, "SERVICE_CONTROL_POLICY is PENDING_ENABLE", "wait a minute and run the pre-flight again")
    return fail(name, f"SERVICE_CONTROL_POLICY is {status or 'not enabled'}", fix)


def _state(listed: dict) -> str:
    # ListAccounts reports State (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED) and the older Status.
    return listed.get("State") or listed.get("Status") or "?"


def member(account: Account, listed: dict[str, dict]) -> Check:
    """SCP attachments and Identity Center assignments name member accounts by ID."""
    name = f"organization: {account.role} account {account.id} is an ACTIVE member"
    found = listed.get(account.id)
    if found is None:
        return fail(
            name,
            "not in the organization",
            f"aws organizations invite-account-to-organization --target Id={account.id},Type=ACCOUNT, then accept the "
            f"invitation in {account.id} (console: AWS Organizations > Invitations), "
            "or correct the ID in the estate config",
        )
    state = _state(found)
    if state == "ACTIVE":
        return ok(name, f"{found.get('Name', account.id)} is ACTIVE")
    fix = f"reopen {account.id} through AWS Support or replace its ID in the estate config"
    return fail(name, f"the account is {state}", fix)


def _accounts(org) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for page in org.get_paginator("list_accounts").paginate():
        found.update({a["Id"]: a for a in page["Accounts"]})
    return found


def organization_id(organization: dict, config: EstateConfig) -> Check:
    """The audit bus and the log archive admit the organization by this ID (aws:PrincipalOrgID)."""
    name = f"organization: ID {config.organization.id}"
    found = organization.get("Id", "?")
    if found == config.organization.id:
        return ok(name, f"describe-organization returns {found}")
    return fail(name, f"the organization's ID is {found}, not {config.organization.id}",
                f"set organization.id: {found} in the estate config (aws organizations describe-organization)")


def checks(org, config: EstateConfig) -> list[Check]:
    try:
        organization = org.describe_organization()["Organization"]
    except ClientError as exc:
        if error_code(exc) == "AWSOrganizationsNotInUseException":
            return [fail("organization: exists", "the management account is not in an organization",
                         "aws organizations create-organization --feature-set ALL (in the management account)")]
        return [unreadable("organization: all features enabled", NEEDS, exc)]
    except BotoCoreError as exc:
        return [unreadable("organization: all features enabled", NEEDS, exc)]
    found = [feature_set(organization), organization_id(organization, config)]
    roots, failure = read("organization: root", NEEDS, lambda: org.list_roots()["Roots"])
    if failure:
        return found + [failure]
    found.append(root_id(roots, config))
    root = next((r for r in roots if r["Id"] == config.organization.root_id), roots[0] if roots else None)
    if root is not None:
        found.append(scp_enabled(root))
    listed, failure = read("organization: member accounts", NEEDS, lambda: _accounts(org))
    if failure:
        return found + [failure]
    return found + [member(account, listed) for account in config.accounts]

"""Run the pre-flight: the organization-level checks from the management account, or one account's
checks in every region the topology deploys it to (or the one region asked for).

Each account is checked with its own credentials rather than by assuming a role from the management
account: accounts invited into the organization have no OrganizationAccountAccessRole, the role is an
administrator in every account where it exists, and people sign in to each account through Identity
Center anyway. The organization run therefore ends with the per-account commands to run next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import boto3

from ..config import Account, EstateConfig
from ..topology import components
from . import bootstrap, concurrency, identity_center, organization, pipeline_source, service_roles, trusted_access
from .assembly import Assembly
from .result import Check, ok


class PreflightError(Exception):
    """A problem that stops the run before any check; carries the CLI exit code."""

    exit_code = 2


class WrongAccount(PreflightError):
    exit_code = 4


@dataclass
class Run:
    checks: list[Check]
    next_steps: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


def in_region(session: boto3.Session, region: str) -> boto3.Session:
    """The same credentials in ``region``: the checks take only a session, so the region travels in it."""
    if session.region_name == region:
        return session
    creds = session.get_credentials()
    if creds is None:
        return boto3.Session(region_name=region)  # lets the STS call raise NoCredentialsError
    frozen = creds.get_frozen_credentials()
    return boto3.Session(
        aws_access_key_id=frozen.access_key,
        aws_secret_access_key=frozen.secret_key,
        aws_session_token=frozen.token,
        region_name=region,
    )


def signed_in(session: boto3.Session, account: Account, region: str) -> boto3.Session:
    """The session pinned to ``region``, refusing credentials for any account but ``account``."""
    session = in_region(session, region)
    caller = session.client("sts").get_caller_identity()["Account"]
    if caller != account.id:
        raise WrongAccount(
            f"credentials are for account {caller} but the config's {account.role} account is {account.id}; "
            f"sign in to {account.id} and run again"
        )
    return session


def deploy_regions(config: EstateConfig, account: Account) -> list[str]:
    """Where the topology puts stacks for ``account``, home region first (every account has a Baseline
    stack in every allowed region, so this is all of them today)."""
    home = config.home_region
    ordered = [home] + [r for r in config.allowed_regions if r != home]
    return [r for r in ordered if components(config, account, r)]


def target(config: EstateConfig, role: str, region: str | None) -> Account:
    try:
        account = config.account(role)
    except KeyError:
        raise PreflightError(
            f"unknown account role '{role}'; the config has: {', '.join(a.role for a in config.accounts)}"
        ) from None
    if region is not None and region not in config.allowed_regions:
        raise PreflightError(f"region {region} is not in allowed_regions ({', '.join(config.allowed_regions)})")
    return account


def deployer_account(config: EstateConfig, deployer: str | None) -> str:
    """The account whose credentials run `make deploy`: the management account unless told otherwise."""
    deployer = deployer or config.management.id
    if not re.fullmatch(r"\d{12}", deployer):
        raise PreflightError(f"--deployer-account must be a 12-digit account ID (got '{deployer}')")
    return deployer


def organization_run(session: boto3.Session, config: EstateConfig, deployer: str | None = None) -> Run:
    deployer = deployer_account(config, deployer)
    # Organizations is global; Identity Center answers in the home region, where the config says it runs.
    home = signed_in(session, config.management, config.home_region)
    org = home.client("organizations")
    found = organization.checks(org, config) + trusted_access.checks(org, config)
    found += identity_center.checks(home.client("sso-admin"), home.client("identitystore"), config)
    suffix = "" if deployer == config.management.id else f" DEPLOYER={deployer}"
    steps = [
        f"signed in to {a.id}: make preflight ROLE={a.role}{suffix}   (checks {', '.join(deploy_regions(config, a))})"
        for a in config.accounts
    ]
    return Run(found, steps)


def account_run(
    session: boto3.Session,
    config: EstateConfig,
    role: str,
    region: str | None = None,
    *,
    cdk_out: str = "cdk.out",
    deployer: str | None = None,
) -> Run:
    account = target(config, role, region)
    deployer = deployer_account(config, deployer)
    deploys = deploy_regions(config, account)
    regions = [region] if region else deploys or [config.home_region]
    assembly = Assembly(cdk_out, config)
    found: list[Check] = []
    for index, where in enumerate(regions):
        regional = signed_in(session, account, where)
        if index == 0:  # IAM is global: the account's service-linked roles are checked once
            found += service_roles.checks(regional.client("iam"), config, account)
        arn = config.change_control.source.connection_arn
        if account.role == "deployment" and where == config.home_region and arn:
            found.append(pipeline_source.connection(regional.client(pipeline_source.connection_service(arn)), arn))
        if where not in deploys:
            # Member baselines arrive by StackSet, which needs no CDK bootstrap in the member account.
            observed = f"not needed: the estate deploys no CDK stack of {role} there"
            found.append(ok(f"cdk bootstrap: {account.id}/{where}", observed))
            continue
        needs = assembly.needs(account, where)
        found += bootstrap.checks(regional.client("ssm"), regional.client("iam"), account.id, where, needs, deployer)
        if needs.reserved_concurrency:
            found.append(concurrency.headroom(regional.client("lambda"), account.id, where, needs))
    return Run(found)

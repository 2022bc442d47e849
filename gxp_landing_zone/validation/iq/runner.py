"""Run the IQ checks for one account role and region, and write a tamper-evident record
(hash-chained JSON, CSV and HTML; see validation/record.py, shared with the OQ runner)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from ...config import EstateConfig
from ...controls.context import ControlContext
from ...controls.deployed.reader import AccountReader, missing, physical_id
from ...controls.engine import judge
from ...controls.model import REGULATED_ONLY, RESEARCH, Control, Outcome
from ...controls.registry import all_controls
from ..record import GENESIS_HASH, RecordPaths, chain, verify_chain, write_record  # noqa: F401  (iq's public names)
from .results import CheckResult, result

CSV_FIELDS = ("control_id", "resource", "passed", "expected", "observed", "clauses", "checked_at", "caller")


class IqError(Exception):
    """A problem that stops the run before any check; carries the CLI exit code."""

    exit_code = 2


class WrongAccount(IqError):
    exit_code = 4


def _regional(session: boto3.Session, region: str) -> boto3.Session:
    if session.region_name == region:
        return session
    # Checks take only a session, so the region travels in it. Frozen credentials are enough
    # for a run that lasts seconds.
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


def target_account(config: EstateConfig, account_role: str, region: str, error: type[Exception] = IqError):
    """The config's account for the role, once role and region are known to the config (IQ and OQ)."""
    try:
        account = config.account(account_role)
    except KeyError:
        roles = ", ".join(a.role for a in config.accounts)
        raise error(f"unknown account role '{account_role}'; the config has: {roles}") from None
    if region not in config.allowed_regions:
        raise error(f"region {region} is not in allowed_regions ({', '.join(config.allowed_regions)})")
    return account


def signed_in(session: boto3.Session, account, account_role: str, region: str) -> tuple[boto3.Session, dict]:
    """(the session pinned to the region, the caller's identity), refusing credentials for another account."""
    session = _regional(session, region)
    identity = session.client("sts").get_caller_identity()
    if identity["Account"] != account.id:
        raise WrongAccount(
            f"credentials are for account {identity['Account']} but the config's {account_role} account is "
            f"{account.id}; sign in to {account.id} and run again"
        )
    return session, identity


def deployed_applies(control: Control, account, region: str, config: EstateConfig) -> bool:
    """The account kinds and regions where the stacks deploy what the control judges."""
    scope = control.deployed
    if account.kind.value not in scope.accounts:
        return False
    if control.boundary == REGULATED_ONLY and account.kind.value == RESEARCH:
        return False
    if scope.regions == "all":
        return True
    if scope.regions == "workload":
        return region in config.workload_regions(account)
    return region == config.home_region


def _qualify(control: Control, reader: AccountReader) -> list[CheckResult]:
    try:
        resources = list(control.deployed.read(reader))
    except (ClientError, BotoCoreError) as exc:
        return [result(control.id, "(check not run)", "API readable", str(exc), False)]
    found = []
    for resource in resources:
        absent = missing(resource)
        if absent:
            found.append(result(control.id, physical_id(resource), control.statement, absent, False))
            continue
        verdict = judge(control, resource, reader.context)
        if verdict.outcome is not Outcome.NOT_APPLICABLE:
            found.append(result(control.id, physical_id(resource), control.statement, verdict.observed, verdict.passed))
    return found


def run_iq(session: boto3.Session, config: EstateConfig, account_role: str, region: str) -> list[CheckResult]:
    account = target_account(config, account_role, region)
    session, identity = signed_in(session, account, account_role, region)
    results: list[CheckResult] = []
    reader = AccountReader(session, ControlContext.from_config(config), account, region)
    for control in all_controls():
        if deployed_applies(control, account, region, config):
            results.extend(replace(r, caller=identity["Arn"]) for r in _qualify(control, reader))
    return results


def write_results(results: list[CheckResult], out_dir: str | Path, account_role: str, region: str, *,
                  header: dict | None = None, signer=None) -> RecordPaths:
    """Write the record (chained JSON, CSV and HTML view) and seal it with ``signer`` (record.py)."""
    return write_record(
        results, out_dir, f"iq-{account_role}-{region}", csv_fields=CSV_FIELDS,
        title=f"Installation qualification record: {account_role} {region}",
        header={"kind": "iq", "account_role": account_role, "region": region, **(header or {})}, signer=signer,
    )

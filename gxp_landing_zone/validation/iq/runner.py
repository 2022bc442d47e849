"""Run the IQ checks for one account role and region, and write a tamper-evident record.

Each JSON entry carries the hash of the entry before it, and its own hash over its canonical
JSON (previous_hash included), so editing, removing or reordering any entry breaks the chain
from that point on (ALCOA+: the record is original and its alteration is detectable).
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

from ...config import EstateConfig
from ...naming import Names
from .checks import IQ_CHECKS, CheckResult, applies, result

GENESIS_HASH = "0" * 64
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


def run_iq(session: boto3.Session, config: EstateConfig, account_role: str, region: str) -> list[CheckResult]:
    try:
        account = config.account(account_role)
    except KeyError:
        roles = ", ".join(a.role for a in config.accounts)
        raise IqError(f"unknown account role '{account_role}'; the config has: {roles}") from None
    if region not in config.allowed_regions:
        raise IqError(f"region {region} is not in allowed_regions ({', '.join(config.allowed_regions)})")
    session = _regional(session, region)
    identity = session.client("sts").get_caller_identity()
    if identity["Account"] != account.id:
        raise WrongAccount(
            f"credentials are for account {identity['Account']} but the config's {account_role} account is "
            f"{account.id}; sign in to {account.id} and run again"
        )
    names = Names(config)
    results: list[CheckResult] = []
    for control_id, check in IQ_CHECKS.items():
        if not applies(check, account, region, config):
            continue
        try:
            found = check(session, config, names)
        except ClientError as exc:
            # Typically AccessDenied: the check could not be made, which is itself a failure.
            found = [result(control_id, "(check not run)", "API readable", str(exc), False)]
        results.extend(replace(r, caller=identity["Arn"]) for r in found)
    return results


def _canonical(entry: dict) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chain(results: list[CheckResult]) -> list[dict]:
    entries, previous = [], GENESIS_HASH
    for r in results:
        # Round-trip through JSON so the hash covers exactly what a verifier will read back.
        entry = json.loads(json.dumps(asdict(r)))
        entry["previous_hash"] = previous
        entry["entry_hash"] = previous = hashlib.sha256(_canonical(entry)).hexdigest()
        entries.append(entry)
    return entries


def verify_chain(entries: list[dict]) -> int | None:
    """Index of the first entry whose hash or link does not hold, or None if the chain is intact."""
    previous = GENESIS_HASH
    for index, entry in enumerate(entries):
        body = {k: v for k, v in entry.items() if k != "entry_hash"}
        if entry.get("previous_hash") != previous or hashlib.sha256(_canonical(body)).hexdigest() != entry.get(
            "entry_hash"
        ):
            return index
        previous = entry["entry_hash"]
    return None


def write_results(results: list[CheckResult], out_dir: str | Path, account_role: str, region: str) -> tuple[Path, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # A timestamp in the name keeps earlier runs: IQ evidence is never overwritten.
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    stem = out / f"iq-{account_role}-{region}-{stamp}"
    json_path, csv_path = stem.with_suffix(".json"), stem.with_suffix(".csv")
    json_path.write_text(json.dumps(chain(results), indent=2, sort_keys=True) + "\n", encoding="utf-8")
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for r in results:
            row = {k: getattr(r, k) for k in CSV_FIELDS}
            row["clauses"] = "; ".join(f"{k} {', '.join(v)}" for k, v in r.clauses.items() if v)
            writer.writerow(row)
    return json_path, csv_path

"""Run the automatable OQ tests of the validation package (package/builder.py OQ_TESTS) in one
regulated validation account and region, and write the same tamper-evident record as the IQ.

Every step that is expected to be refused is a real attempt to weaken a protection. Two rules
keep that safe in an account that holds regulated records:
* A change is attempted only after the original setting has been read, so it can be put back.
* If a refused-expected change is accepted (the guard is missing), the original is restored at
  once, the step fails and the restoration is recorded as its own entry with what it observed.

What the run creates and can remove (a queue in a region outside the allowed set, a stopped
recorder) is removed or restarted. The test object's versions cannot be removed: COMPLIANCE-mode
Object Lock keeps them until their retain-until date, which is what OQ-REC-01 proves. They carry
the tag gxp:test-data=true and are listed in the record as labelled test data, with their
retain-until dates, as is any signature applied to them (the signature ledger is append-only).
"""

from __future__ import annotations

from pathlib import Path

import boto3

from ...config import AccountKind, EstateConfig
from ..record import RecordPaths, write_record
from .protocol import AUTOMATED, oq_verdict
from .run import OqRun
from .signature_client import Transport
from .steps import CSV_FIELDS, SIGNER_TOKEN_ENV, OqError, StepResult, shortest_retention_class  # noqa: F401


def validate_target(config: EstateConfig, account_role: str, region: str, data_class: str | None):
    """The account and data class the run targets; OqError names what to change otherwise."""
    from ..iq.runner import target_account

    account = target_account(config, account_role, region, OqError)
    if account.kind is not AccountKind.REGULATED:
        regulated = ", ".join(a.role for a in config.regulated_accounts) or "none"
        raise OqError(
            f"OQ runs in a regulated validation account; {account_role} is a {account.kind.value} account "
            f"(regulated accounts: {regulated})"
        )
    if not account.is_validation:
        validation = ", ".join(a.role for a in config.regulated_accounts if a.is_validation) or "none configured"
        raise OqError(
            f"OQ runs only in a validation account; {account_role} holds production records, and the OQ's test "
            f"records would stay there under Object Lock (validation accounts: {validation})"
        )
    if region not in config.workload_regions(account):
        raise OqError(
            f"{account_role} keeps no records in {region}; its workload regions are "
            f"{', '.join(config.workload_regions(account))}"
        )
    names = [d.name for d in config.data_classes]
    chosen = data_class or shortest_retention_class(config)
    if chosen not in names:
        raise OqError(f"unknown data class '{chosen}'; the config has: {', '.join(names)}")
    return account, next(d for d in config.data_classes if d.name == chosen)


def run_oq(
    session: boto3.Session,
    config: EstateConfig,
    account_role: str,
    region: str,
    *,
    data_class: str | None = None,
    signature_api: str | None = None,
    signer_token: str | None = None,
    meaning: str | None = None,
    transport: Transport | None = None,
    negative_tokens: dict[str, str] | None = None,
    **options,
) -> list[StepResult]:
    """``options``: release_tokens, instrument_identity, inside_vpc, restore_test, restore_wait_seconds,
    ledger_table, sleep (OqRun)."""
    from ..iq.runner import signed_in

    account, chosen = validate_target(config, account_role, region, data_class)
    if meaning is not None and meaning not in config.signatures.meanings:
        raise OqError(f"unknown meaning '{meaning}'; the config allows: {', '.join(config.signatures.meanings)}")
    session, identity = signed_in(session, account, account_role, region)
    run = OqRun(session, config, account, region, chosen, caller=identity["Arn"], signature_api=signature_api,
                signer_token=signer_token, meaning=meaning, transport=transport, negative_tokens=negative_tokens,
                **options)
    return run.execute()


def verdicts(results: list) -> dict[str, str]:
    """Per test, the verdict the validation package gives it (package/builder.py oq_verdict).
    Accepts StepResults or their JSON entries."""
    by_test: dict[str, list[str]] = {}
    for r in results:
        entry = r if isinstance(r, dict) else r.__dict__
        outcomes = by_test.setdefault(entry["test_id"], [])
        if entry["kind"] != "test data":
            outcomes.append(entry["outcome"])
    return {test_id: oq_verdict(outcomes) for test_id, outcomes in by_test.items()}


def write_results(results: list[StepResult], out_dir: str | Path, account_role: str, region: str, *,
                  header: dict | None = None, signer=None) -> RecordPaths:
    return write_record(
        results, out_dir, f"oq-{account_role}-{region}", csv_fields=CSV_FIELDS, outcome_field="outcome",
        title=f"Operational qualification record: {account_role} {region}",
        html_columns=("test_id", "step", "kind", "action", "resource", "expected", "observed", "checked_at", "caller"),
        header={"kind": "oq", "account_role": account_role, "region": region, **(header or {})}, signer=signer,
    )


__all__ = ["AUTOMATED", "OqError", "StepResult", "run_oq", "verdicts", "write_results"]

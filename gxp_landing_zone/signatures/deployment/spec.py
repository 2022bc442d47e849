"""What one deployment of the signature service is given: plain values the stack translates from
the config."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignatureServiceSpec:
    """What one deployment of the service needs to know, as plain values."""

    records_buckets: tuple[str, ...]
    records_key_aliases: tuple[str, ...]
    manifest_bucket_name: str
    access_log_bucket_name: str
    manifest_lock_days: int
    key_alias: str
    seal_key_alias: str
    signing_policy: dict
    signing_restrictions: dict
    auth_window_seconds: int
    signer_groups: tuple[str, ...]
    log_retention_days: int
    audit_bus_arn: str
    event_source: str
    role_names: dict  # purpose ("sign", "list", "verify", "token") -> IAM role name
    # Functions outside the service that verify signatures from its ledger: the release gates of the GenAI and
    # Compute stacks, and the record export of the Records stack.
    ledger_reader_role_arns: tuple[str, ...] = ()
    ledger_parameter_name: str | None = None
    # Only for a ledger written before sealing: ISO date sealing was deployed (see runtime/seal.py).
    unsealed_before: str | None = None
    # AWS Backup's role here: it backs the ledger up and restores it through DynamoDB (Annex 11 7.2).
    backup_role_arn: str | None = None
    # The account whose keys encrypt the records buckets, when they are another account's (the change
    # records the deployment account's service signs live in the log archive); default this account.
    records_key_account: str | None = None

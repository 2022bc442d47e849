"""python -m gxp_landing_zone.records --config config/reference.yaml --account-role regulated-us
    --region us-east-1 --bucket B --key K --version-id V --out export/ [--ledger-table T] [--audit-profile P]

Exports one record version (records/runtime/export.py) with the regulated account's credentials: the
original, its checked SHA-256, its metadata and signatures as HTML and JSON, its audit trail (queried in the
audit account with the profile given as --audit-profile, the audit log reader's), and MANIFEST.sha256.

Exit codes: 0 exported and verified, 1 exported but the SHA-256 did not verify, 2 usage, 3 credentials,
5 the version is being restored from an archive tier (run again after the wait printed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import boto3
from botocore.exceptions import ClientError

from ..config import load_config
from ..naming import Names
from ..validation.cli_errors import EXIT_FAILED, EXIT_USAGE, error, guarded
from .runtime.export import RecordExport

EXIT_RESTORING = 5
PROG = "python -m gxp_landing_zone.records"


def _verifier(session, config, names: Names, account, region: str, ledger_table: str | None):
    if not ledger_table:
        return None
    from ..signatures.runtime.service import SignatureService

    service = SignatureService(
        s3=session.client("s3", region_name=region), dynamodb=session.client("dynamodb", region_name=region),
        events=session.client("events", region_name=region), kms=session.client("kms", region_name=region),
        seal_key=names.signature_seal_key_alias(), ledger_table=ledger_table,
        manifest_bucket=names.signature_manifest_bucket(account.id, region),
        records_buckets={names.records_bucket(c.name, account.id, region) for c in config.data_classes},
        event_bus_name="default",
    )
    return service.verify


def run(args) -> int:
    config = load_config(args.config)
    names = Names(config)
    try:
        account = config.account(args.account_role)
    except KeyError:
        return error(PROG, f"--account-role: unknown account role '{args.account_role}'", EXIT_USAGE)
    if account.jurisdiction is None or args.region not in config.workload_regions(account):
        return error(PROG, f"--region: {args.account_role} keeps no records in {args.region}", EXIT_USAGE)
    session = boto3.Session()
    athena = None
    if args.audit_profile:
        athena = boto3.Session(profile_name=args.audit_profile).client("athena", region_name=config.home_region)
    exporter = RecordExport(
        s3=session.client("s3", region_name=args.region),
        verify=_verifier(session, config, names, account, args.region, args.ledger_table),
        athena=athena, trail_table=f'"{names.TRAIL_REVIEW_DATABASE}"."{names.TRAIL_REVIEW_TABLE}"',
        workgroup=names.TRAIL_REVIEW_WORKGROUP,
    )
    try:
        bundle = exporter.export(args.bucket, args.key, args.version_id)
    except ClientError as exc:
        return error(PROG, f"{args.bucket}/{args.key} version {args.version_id}: {exc}", EXIT_FAILED)
    if not bundle.ready:
        print(bundle.verdict)
        return EXIT_RESTORING
    out = Path(args.out)
    for name, body in bundle.files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    print(f"{bundle.verdict}; {len(bundle.files)} files in {out} (MANIFEST.sha256 lists their SHA-256)")
    return 0 if bundle.verified else EXIT_FAILED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog=PROG, description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, help="estate YAML, e.g. config/reference.yaml")
    parser.add_argument("--account-role", required=True, help="the regulated account holding the record, e.g. regulated-us")
    parser.add_argument("--region", required=True, help="the region of its records bucket, e.g. us-east-1")
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--version-id", required=True, help="the exact version to export")
    parser.add_argument("--out", default="record-export", help="directory for the bundle")
    parser.add_argument("--ledger-table", help="the signature ledger table (Signatures stack); verifies signatures")
    parser.add_argument("--audit-profile", help="AWS profile of the audit log reader; adds the audit trail")
    args = parser.parse_args(argv)
    code, stop = guarded(PROG, lambda: run(args), ())
    return stop if stop is not None else code


if __name__ == "__main__":
    sys.exit(main())

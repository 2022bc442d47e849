"""python -m gxp_landing_zone.records --config config/reference.yaml --account-role regulated-us
    --region us-east-1 --bucket B --key K --version-id V --out export/ [--ledger-table T] [--audit-profile P] [--pdf]
python -m gxp_landing_zone.records --config config/reference.yaml --account-role regulated-us
    --region us-east-1 --verify-bundle DIR|s3://exports-bucket/exports/.../

Exports one record version (records/runtime/export.py) with the regulated account's credentials: the
original, its checked SHA-256, its metadata and signatures as HTML (and PDF with --pdf) and JSON, its audit
trail (queried in the audit account with the profile given as --audit-profile, the audit log reader's), and
MANIFEST.sha256. The export function in the account (GXP-REC-07) writes the same bundle without the audit trail,
with the manifest signed; --verify-bundle checks such a bundle: every file against the manifest and the
manifest's signature with kms:Verify against the account's export signing key.

Exit codes: 0 exported and verified (or the bundle verifies), 1 exported but the SHA-256 did not verify (or the
bundle does not verify), 2 usage, 3 credentials, 5 the version is being restored from an archive tier (run again
after the wait printed)."""

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
from .runtime.export_handler import unsigned_as_empty
from .runtime.export_signing import MANIFEST, verify_bundle

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
    return unsigned_as_empty(service.verify)


def _bundle_files(session, location: str, region: str) -> dict[str, bytes]:
    """The files of a bundle: a local directory, or an export's prefix in the exports bucket."""
    if not location.startswith("s3://"):
        root = Path(location)
        if not root.is_dir():
            raise FileNotFoundError(f"--verify-bundle: {location} is not a directory")
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    bucket, _, prefix = location[len("s3://"):].partition("/")
    prefix = prefix if prefix.endswith("/") else prefix + "/"
    s3 = session.client("s3", region_name=region)
    files = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            files[item["Key"][len(prefix):]] = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return files


def verify(args, names: Names, account, session) -> int:
    try:
        files = _bundle_files(session, args.verify_bundle, args.region)
    except FileNotFoundError as exc:
        return error(PROG, str(exc), EXIT_USAGE)
    expected = f"arn:aws:kms:{args.region}:{account.id}:{names.RECORD_EXPORT_SIGNING_KEY_ALIAS}"
    problems = verify_bundle(session.client("kms", region_name=args.region), files, expected)
    if problems:
        print(f"{args.verify_bundle} does NOT verify:")
        for problem in problems:
            print(f"  - {problem}")
        return EXIT_FAILED
    print(f"{args.verify_bundle} verifies: {len(files) - 3} files match {MANIFEST}, signed by {expected}")
    return 0


def _add_pdf(bundle) -> None:
    """record.pdf printed from record.html in headless Chromium (the validation package's printer), listed in
    the manifest like every other file."""
    import tempfile

    from ..validation.package.graphviz import print_pages

    with tempfile.TemporaryDirectory() as scratch:
        html, pdf = Path(scratch) / "record.html", Path(scratch) / "record.pdf"
        html.write_bytes(bundle.files["record.html"])
        print_pages([(html, pdf)], inspect=False)
        bundle.files["record.pdf"] = pdf.read_bytes()
    bundle.files.pop(MANIFEST)
    bundle.files[MANIFEST] = bundle.manifest()


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
    if args.verify_bundle:
        return verify(args, names, account, session)
    missing = [f"--{n.replace('_', '-')}" for n in ("bucket", "key", "version_id") if not getattr(args, n)]
    if missing:
        return error(PROG, f"{', '.join(missing)}: name the record version to export (or give --verify-bundle DIR)",
                     EXIT_USAGE)
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
    if args.pdf:
        from ..validation.package.errors import PackageError

        try:
            _add_pdf(bundle)
        except PackageError as exc:
            print(f"{PROG}: --pdf: {exc}; the bundle is written without record.pdf (record.html prints from a browser)",
                  file=sys.stderr)
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
    parser.add_argument("--bucket", help="the records bucket, e.g. exbio-records-raw-lab-data-444444444444-use1")
    parser.add_argument("--key", help="the record's key")
    parser.add_argument("--version-id", help="the exact version to export")
    parser.add_argument("--out", default="record-export", help="directory for the bundle")
    parser.add_argument("--ledger-table", help="the signature ledger table (Signatures stack); verifies signatures")
    parser.add_argument("--audit-profile", help="AWS profile of the audit log reader; adds the audit trail")
    parser.add_argument("--pdf", action="store_true", help="also print record.html to record.pdf (headless Chromium)")
    parser.add_argument("--verify-bundle", metavar="DIR|S3_URL",
                        help="check a bundle the export function wrote: its files against MANIFEST.sha256 and the "
                             "manifest's signature against the account's export signing key")
    args = parser.parse_args(argv)
    code, stop = guarded(PROG, lambda: run(args), ())
    return stop if stop is not None else code


if __name__ == "__main__":
    sys.exit(main())

"""The record export as a function in the regulated account (21 CFR 11.10(b); Annex 11 8.1): invoked by QA with
{"bucket", "key", "version_id"}, it exports that record version (export.py), signs the bundle's manifest with the
account's export signing key (export_signing.py) and writes every file, each with its SHA-256 stored by S3, under
exports/<bucket>/<key>/<version_id>/<UTC time>/ of the record exports bucket (Object Lock COMPLIANCE). It answers
where the bundle is, the checksum verdict, the manifest's SHA-256 and the signing key.

A version in an archive tier is not exported: a restore is requested and the answer states the wait; nothing is
written. The signatures come from the signature service's own verification, reading its ledger. The audit trail
is not part of the function's bundle: it is queried in the audit account, which trusts no role of the regulated
account; `make export-record ... AUDIT_PROFILE=` adds it (the bundle says so).

Environment: EXPORT_BUCKET, SIGNING_KEY (key ARN), RECORDS_BUCKETS (comma-separated: the only buckets it
exports from), and for the signatures LEDGER_PARAMETER (SSM name of the ledger table), MANIFEST_BUCKET and
LEDGER_SEAL_KEY."""

from __future__ import annotations

import json
import logging
import os
from datetime import datetime, timezone
from typing import Any, Callable, Mapping

from botocore.exceptions import ClientError

from .export import RecordExport
from .export_signing import MANIFEST, SIGNATURE_INFO, sign_manifest

log = logging.getLogger(__name__)

WITHOUT_TRAIL = (
    "(not queried by the export function: the organization trail is reviewed in the audit account, which trusts "
    "no role of this account; make export-record with AUDIT_PROFILE= adds this record's audit trail)"
)
REQUIRED = ("bucket", "key", "version_id")


class ExportRefused(ValueError):
    """A request the function will not act on, with the field and the fix."""


def _request(event: Any, allowed: frozenset[str]) -> tuple[str, str, str]:
    if not isinstance(event, Mapping):
        raise ExportRefused('the request must be a JSON object: {"bucket": ..., "key": ..., "version_id": ...}')
    for field in REQUIRED:
        value = event.get(field)
        if not isinstance(value, str) or not value.strip():
            raise ExportRefused(f"{field}: give the record's {field.replace('_', ' ')} as a non-empty string")
    if event["bucket"] not in allowed:
        raise ExportRefused(f"bucket: {event['bucket']} is not a records bucket of this account and region; "
                            f"one of {', '.join(sorted(allowed))}")
    return event["bucket"], event["key"], event["version_id"]


class ExportFunction:
    def __init__(self, *, s3: Any, kms: Any, env: Mapping[str, str], verify: Callable | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> None:
        self.s3, self.kms, self.verify, self.clock = s3, kms, verify, clock
        self.export_bucket, self.signing_key = env["EXPORT_BUCKET"], env["SIGNING_KEY"]
        self.records_buckets = frozenset(b for b in env.get("RECORDS_BUCKETS", "").split(",") if b)

    def handle(self, event: Any) -> dict[str, Any]:
        try:
            bucket, key, version_id = _request(event, self.records_buckets)
        except ExportRefused as exc:
            return {"status": "refused", "error": str(exc)}
        exporter = RecordExport(s3=self.s3, verify=self.verify, without_trail=WITHOUT_TRAIL)
        try:
            bundle = exporter.export(bucket, key, version_id)
        except ClientError as exc:
            error = exc.response.get("Error", {})
            return {"status": "failed", "error": f"{bucket}/{key} version {version_id}: "
                                                 f"{error.get('Code', 'error')}: {error.get('Message', '')}".strip()}
        if not bundle.ready:
            return {"status": "restoring", "verdict": bundle.verdict, "written": False}
        bundle.files.update(sign_manifest(self.kms, self.signing_key, bundle.files[MANIFEST], clock=self.clock))
        prefix = f"exports/{bucket}/{key}/{version_id}/{self.clock().strftime('%Y%m%dT%H%M%SZ')}/"
        for name, body in sorted(bundle.files.items()):
            # The stored SHA-256 lets anyone check each file against S3's own checksum, as the export does.
            self.s3.put_object(Bucket=self.export_bucket, Key=prefix + name, Body=body, ChecksumAlgorithm="SHA256")
        signed = json.loads(bundle.files[SIGNATURE_INFO])
        log.info("exported %s/%s version %s to s3://%s/%s", bucket, key, version_id, self.export_bucket, prefix)
        return {
            "status": "exported",
            "location": f"s3://{self.export_bucket}/{prefix}",
            "verdict": bundle.verdict,
            "verified": bundle.verified,
            "files": len(bundle.files),
            "manifest_sha256": signed["manifest_sha256"],
            "signing_key": signed["key_arn"],
            "audit_trail": WITHOUT_TRAIL.strip("()"),
        }


def _signature_verifier(env: Mapping[str, str], records_buckets: frozenset[str]) -> Callable | None:
    """The signature service's own verification over its ledger; a record without signatures has none."""
    if not env.get("LEDGER_PARAMETER"):
        return None
    import boto3

    from ...signatures.runtime.service import SignatureService

    table = boto3.client("ssm").get_parameter(Name=env["LEDGER_PARAMETER"])["Parameter"]["Value"]
    service = SignatureService(s3=boto3.client("s3"), dynamodb=boto3.client("dynamodb"), events=None,
                               kms=boto3.client("kms"), seal_key=env.get("LEDGER_SEAL_KEY") or None, ledger_table=table,
                               manifest_bucket=env["MANIFEST_BUCKET"], records_buckets=records_buckets,
                               event_bus_name="default")
    return unsigned_as_empty(service.verify)


def unsigned_as_empty(verify: Callable[[str, str, str], dict]) -> Callable[[str, str, str], dict]:
    """The service's verification, where a record nobody signed has an empty list, not an error."""
    from ...signatures.runtime.errors import NotFound

    def verified(bucket: str, key: str, version_id: str) -> dict:
        try:
            return verify(bucket, key, version_id)
        except NotFound:
            return {"signatures": [], "chain": {"valid": True}, "note": "no signatures recorded for this record"}

    return verified


_FUNCTION: ExportFunction | None = None


def handler(event: Any, context: Any = None) -> dict[str, Any]:
    global _FUNCTION
    if _FUNCTION is None:
        import boto3

        env = os.environ
        buckets = frozenset(b for b in env.get("RECORDS_BUCKETS", "").split(",") if b)
        _FUNCTION = ExportFunction(s3=boto3.client("s3"), kms=boto3.client("kms"), env=env,
                                   verify=_signature_verifier(env, buckets))
    return _FUNCTION.handle(event)

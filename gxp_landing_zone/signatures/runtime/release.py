"""The printable release record of one record version (Annex 11 8.2, 15; 11.50(b)).

It shows the signed manifestations with the record's SHA-256, whether every signature still verifies,
and whether the data changed since it was first entered: a version is immutable under Object Lock, so
a change is a later (or earlier) version of the same record, and the printout lists them all. The
release signatures are those carrying a meaning reserved to named groups (batch release by a Qualified
Person)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from html import escape
from typing import Any

from botocore.exceptions import ClientError

from .canonical import utc_timestamp

CSS = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}table{border-collapse:collapse;width:100%}"
    "th,td{border:1px solid #999;padding:.25rem .4rem;text-align:left;vertical-align:top;word-break:break-all}"
    ".verdict{font-weight:700}.bad{color:#a40000}@page{size:A4 portrait;margin:15mm}"
    "@media print{tr{break-inside:avoid}}"
)


class ReleaseRecords:
    """The release-record operation of the signature service."""

    def release_record(self, bucket: str, key: str, version_id: str) -> dict[str, Any]:
        report = self.verify(bucket, key, version_id)
        history = self._history(bucket, key)
        position = next((i for i, v in enumerate(history) if v["version_id"] == version_id), None)
        digest, problem = self._hash_or_problem(bucket, key, version_id)
        release_meanings = set(self.policy.restricted_meanings)
        releases = [s for s in report["signatures"] if s.get("meaning") in release_meanings]
        record = {
            "record_id": report["record_id"],
            "bucket": bucket,
            "key": key,
            "version_id": version_id,
            "sha256": digest,
            "stored_sha256": self._stored_sha256(bucket, key, version_id),
            "read_problem": problem,
            "versions": history,
            "version_number": None if position is None else position + 1,
            # Annex 11 8.2: any other version of the record means its data changed at some point.
            "changed_since_original_entry": len(history) > 1,
            "signatures": report["signatures"],
            "chain": report["chain"],
            "valid": report["valid"],
            "released": bool(releases) and all(s["valid"] for s in releases) and report["valid"],
            "printed_at": utc_timestamp(self.clock()),
        }
        record["html"] = render(record, sorted(release_meanings))
        return record

    def _history(self, bucket: str, key: str) -> list[dict[str, Any]]:
        versions = []
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=bucket, Prefix=key):
            versions += [
                {"version_id": v["VersionId"], "written_at": _when(v.get("LastModified")), "size": v.get("Size")}
                for v in page.get("Versions", [])
                if v.get("Key") == key
            ]
        return sorted(versions, key=lambda v: v["written_at"] or "")

    def _stored_sha256(self, bucket: str, key: str, version_id: str) -> str | None:
        """The SHA-256 S3 stored with the version (hex), if it was written with one."""
        try:
            head = self.s3.head_object(Bucket=bucket, Key=key, VersionId=version_id, ChecksumMode="ENABLED")
        except ClientError:
            return None
        value = head.get("ChecksumSHA256")
        if not value or "-" in value:  # a multipart upload's checksum of part checksums is no content hash
            return None
        try:
            return base64.b64decode(value).hex()
        except (binascii.Error, ValueError):
            return None


def _when(value: Any) -> str | None:
    return utc_timestamp(value) if isinstance(value, datetime) else None


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def render(r: dict[str, Any], release_meanings: list[str]) -> str:
    verdict = "RELEASED" if r["released"] else "NOT RELEASED"
    changed = (
        f"Yes: the record has {len(r['versions'])} versions; this is version {r['version_number'] or '?'}"
        if r["changed_since_original_entry"] else "No: this is the only version of the record, unchanged since entry"
    )
    content = r["read_problem"] or (
        f"SHA-256 {r['sha256']}" + (" (matches the checksum S3 stored)" if r["stored_sha256"] == r["sha256"]
                                    else " (S3 stored no SHA-256 for it)" if r["stored_sha256"] is None
                                    else f" (S3 stored {r['stored_sha256']}: MISMATCH)")
    )
    facts = [("Record", f"s3://{r['bucket']}/{r['key']}"), ("Version", r["version_id"]), ("Content", content),
             ("Changed since original entry", changed), ("Signatures and ledger verify", "yes" if r["valid"] else "NO"),
             ("Release meanings", ", ".join(release_meanings) or "none configured"), ("Printed", r["printed_at"])]
    rows = "".join(
        f"<tr><td>{_e(s['seq'])}</td><td>{_e(s['manifestation'])}</td><td>{_e(s['manifest_hash'])}</td>"
        f"<td class=\"{'' if s['valid'] else 'bad'}\">{'valid' if s['valid'] else _e('; '.join(s['problems']))}</td></tr>"
        for s in r["signatures"]
    ) or '<tr><td colspan="4">No signature on this version.</td></tr>'
    versions = "".join(
        f"<tr><td>{i}</td><td>{_e(v['version_id'])}</td><td>{_e(v['written_at'])}</td><td>{_e(v['size'])}</td></tr>"
        for i, v in enumerate(r["versions"], start=1)
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Release record {_e(r["key"])}</title>'
        f"<style>{CSS}</style></head><body><h1>Batch release record</h1>"
        f'<p class="verdict{"" if r["released"] else " bad"}">{verdict}</p><table>'
        + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in facts)
        + "</table><h2>Signatures (manifestation, manifest SHA-256, verification)</h2>"
        "<table><tr><th>Seq</th><th>Manifestation</th><th>Manifest SHA-256</th><th>Verification</th></tr>"
        f"{rows}</table><h2>Versions of this record</h2>"
        f"<table><tr><th>#</th><th>Version</th><th>Written (UTC)</th><th>Bytes</th></tr>{versions}</table>"
        "</body></html>"
    )

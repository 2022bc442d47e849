"""An accurate and complete copy of one record version for an inspector (21 CFR 11.10(b); Annex 11 8.1;
the Japanese guideline's readability): the byte-identical original with its SHA-256 checked against the
checksum S3 stored, its metadata in human-readable form (HTML with print CSS), every electronic signature
on it with its manifestation as the signature service verifies it, its audit trail from the organization
trail's data events, and a manifest of the SHA-256 of every file of the bundle.

A version in an archive tier that cannot be read at once (S3 Glacier Flexible Retrieval, Deep Archive) is
not copied: a restore is requested and the export says how long to wait before asking again
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/restoring-objects-retrieval-options.html).

boto3 only, so the same code can run as a function in the regulated account."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from .export_render import render_metadata, render_signatures

# Storage classes whose versions must be restored before they can be read, and how long S3 documents
# a Standard-tier restore to take.
RESTORE_FIRST = {
    "GLACIER": "3-5 hours (S3 Glacier Flexible Retrieval, Standard retrieval)",
    "DEEP_ARCHIVE": "up to 12 hours (S3 Glacier Deep Archive, Standard retrieval)",
}
RESTORE_DAYS = 7


@dataclass
class Bundle:
    """The files of an export (name -> bytes), or why there are none yet."""

    files: dict[str, bytes] = field(default_factory=dict)
    verdict: str = ""
    ready: bool = True
    verified: bool = False  # the copy's SHA-256 equals the checksum S3 stored with the version

    def manifest(self) -> bytes:
        lines = [f"{hashlib.sha256(body).hexdigest()}  {name}" for name, body in sorted(self.files.items())]
        return ("\n".join(lines) + "\n").encode()


class RecordExport:
    def __init__(self, *, s3: Any, verify: Callable[[str, str, str], dict] | None = None, athena: Any = None,
                 trail_table: str | None = None, workgroup: str | None = None, poll_seconds: float = 2.0,
                 without_trail: str = "(the audit trail was not queried: no trail table given)") -> None:
        self.s3, self.verify, self.athena, self.without_trail = s3, verify, athena, without_trail
        self.trail_table, self.workgroup, self.poll_seconds = trail_table, workgroup, poll_seconds

    def export(self, bucket: str, key: str, version_id: str) -> Bundle:
        head = self.s3.head_object(Bucket=bucket, Key=key, VersionId=version_id, ChecksumMode="ENABLED")
        storage = head.get("StorageClass", "STANDARD")
        restore = head.get("Restore") or ""
        if storage in RESTORE_FIRST and 'ongoing-request="false"' not in restore:
            if 'ongoing-request="true"' not in restore:
                self.s3.restore_object(Bucket=bucket, Key=key, VersionId=version_id, RestoreRequest={
                    "Days": RESTORE_DAYS, "GlacierJobParameters": {"Tier": "Standard"}})
            return Bundle(ready=False, verdict=f"{key} version {version_id} is in {storage}: a restore was requested; "
                                               f"export again in {RESTORE_FIRST[storage]}")
        body = self.s3.get_object(Bucket=bucket, Key=key, VersionId=version_id)["Body"].read()
        bundle = Bundle()
        name = key.rsplit("/", 1)[-1] or "object"
        bundle.files[f"original/{name}"] = body
        checksum = self._checksum(head, body)
        metadata = self._metadata(bucket, key, version_id, head, checksum)
        bundle.files["metadata.json"] = json.dumps(metadata, indent=2, sort_keys=True, default=str).encode()
        signatures = self.verify(bucket, key, version_id) if self.verify else None
        bundle.files["signatures.json"] = json.dumps(signatures, indent=2, sort_keys=True, default=str).encode()
        trail = self._trail(bucket, key, version_id)
        bundle.files["audit-trail.csv"] = trail
        bundle.files["record.html"] = render_metadata(metadata, checksum, render_signatures(signatures)).encode()
        bundle.verdict, bundle.verified = checksum["verdict"], checksum["verified"]
        bundle.files["MANIFEST.sha256"] = bundle.manifest()
        return bundle

    @staticmethod
    def _checksum(head: dict, body: bytes) -> dict:
        digest = hashlib.sha256(body).digest()
        stored, kind = head.get("ChecksumSHA256"), head.get("ChecksumType")
        computed = base64.b64encode(digest).decode()
        if not stored:
            verdict = "no SHA-256 stored with this version: the copy is byte-for-byte what S3 returned, unverified"
        elif kind == "COMPOSITE" or "-" in stored:
            verdict = ("stored SHA-256 is a checksum of the parts of a multipart upload; the whole-object SHA-256 "
                       "is recorded here, not compared")
        elif stored == computed:
            verdict = "SHA-256 verified: the copy is identical to the stored version"
        else:
            verdict = "SHA-256 MISMATCH: the bytes read differ from the checksum stored with the version"
        return {"stored": stored, "computed": computed, "hex": digest.hex(), "verdict": verdict,
                "verified": bool(stored) and stored == computed}

    def _metadata(self, bucket: str, key: str, version_id: str, head: dict, checksum: dict) -> dict:
        tags = self.s3.get_bucket_tagging(Bucket=bucket).get("TagSet", [])
        return {
            "bucket": bucket, "key": key, "version_id": version_id,
            "data_class": next((t["Value"] for t in tags if t["Key"] == "gxp:retention-class"), None),
            "size": head.get("ContentLength"), "last_modified": head.get("LastModified"),
            "content_type": head.get("ContentType"), "storage_class": head.get("StorageClass", "STANDARD"),
            "object_lock_mode": head.get("ObjectLockMode"), "retain_until": head.get("ObjectLockRetainUntilDate"),
            "legal_hold": head.get("ObjectLockLegalHoldStatus"), "encryption": head.get("ServerSideEncryption"),
            "kms_key": head.get("SSEKMSKeyId"), "sha256": checksum["hex"],
        }

    def _trail(self, bucket: str, key: str, version_id: str) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["eventtime", "eventname", "principal", "sourceipaddress", "vpcendpointid", "errorcode",
                         "version_id"])
        if self.athena is None or not self.trail_table:
            writer.writerow([self.without_trail])
            return out.getvalue().encode()
        escaped = key.replace("'", "''")
        sql = (
            "SELECT eventtime, eventname, useridentity.arn, sourceipaddress, vpcendpointid, errorcode, "
            "coalesce(json_extract_scalar(requestparameters, '$.versionId'), "
            "json_extract_scalar(responseelements, '$.x-amz-version-id')) AS version_id "
            f"FROM {self.trail_table} WHERE eventsource = 's3.amazonaws.com' "
            f"AND json_extract_scalar(requestparameters, '$.bucketName') = '{bucket}' "
            f"AND json_extract_scalar(requestparameters, '$.key') = '{escaped}' ORDER BY eventtime"
        )
        started = self.athena.start_query_execution(QueryString=sql, WorkGroup=self.workgroup)["QueryExecutionId"]
        while True:
            state = self.athena.get_query_execution(QueryExecutionId=started)["QueryExecution"]["Status"]["State"]
            if state in ("SUCCEEDED", "FAILED", "CANCELLED"):
                break
            time.sleep(self.poll_seconds)
        if state != "SUCCEEDED":
            writer.writerow([f"(the audit-trail query {started} ended {state})"])
            return out.getvalue().encode()
        # Every event on the key is listed; those on this version carry its ID (reads and writes name it).
        token, first = None, True
        while True:
            page = self.athena.get_query_results(QueryExecutionId=started, **({"NextToken": token} if token else {}))
            rows = page["ResultSet"]["Rows"][1:] if first else page["ResultSet"]["Rows"]
            writer.writerows([d.get("VarCharValue", "") for d in row["Data"]] for row in rows)
            token, first = page.get("NextToken"), False
            if not token:
                return out.getvalue().encode()

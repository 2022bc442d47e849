"""The record versions being signed, read from the GxP records buckets and hashed (11.70).

Reading a version can fail in two ways that are findings about the record, not faults of the
service, and each gets a verdict: the bytes S3 returns no longer match the checksum S3 stored with
them (boto3 checks a stored checksum on every read and raises FlexibleChecksumError), and a version
in an archive storage class must be restored before it can be read (S3 answers InvalidObjectState).
"""

from __future__ import annotations

import hashlib
from typing import Any

from botocore.exceptions import ClientError, FlexibleChecksumError

from .errors import Conflict, Forbidden, NotFound, SignatureRefused

_CHUNK = 1024 * 1024
_MISSING_STATUSES = {400, 404, 405}  # bad version id, no such version, delete marker
CHECKSUM_MISMATCH = "record content does not match the checksum S3 stored with it: the stored bytes changed"


class RecordVersions:
    """Record-version reads of the signature service, confined to the records buckets."""

    s3: Any
    records_buckets: frozenset[str]

    def _check_bucket(self, bucket: str) -> None:
        # Only the GxP records buckets are in scope; anything else is refused
        # before a single byte is read or written.
        if bucket not in self.records_buckets:
            raise Forbidden(f"bucket '{bucket}' is not a GxP records bucket", "bucket_not_allowed")

    def _require_version(self, bucket: str, key: str, version_id: str) -> None:
        try:
            self.s3.head_object(Bucket=bucket, Key=key, VersionId=version_id)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") in _MISSING_STATUSES:
                raise NotFound(f"version {version_id} of s3://{bucket}/{key} does not exist", "version_not_found") from None
            raise

    def _hash_version(self, bucket: str, key: str, version_id: str) -> str:
        where = f"version {version_id} of s3://{bucket}/{key}"
        try:
            obj = self.s3.get_object(Bucket=bucket, Key=key, VersionId=version_id)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "InvalidObjectState":
                raise Conflict(
                    f"{where} is in an archive storage class and must be restored before it can be read "
                    "(make export-record restores it and states the wait)",
                    "record_archived",
                ) from None
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") in _MISSING_STATUSES:
                raise NotFound(f"{where} does not exist", "version_not_found") from None
            raise
        if obj.get("VersionId") != version_id:
            raise NotFound(f"{where} does not exist", "version_not_found")
        digest, body = hashlib.sha256(), obj["Body"]
        try:
            for chunk in iter(lambda: body.read(_CHUNK), b""):
                digest.update(chunk)
        except FlexibleChecksumError:
            raise Conflict(f"{CHECKSUM_MISMATCH} ({where})", "checksum_mismatch") from None
        return digest.hexdigest()

    def _hash_or_problem(self, bucket: str, key: str, version_id: Any) -> tuple[str | None, str | None]:
        """(SHA-256, None), or (None, why the version cannot be hashed) as a verdict for verification."""
        if not isinstance(version_id, str):
            return None, f"record version {version_id} can no longer be retrieved"
        try:
            return self._hash_version(bucket, key, version_id), None
        except NotFound:
            return None, f"record version {version_id} can no longer be retrieved"
        except SignatureRefused as refusal:
            return None, refusal.reason

"""The record versions being signed, read from the GxP records buckets and hashed (11.70)."""

from __future__ import annotations

import hashlib
from typing import Any

from botocore.exceptions import ClientError

from .errors import Forbidden, NotFound

_CHUNK = 1024 * 1024
_MISSING_STATUSES = {400, 404, 405}  # bad version id, no such version, delete marker


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
        try:
            obj = self.s3.get_object(Bucket=bucket, Key=key, VersionId=version_id)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") in _MISSING_STATUSES:
                raise NotFound(f"version {version_id} of s3://{bucket}/{key} does not exist", "version_not_found") from None
            raise
        if obj.get("VersionId") != version_id:
            raise NotFound(f"version {version_id} of s3://{bucket}/{key} does not exist", "version_not_found")
        digest, body = hashlib.sha256(), obj["Body"]
        for chunk in iter(lambda: body.read(_CHUNK), b""):
            digest.update(chunk)
        return digest.hexdigest()

    def _hash_version_or_none(self, bucket: str, key: str, version_id: Any) -> str | None:
        if not isinstance(version_id, str):
            return None
        try:
            return self._hash_version(bucket, key, version_id)
        except NotFound:
            return None

"""The retained copy of every manifest in the manifest bucket (Object Lock is set by the
infrastructure), so an entry removed from the ledger's tail is still noticed."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import ClientError

from .errors import Conflict
from .manifest import SignatureManifest
from .seal import SEAL_FIELDS


COPY_WRITE_ATTEMPTS = 4


def manifest_object_key(bucket: str, key: str, version_id: str, seq: int) -> str:
    return f"manifests/{bucket}/{key}/{version_id}/{seq}.json"


class ManifestCopies:
    """Manifest-copy reads and writes of the signature service."""

    s3: Any
    manifest_bucket: str

    @staticmethod
    def _copy_key(manifest: SignatureManifest) -> str:
        return manifest_object_key(manifest.record_bucket, manifest.record_key, manifest.record_version_id, manifest.seq)

    def _put_manifest_copy(self, manifest: SignatureManifest, seal: Mapping[str, Any] | None = None) -> None:
        document = {
            "manifest": manifest.to_dict(),
            "manifest_hash": manifest.manifest_hash,
            "manifestation": manifest.manifestation,
            # The service seal travels with the copy, so a copy alone shows who wrote it.
            **{k: v for k, v in (seal or {}).items() if k in SEAL_FIELDS},
        }
        body = json.dumps(document, sort_keys=True, ensure_ascii=False).encode("utf-8")
        for attempt in range(COPY_WRITE_ATTEMPTS):
            try:
                self.s3.put_object(
                    Bucket=self.manifest_bucket,
                    Key=self._copy_key(manifest),
                    Body=body,
                    ContentType="application/json",
                    # Object Lock buckets require an integrity checksum on upload.
                    ChecksumAlgorithm="SHA256",
                    # Written once: a signer completing a copy it saw missing (the writer may only
                    # be slow) and the writer itself, or a retried request, would otherwise leave two
                    # versions, which the integrity check reads as a rewrite and suspends signing.
                    # S3 conditional writes refuse a second write with 412 (409 while another
                    # conditional write of the key is in progress): AmazonS3 userguide,
                    # conditional-writes.html.
                    IfNoneMatch="*",
                )
                return
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code")
                if code == "ConditionalRequestConflict" and attempt + 1 < COPY_WRITE_ATTEMPTS:
                    time.sleep(random.uniform(0, 0.05 * (attempt + 1)))
                    continue
                if code not in ("PreconditionFailed", "ConditionalRequestConflict"):
                    raise
            if self._current_copy_hash(manifest) != manifest.manifest_hash:
                raise Conflict(
                    f"a different manifest copy is already retained at {self._copy_key(manifest)}; signing suspended",
                    "ledger_integrity",
                )
            return

    def _current_copy_hash(self, manifest: SignatureManifest) -> str | None:
        try:
            obj = self.s3.get_object(Bucket=self.manifest_bucket, Key=self._copy_key(manifest))
            return SignatureManifest.from_dict(json.loads(obj["Body"].read())["manifest"]).manifest_hash
        except (ClientError, ValueError, KeyError, TypeError):
            return None

    def _load_manifest_copies(self, bucket: str, key: str) -> dict[int, dict[str, Any]]:
        """seq -> {"hash": recomputed manifest hash or None, "written_at": when S3 stored the copy, "problems": [...]}.

        The oldest version of each copy is authoritative: copies are written
        once, so any later version is itself evidence of tampering.
        """
        prefix = f"manifests/{bucket}/{key}/"
        versions: dict[str, list[dict[str, Any]]] = {}
        deleted: set[str] = set()
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=self.manifest_bucket, Prefix=prefix):
            for v in page.get("Versions", []):
                versions.setdefault(v["Key"], []).append(v)
            deleted.update(m["Key"] for m in page.get("DeleteMarkers", []))
        copies: dict[int, dict[str, Any]] = {}
        for object_key, object_versions in versions.items():
            parts = object_key[len(prefix):].split("/")
            # Deeper paths belong to other records whose key extends this one.
            if len(parts) != 2 or not parts[1].endswith(".json") or not parts[1][:-5].isdigit():
                continue
            seq = int(parts[1][:-5])
            # S3 lists newest first; on equal timestamps the last listed is oldest.
            oldest = min(reversed(object_versions), key=lambda v: v["LastModified"])
            copy = {"hash": None, "written_at": oldest.get("LastModified"), "problems": []}
            if len(object_versions) > 1:
                copy["problems"].append(f"manifest copy was rewritten ({len(object_versions)} versions)")
            if object_key in deleted:
                copy["problems"].append("someone attempted to delete the manifest copy")
            try:
                obj = self.s3.get_object(Bucket=self.manifest_bucket, Key=object_key, VersionId=oldest["VersionId"])
                manifest = SignatureManifest.from_dict(json.loads(obj["Body"].read())["manifest"])
                copy["hash"] = manifest.manifest_hash
                if manifest.seq != seq or manifest.record_version_id != parts[0]:
                    copy["problems"].append("manifest copy is stored under the wrong path")
            except (ValueError, KeyError, TypeError) as exc:
                copy["problems"].append(f"manifest copy is unreadable: {exc}")
            copies[seq] = copy
        return copies

    def _object_exists(self, bucket: str, key: str) -> bool:
        try:
            self.s3.head_object(Bucket=bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return False
            raise
        return True

"""Where change records live: the log archive's evidence bucket, under Object Lock COMPLIANCE, one folder
per pipeline execution. Every object is written with a SHA-256 checksum (Object Lock buckets require an
integrity checksum on upload) and is never overwritten by a repeated step: a step retried with the same
content finds its object and reuses that version.

    change-records/<pipeline>/release-candidate.json      one version per execution: what QA signs
    change-records/<pipeline>/<execution>/qualification/   IQ and OQ records of the execution
    change-records/<pipeline>/<execution>/release.json     the release gate's decision
    change-records/<pipeline>/<execution>/change-record.json and .html   the complete record
    change-records/emergencies/<id>.json and .html         retrospective records of break-glass changes
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from ..naming import CHANGE_RECORD_PREFIX

CANDIDATE = "release-candidate.json"
EXECUTION_METADATA = "execution-id"


def canonical(document: Any) -> bytes:
    return json.dumps(document, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8") + b"\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Stored:
    bucket: str
    key: str
    version_id: str
    sha256: str

    def to_dict(self) -> dict:
        return {"bucket": self.bucket, "key": self.key, "version_id": self.version_id, "sha256": self.sha256}


class EvidenceStore:
    def __init__(self, s3, bucket: str, pipeline: str) -> None:
        self.s3, self.bucket, self.pipeline = s3, bucket, pipeline

    # -- keys -------------------------------------------------------------------------------------

    def candidate_key(self) -> str:
        return f"{CHANGE_RECORD_PREFIX}{self.pipeline}/{CANDIDATE}"

    def execution_prefix(self, execution: str) -> str:
        return f"{CHANGE_RECORD_PREFIX}{self.pipeline}/{execution}/"

    def emergency_key(self, emergency: str, suffix: str = "json") -> str:
        return f"{CHANGE_RECORD_PREFIX}emergencies/{emergency}.{suffix}"

    # -- writing ----------------------------------------------------------------------------------

    def put(self, key: str, body: bytes, content_type: str, metadata: dict | None = None) -> Stored:
        digest = hashlib.sha256(body)
        answer = self.s3.put_object(
            Bucket=self.bucket, Key=key, Body=body, ContentType=content_type, Metadata=metadata or {},
            ChecksumAlgorithm="SHA256", ChecksumSHA256=base64.b64encode(digest.digest()).decode(),
        )
        return Stored(self.bucket, key, answer.get("VersionId") or "null", digest.hexdigest())

    def put_once(self, key: str, body: bytes, content_type: str, metadata: dict | None = None) -> Stored:
        """Write ``body`` unless the newest version of ``key`` written with the same metadata already holds
        exactly these bytes; then that version is the record."""
        for version in self.versions(key):
            head = self.s3.head_object(Bucket=self.bucket, Key=key, VersionId=version["VersionId"])
            if (head.get("Metadata") or {}) == (metadata or {}):
                existing = self.read(key, version["VersionId"])
                if existing == body:
                    return Stored(self.bucket, key, version["VersionId"], sha256(body))
                break
        return self.put(key, body, content_type, metadata)

    # -- reading ----------------------------------------------------------------------------------

    def versions(self, key: str) -> list[dict]:
        """Versions of exactly ``key``, newest first."""
        found = []
        for page in self.s3.get_paginator("list_object_versions").paginate(Bucket=self.bucket, Prefix=key):
            found += [v for v in page.get("Versions", []) if v["Key"] == key]
        return sorted(found, key=lambda v: v["LastModified"], reverse=True)

    def read(self, key: str, version_id: str | None = None) -> bytes:
        kwargs = {"VersionId": version_id} if version_id and version_id != "null" else {}
        return self.s3.get_object(Bucket=self.bucket, Key=key, **kwargs)["Body"].read()

    def read_json(self, key: str, version_id: str | None = None) -> dict:
        return json.loads(self.read(key, version_id))

    def candidate_of(self, execution: str) -> Stored | None:
        """The release-candidate version this execution wrote (the newest, should a retry have rewritten it)."""
        key = self.candidate_key()
        for version in self.versions(key):
            head = self.s3.head_object(Bucket=self.bucket, Key=key, VersionId=version["VersionId"])
            if (head.get("Metadata") or {}).get(EXECUTION_METADATA) == execution:
                return Stored(self.bucket, key, version["VersionId"], sha256(self.read(key, version["VersionId"])))
        return None

    def keys(self, prefix: str) -> list[dict]:
        found = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            found += page.get("Contents", [])
        return found

    def exists(self, key: str) -> bool:
        try:
            self.s3.head_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                return False
            raise
        return True

    def latest_records(self, count: int) -> list[dict]:
        """The newest complete change records of this pipeline, newest first."""
        records = [o for o in self.keys(f"{CHANGE_RECORD_PREFIX}{self.pipeline}/") if o["Key"].endswith("/change-record.json")]
        records.sort(key=lambda o: o["LastModified"], reverse=True)
        return [self.read_json(o["Key"]) for o in records[:count]]

"""The go/no-go record of one evaluation: what was evaluated, on which held-out set version, with
which results, against which thresholds. It is written as a new version of one key per subject in a
records bucket, so the latest version is the current evaluation and every earlier one stays locked.

A QA signer releases the subject by signing that record version with the release meaning; the
signature binds the record's SHA-256 (11.70), so the decision cannot change after it is approved.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

SCHEMA = "gxp-ai-evaluation/1"
SUBJECT_KINDS = ("bedrock-model", "bedrock-prompt", "sagemaker-model-package")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def check_subject(subject: Any) -> dict[str, str]:
    if not isinstance(subject, Mapping) or subject.get("kind") not in SUBJECT_KINDS:
        raise ValueError(f"subject must be an object whose kind is one of {', '.join(SUBJECT_KINDS)}")
    ident = subject.get("id")
    if not isinstance(ident, str) or not ident or len(ident) > 512:
        raise ValueError("subject.id must be the model ID, prompt version ARN or model package ARN")
    return {"kind": subject["kind"], "id": ident}


def record_key(prefix: str, subject: Mapping[str, str]) -> str:
    """One key per subject: ``<prefix><kind>/<id with unsafe characters replaced>.json``."""
    return f"{prefix}{subject['kind']}/{_UNSAFE.sub('-', subject['id']).strip('-')}.json"


def record_bytes(record: Mapping[str, Any]) -> bytes:
    """Canonical JSON: the bytes the signature's SHA-256 is computed over."""
    return (json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write(s3: Any, bucket: str, key: str, record: Mapping[str, Any]) -> dict[str, str]:
    """Put the record as a new object version; S3 checks the SHA-256 on arrival (Object Lock buckets
    require an integrity checksum on every write)."""
    body = record_bytes(record)
    written = s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json",
                            ChecksumAlgorithm="SHA256")
    return {"bucket": bucket, "key": key, "version_id": written["VersionId"], "sha256": sha256(body),
            "decision": record["decision"]}


def uri(reference: Mapping[str, str]) -> str:
    return f"s3://{reference['bucket']}/{reference['key']}?versionId={reference['version_id']}"

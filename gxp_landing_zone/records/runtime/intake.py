"""The intake check of instrument data (21 CFR 11.10(h)): every new version of an instrument-data record
must carry a SHA-256 checksum S3 stored with it.

The bucket policy already refused any write that was not a registered instrument's, through the
account's VPC endpoint, with a signed payload. What a policy cannot refuse is a write without a stored
checksum (S3 has no condition key for it), so this check reads each new version's stored checksum,
tags the version ``gxp:intake-check`` = ``sha256`` or ``no-sha256`` (tags are metadata: Object Lock
leaves them changeable and the version itself untouched) and reports a version without one to the
account's default bus, from where it is forwarded to the audit account.

Triggered by the bucket's "Object Created" events on EventBridge (detail: bucket.name, object.key,
object.version-id; https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html). Environment:
EVENT_BUS_NAME (default "default").
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.exceptions import ClientError

EVENT_SOURCE = "gxp.records"
TAG = "gxp:intake-check"
WITH_SHA256, WITHOUT_SHA256 = "sha256", "no-sha256"
REPORTED = "Instrument Write Without SHA-256"

log = logging.getLogger(__name__)


class IntakeCheck:
    def __init__(self, *, s3: Any, events: Any, event_bus_name: str = "default") -> None:
        self.s3, self.events, self.event_bus_name = s3, events, event_bus_name

    def check(self, event: Mapping[str, Any]) -> dict[str, Any]:
        detail = event.get("detail") or {}
        bucket = (detail.get("bucket") or {}).get("name")
        obj = detail.get("object") or {}
        key, version = obj.get("key"), obj.get("version-id")
        if not (isinstance(bucket, str) and isinstance(key, str) and isinstance(version, str)):
            raise ValueError(f"not an S3 Object Created event with a version: {json.dumps(detail)[:300]}")
        head = self.s3.head_object(Bucket=bucket, Key=key, VersionId=version, ChecksumMode="ENABLED")
        stored = head.get("ChecksumSHA256")
        verdict = WITH_SHA256 if stored else WITHOUT_SHA256
        self._tag(bucket, key, version, verdict)
        result = {
            "bucket": bucket, "key": key, "version_id": version, "verdict": verdict,
            "checksum_sha256": stored, "checksum_type": head.get("ChecksumType"),
            "requester": detail.get("requester"), "source_ip": detail.get("source-ip-address"),
        }
        if not stored:
            self._report(result)
        return result

    def _tag(self, bucket: str, key: str, version: str, verdict: str) -> None:
        try:
            current = self.s3.get_object_tagging(Bucket=bucket, Key=key, VersionId=version).get("TagSet", [])
        except ClientError:
            current = []
        tags = [t for t in current if t.get("Key") != TAG] + [{"Key": TAG, "Value": verdict}]
        self.s3.put_object_tagging(Bucket=bucket, Key=key, VersionId=version, Tagging={"TagSet": tags})

    def _report(self, result: Mapping[str, Any]) -> None:
        entry = {
            "Source": EVENT_SOURCE, "DetailType": REPORTED, "EventBusName": self.event_bus_name,
            "Detail": json.dumps(result, sort_keys=True, default=str),
        }
        answer = self.events.put_events(Entries=[entry])
        if answer.get("FailedEntryCount"):
            # The tag is on the version either way; a lost report must not pass silently.
            raise RuntimeError(f"EventBridge refused the report: {answer.get('Entries')}")
        log.warning("instrument write without a stored SHA-256: %s", json.dumps(result, default=str))


_check: IntakeCheck | None = None


def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    global _check
    if _check is None:
        _check = IntakeCheck(
            s3=boto3.client("s3"), events=boto3.client("events"), event_bus_name=os.environ.get("EVENT_BUS_NAME", "default")
        )
    return _check.check(event)

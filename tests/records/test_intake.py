"""The intake check of instrument data against moto: a version written with a SHA-256 is tagged as such; a
version without one is tagged and reported to the bus; a malformed event is refused by name."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from gxp_landing_zone.records.runtime.intake import (
    EVENT_SOURCE, REPORTED, TAG, WITH_SHA256, WITHOUT_SHA256, IntakeCheck,
)

BUCKET, BUS = "gxp-records-raw-lab-data", "default"
SESSION = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")


@pytest.fixture
def aws():
    with mock_aws():
        s3 = SESSION.client("s3")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        events = SentEvents(SESSION.client("events"))
        yield s3, IntakeCheck(s3=s3, events=events, event_bus_name=BUS), events, None


class SentEvents:
    """moto's EventBridge client, keeping each entry the check put on the bus."""

    def __init__(self, client) -> None:
        self.client, self.entries = client, []

    def put_events(self, Entries):  # noqa: N803  (boto3's parameter name)
        answer = self.client.put_events(Entries=Entries)
        self.entries += Entries
        return answer


def created(key: str, version: str) -> dict:
    # The EventBridge form of S3's Object Created event (AmazonS3/latest/userguide/ev-events.html).
    return {"source": "aws.s3", "detail-type": "Object Created", "detail": {
        "bucket": {"name": BUCKET}, "object": {"key": key, "version-id": version},
        "requester": "123456789012", "source-ip-address": "10.0.0.7"}}


def tag(s3, key, version) -> str | None:
    tags = s3.get_object_tagging(Bucket=BUCKET, Key=key, VersionId=version)["TagSet"]
    return next((t["Value"] for t in tags if t["Key"] == TAG), None)


def reports(events, _=None) -> list[dict]:
    return [{"source": e["Source"], "detail-type": e["DetailType"], "bus": e["EventBusName"],
             "detail": json.loads(e["Detail"])} for e in events.entries]


def test_a_version_with_a_stored_sha256_is_tagged_and_not_reported(aws):
    s3, check, sqs, queue = aws
    version = s3.put_object(Bucket=BUCKET, Key="run-1/trace.raw", Body=b"chromatogram", ChecksumAlgorithm="SHA256")["VersionId"]
    result = check.check(created("run-1/trace.raw", version))
    assert result["verdict"] == WITH_SHA256 and result["checksum_sha256"]
    assert tag(s3, "run-1/trace.raw", version) == WITH_SHA256
    assert reports(sqs, queue) == []


def test_a_version_without_a_sha256_is_tagged_and_reported(aws):
    s3, check, sqs, queue = aws
    version = s3.put_object(Bucket=BUCKET, Key="run-2/trace.raw", Body=b"no checksum", Tagging="run=2")["VersionId"]
    result = check.check(created("run-2/trace.raw", version))
    assert result["verdict"] == WITHOUT_SHA256
    assert tag(s3, "run-2/trace.raw", version) == WITHOUT_SHA256
    tags = s3.get_object_tagging(Bucket=BUCKET, Key="run-2/trace.raw", VersionId=version)["TagSet"]
    assert {"Key": "run", "Value": "2"} in tags
    [report] = reports(sqs, queue)
    assert (report["source"], report["detail-type"], report["bus"]) == (EVENT_SOURCE, REPORTED, BUS)
    assert report["detail"]["version_id"] == version and report["detail"]["requester"] == "123456789012"


def test_checking_twice_keeps_one_verdict(aws):
    s3, check, sqs, queue = aws
    version = s3.put_object(Bucket=BUCKET, Key="k", Body=b"x", ChecksumAlgorithm="SHA256")["VersionId"]
    check.check(created("k", version))
    check.check(created("k", version))
    tags = s3.get_object_tagging(Bucket=BUCKET, Key="k", VersionId=version)["TagSet"]
    assert [t for t in tags if t["Key"] == TAG] == [{"Key": TAG, "Value": WITH_SHA256}]


@pytest.mark.parametrize("detail", [{}, {"bucket": {"name": BUCKET}, "object": {"key": "k"}}])
def test_an_event_without_a_version_is_refused_by_name(aws, detail):
    _, check, _, _ = aws
    with pytest.raises(ValueError, match="not an S3 Object Created event with a version"):
        check.check({"detail": detail})

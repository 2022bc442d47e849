"""make export-record against moto: the original byte-identical with its SHA-256 checked, the metadata and
signatures readable, the audit-trail query run, a manifest of hashes; an archived version restored first."""

from __future__ import annotations

import base64
import hashlib

import boto3
import pytest
from moto import mock_aws

from gxp_landing_zone.records.__main__ import EXIT_RESTORING, main
from gxp_landing_zone.records.runtime.export import RecordExport

BUCKET = "exbio-records-raw-lab-data-444444444444-use1"
BODY = b"chromatogram run 7\n"
SESSION = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")
VERIFIED = {"chain": {"valid": True, "failures": []}, "valid": True, "signatures": [
    {"seq": 1, "meaning": "review", "manifestation": "Rita Reviewer (rita)\nreview\n2026-11-23T19:30:00Z",
     "valid": True, "problems": []}]}


@pytest.fixture
def s3():
    with mock_aws():
        client = SESSION.client("s3")
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        client.put_bucket_tagging(Bucket=BUCKET, Tagging={"TagSet": [{"Key": "gxp:retention-class", "Value": "raw-lab-data"}]})
        yield client


def test_a_version_is_exported_byte_identical_with_its_sha256_verified(s3):
    version = s3.put_object(Bucket=BUCKET, Key="run-7/trace.raw", Body=BODY, ChecksumAlgorithm="SHA256")["VersionId"]
    s3.put_object(Bucket=BUCKET, Key="run-7/trace.raw", Body=b"a later version")
    athena = SESSION.client("athena")
    bundle = RecordExport(s3=s3, verify=lambda b, k, v: VERIFIED, athena=athena, trail_table='"db"."trail"',
                          workgroup="primary", poll_seconds=0).export(BUCKET, "run-7/trace.raw", version)
    assert bundle.ready and bundle.verdict.startswith("SHA-256 verified")
    assert bundle.files["original/trace.raw"] == BODY
    html = bundle.files["record.html"].decode()
    assert "raw-lab-data" in html and version in html and "Rita Reviewer (rita)" in html and hashlib.sha256(BODY).hexdigest() in html
    assert bundle.files["audit-trail.csv"].startswith(b"eventtime,eventname,principal")
    manifest = dict(reversed(line.split("  ", 1)) for line in bundle.files["MANIFEST.sha256"].decode().splitlines())
    assert set(manifest) == set(bundle.files) - {"MANIFEST.sha256"}
    assert all(hashlib.sha256(bundle.files[n]).hexdigest() == h for n, h in manifest.items())


def test_a_version_without_a_stored_sha256_says_so(s3):
    version = s3.put_object(Bucket=BUCKET, Key="k", Body=BODY)["VersionId"]
    bundle = RecordExport(s3=s3).export(BUCKET, "k", version)
    assert bundle.verdict.startswith("no SHA-256 stored") and not bundle.verified
    assert b"not queried" in bundle.files["audit-trail.csv"]


def test_a_changed_body_is_a_mismatch_not_a_copy_claimed_identical(s3):
    version = s3.put_object(Bucket=BUCKET, Key="k", Body=BODY, ChecksumAlgorithm="SHA256")["VersionId"]
    check = RecordExport._checksum({"ChecksumSHA256": base64.b64encode(hashlib.sha256(BODY).digest()).decode(),
                                    "ChecksumType": "FULL_OBJECT"}, b"tampered")
    assert check["verdict"].startswith("SHA-256 MISMATCH") and not check["verified"]
    assert RecordExport(s3=s3).export(BUCKET, "k", version).verdict.startswith("SHA-256 verified")


def test_a_deep_archive_version_is_restored_first_with_the_wait_stated(s3):
    version = s3.put_object(Bucket=BUCKET, Key="old", Body=BODY, StorageClass="DEEP_ARCHIVE")["VersionId"]
    bundle = RecordExport(s3=s3).export(BUCKET, "old", version)
    assert not bundle.ready and not bundle.files
    assert "restore was requested" in bundle.verdict and "up to 12 hours" in bundle.verdict
    assert "ongoing-request" in s3.head_object(Bucket=BUCKET, Key="old", VersionId=version).get("Restore", "")


def test_the_command_line_writes_the_bundle(s3, tmp_path, capsys):
    version = s3.put_object(Bucket=BUCKET, Key="run-7/trace.raw", Body=BODY, ChecksumAlgorithm="SHA256")["VersionId"]
    code = main(["--config", "config/reference.yaml", "--account-role", "regulated-us", "--region", "us-east-1",
                 "--bucket", BUCKET, "--key", "run-7/trace.raw", "--version-id", version, "--out", str(tmp_path)])
    assert code == 0, capsys.readouterr()
    assert (tmp_path / "original" / "trace.raw").read_bytes() == BODY and (tmp_path / "MANIFEST.sha256").exists()
    archived = s3.put_object(Bucket=BUCKET, Key="old", Body=BODY, StorageClass="DEEP_ARCHIVE")["VersionId"]
    assert main(["--config", "config/reference.yaml", "--account-role", "regulated-us", "--region", "us-east-1",
                 "--bucket", BUCKET, "--key", "old", "--version-id", archived, "--out", str(tmp_path)]) == EXIT_RESTORING


@pytest.mark.parametrize("args, message", [
    (["--account-role", "lab"], "unknown account role 'lab'"),
    (["--account-role", "regulated-us", "--region", "eu-central-1"], "keeps no records in eu-central-1"),
])
def test_bad_arguments_are_named(args, message, capsys, tmp_path):
    base = {"--account-role": "regulated-us", "--region": "us-east-1"}
    base.update(dict(zip(args[::2], args[1::2])))
    argv = ["--config", "config/reference.yaml", *[x for kv in base.items() for x in kv],
            "--bucket", BUCKET, "--key", "k", "--version-id", "v", "--out", str(tmp_path)]
    assert main(argv) == 2
    assert message in capsys.readouterr().err

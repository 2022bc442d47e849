"""The record export as the deployed function, against moto (KMS signs and verifies with ECC keys there): the
bundle written to the locked exports bucket with a signed manifest, the signature checked by the command line,
every kind of tampering refused, an archived version answered with the wait and nothing written, and bad
requests refused with the field named."""

from __future__ import annotations

import hashlib
import json

import boto3
import pytest
from moto import mock_aws

from gxp_landing_zone.records import __main__ as cli
from gxp_landing_zone.records.runtime import export_handler
from gxp_landing_zone.records.runtime.export_handler import ExportFunction
from gxp_landing_zone.records.runtime.export_signing import MANIFEST, SIGNATURE, SIGNATURE_INFO, sign_manifest, verify_bundle

REGION, ACCOUNT = "us-east-1", "444444444444"
RECORDS = "exbio-records-raw-lab-data-444444444444-use1"
EXPORTS = "exbio-record-exports-444444444444-use1"
ALIAS = "alias/gxp/record-export-signing"
ALIAS_ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:{ALIAS}"
BODY = b"chromatogram run 7\n"
KEY = "run-7/trace.raw"
SESSION = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)


@pytest.fixture
def aws(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("MOTO_ACCOUNT_ID", ACCOUNT)
    with mock_aws():
        s3, kms = SESSION.client("s3"), SESSION.client("kms")
        s3.create_bucket(Bucket=RECORDS)
        s3.put_bucket_versioning(Bucket=RECORDS, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_tagging(Bucket=RECORDS, Tagging={"TagSet": [{"Key": "gxp:retention-class", "Value": "raw-lab-data"}]})
        s3.create_bucket(Bucket=EXPORTS, ObjectLockEnabledForBucket=True)
        s3.put_object_lock_configuration(Bucket=EXPORTS, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 30}}})
        key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
        kms.create_alias(AliasName=ALIAS, TargetKeyId=key["KeyId"])
        yield s3, kms, key["Arn"]


def _function(s3, kms, key_arn) -> ExportFunction:
    env = {"EXPORT_BUCKET": EXPORTS, "SIGNING_KEY": key_arn, "RECORDS_BUCKETS": RECORDS}
    return ExportFunction(s3=s3, kms=kms, env=env)


def _written(s3, location: str) -> dict[str, bytes]:
    prefix = location.removeprefix(f"s3://{EXPORTS}/")
    listed = s3.list_objects_v2(Bucket=EXPORTS, Prefix=prefix).get("Contents", [])
    return {o["Key"][len(prefix):]: s3.get_object(Bucket=EXPORTS, Key=o["Key"])["Body"].read() for o in listed}


def test_the_bundle_is_written_to_the_exports_bucket_with_a_manifest_only_the_export_key_signed(aws):
    s3, kms, key_arn = aws
    version = s3.put_object(Bucket=RECORDS, Key=KEY, Body=BODY, ChecksumAlgorithm="SHA256")["VersionId"]
    answer = _function(s3, kms, key_arn).handle({"bucket": RECORDS, "key": KEY, "version_id": version})
    assert answer["status"] == "exported" and answer["verified"] and answer["verdict"].startswith("SHA-256 verified")
    assert answer["location"].startswith(f"s3://{EXPORTS}/exports/{RECORDS}/{KEY}/{version}/")
    assert answer["signing_key"] == key_arn and "audit account" in answer["audit_trail"]
    files = _written(s3, answer["location"])
    assert files["original/trace.raw"] == BODY and {MANIFEST, SIGNATURE, SIGNATURE_INFO} <= set(files)
    assert answer["manifest_sha256"] == hashlib.sha256(files[MANIFEST]).hexdigest() and answer["files"] == len(files)
    assert b"not queried by the export function" in files["audit-trail.csv"]
    assert verify_bundle(kms, files, ALIAS_ARN) == []
    # Each file carries the SHA-256 S3 checked on receipt.
    head = s3.head_object(Bucket=EXPORTS, Key=answer["location"].removeprefix(f"s3://{EXPORTS}/") + "original/trace.raw",
                          ChecksumMode="ENABLED")
    assert head.get("ChecksumSHA256")


@pytest.mark.parametrize("tamper,problem", [
    pytest.param(lambda f: f.update({"original/trace.raw": b"edited"}), "differs from the SHA-256", id="file-changed"),
    pytest.param(lambda f: f.update({"extra.txt": b"slipped in"}), "not listed in the manifest", id="file-added"),
    pytest.param(lambda f: f.pop("signatures.json"), "listed in the manifest but missing", id="file-removed"),
    pytest.param(lambda f: f.pop(SIGNATURE), "the manifest is not signed", id="signature-removed"),
], )
def test_a_tampered_bundle_does_not_verify(aws, tamper, problem):
    s3, kms, key_arn = aws
    version = s3.put_object(Bucket=RECORDS, Key=KEY, Body=BODY, ChecksumAlgorithm="SHA256")["VersionId"]
    files = _written(s3, _function(s3, kms, key_arn).handle({"bucket": RECORDS, "key": KEY, "version_id": version})["location"])
    tamper(files)
    assert any(problem in p for p in verify_bundle(kms, files, ALIAS_ARN))


def test_a_rewritten_manifest_fails_its_signature_even_with_matching_hashes(aws):
    s3, kms, key_arn = aws
    version = s3.put_object(Bucket=RECORDS, Key=KEY, Body=BODY, ChecksumAlgorithm="SHA256")["VersionId"]
    files = _written(s3, _function(s3, kms, key_arn).handle({"bucket": RECORDS, "key": KEY, "version_id": version})["location"])
    files["original/trace.raw"] = b"edited"
    files[MANIFEST] = files[MANIFEST].replace(hashlib.sha256(BODY).hexdigest().encode(), hashlib.sha256(b"edited").hexdigest().encode())
    info = json.loads(files[SIGNATURE_INFO])
    files[SIGNATURE_INFO] = json.dumps({**info, "manifest_sha256": hashlib.sha256(files[MANIFEST]).hexdigest()}).encode()
    assert verify_bundle(kms, files, ALIAS_ARN) == [f"{SIGNATURE} is not a valid signature of {MANIFEST} by {key_arn}"]


def test_a_bundle_re_signed_with_another_key_is_refused(aws):
    s3, kms, key_arn = aws
    version = s3.put_object(Bucket=RECORDS, Key=KEY, Body=BODY, ChecksumAlgorithm="SHA256")["VersionId"]
    files = _written(s3, _function(s3, kms, key_arn).handle({"bucket": RECORDS, "key": KEY, "version_id": version})["location"])
    forger = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    files.update(sign_manifest(kms, forger, files[MANIFEST]))
    assert verify_bundle(kms, files, ALIAS_ARN) == [f"signed with {forger}, not the account's export signing key {key_arn}"]


def test_an_archived_version_answers_the_wait_and_writes_nothing(aws):
    s3, kms, key_arn = aws
    version = s3.put_object(Bucket=RECORDS, Key="old", Body=BODY, StorageClass="GLACIER")["VersionId"]
    answer = _function(s3, kms, key_arn).handle({"bucket": RECORDS, "key": "old", "version_id": version})
    assert answer["status"] == "restoring" and answer["written"] is False and "3-5 hours" in answer["verdict"]
    assert s3.list_objects_v2(Bucket=EXPORTS).get("KeyCount") == 0


@pytest.mark.parametrize("event,field", [
    ({"key": KEY, "version_id": "v"}, "bucket"),
    ({"bucket": RECORDS, "key": " ", "version_id": "v"}, "key"),
    ({"bucket": RECORDS, "key": KEY, "version_id": 7}, "version_id"),
    ({"bucket": "someone-elses-bucket", "key": KEY, "version_id": "v"}, "bucket"),
    (["not", "an", "object"], "JSON object"),
])
def test_a_bad_request_is_refused_naming_the_field(aws, event, field):
    s3, kms, key_arn = aws
    answer = _function(s3, kms, key_arn).handle(event)
    assert answer["status"] == "refused" and field in answer["error"]
    assert s3.list_objects_v2(Bucket=EXPORTS).get("KeyCount") == 0


def test_a_missing_version_is_an_answer_not_an_error(aws):
    s3, kms, key_arn = aws
    answer = _function(s3, kms, key_arn).handle({"bucket": RECORDS, "key": "absent", "version_id": "v1"})
    assert answer["status"] == "failed" and "absent" in answer["error"]


def test_the_lambda_entry_reads_its_settings_from_the_environment(aws, monkeypatch):
    s3, kms, key_arn = aws
    for name, value in {"EXPORT_BUCKET": EXPORTS, "SIGNING_KEY": key_arn, "RECORDS_BUCKETS": RECORDS}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("LEDGER_PARAMETER", raising=False)
    monkeypatch.setattr(export_handler, "_FUNCTION", None)
    version = s3.put_object(Bucket=RECORDS, Key=KEY, Body=BODY, ChecksumAlgorithm="SHA256")["VersionId"]
    assert export_handler.handler({"bucket": RECORDS, "key": KEY, "version_id": version})["status"] == "exported"


def _cli(*args: str) -> int:
    return cli.main(["--config", "config/reference.yaml", "--account-role", "regulated-us", "--region", REGION, *args])


def test_the_command_line_verifies_a_bundle_in_the_bucket_and_on_disk(aws, tmp_path, capsys):
    s3, kms, key_arn = aws
    version = s3.put_object(Bucket=RECORDS, Key=KEY, Body=BODY, ChecksumAlgorithm="SHA256")["VersionId"]
    location = _function(s3, kms, key_arn).handle({"bucket": RECORDS, "key": KEY, "version_id": version})["location"]
    assert _cli("--verify-bundle", location) == 0
    for name, body in _written(s3, location).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(body)
    assert _cli("--verify-bundle", str(tmp_path)) == 0
    assert "verifies" in capsys.readouterr().out
    (tmp_path / "original" / "trace.raw").write_bytes(b"edited")
    assert _cli("--verify-bundle", str(tmp_path)) == cli.EXIT_FAILED
    assert "original/trace.raw differs" in capsys.readouterr().out
    assert _cli("--verify-bundle", str(tmp_path / "nowhere")) == 2


def test_the_command_line_asks_for_the_version_it_should_export(aws, capsys):
    assert _cli("--bucket", RECORDS) == 2
    assert "--key, --version-id" in capsys.readouterr().err


def test_the_command_line_adds_a_pdf_listed_in_the_manifest(aws, tmp_path, monkeypatch):
    s3, _, _ = aws
    from gxp_landing_zone.validation.package import graphviz

    def printed(pages, inspect=True):
        for _, pdf in pages:
            pdf.write_bytes(b"%PDF-1.7 printed")
        return {}

    monkeypatch.setattr(graphviz, "print_pages", printed)
    version = s3.put_object(Bucket=RECORDS, Key=KEY, Body=BODY, ChecksumAlgorithm="SHA256")["VersionId"]
    assert _cli("--bucket", RECORDS, "--key", KEY, "--version-id", version, "--out", str(tmp_path), "--pdf") == 0
    manifest = (tmp_path / MANIFEST).read_text()
    assert f"{hashlib.sha256(b'%PDF-1.7 printed').hexdigest()}  record.pdf" in manifest

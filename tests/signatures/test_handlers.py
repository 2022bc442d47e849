"""The signature service end to end against moto (S3, DynamoDB, EventBridge, KMS)."""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from moto import mock_aws

from gxp_landing_zone.signatures.runtime import handlers
from gxp_landing_zone.signatures.runtime.core import GENESIS_HASH, SignatureManifest, SigningPolicy
from gxp_landing_zone.signatures.runtime.handlers import SignatureService, manifest_object_key
from gxp_landing_zone.signatures.runtime.seal import BAD_SEAL

NOW = datetime(2026, 11, 23, 19, 30, 0, tzinfo=timezone.utc)
RECORDS, OTHER, MANIFESTS = "gxp-records", "scratch-bucket", "gxp-manifests"
TABLE, BUS = "signature-ledger", "gxp-bus"
SEAL_KEY = "alias/gxp/esignature-seal"
KEY = "batch/BR-001.pdf"
POLICY = {
    "grants": {
        "batch-record": {"reviewers": ["review"], "approvers": ["approval"]},
        "document": {"authors": ["authorship", "responsibility"]},
    },
    "sequences": {"batch-record": ["review", "approval"]},
    "record_classes": {f"{RECORDS}/batch/": "batch-record"},
    "default_record_class": "document",
}
# moto resets boto3's default session on every start, which reloads the
# endpoint data; one explicit session keeps client creation cheap.
SESSION = boto3.session.Session(
    aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
)
USERS = {
    "reviewer": ("sub-reviewer", "rita", "Rita Reviewer", "reviewers"),
    "approver": ("sub-approver", "jdoe", "Jane Doe", "approvers"),
    "author": ("sub-author", "alan", "Alan Author", "authors"),
}


@pytest.fixture
def aws(monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        s3 = SESSION.client("s3")
        for bucket in (RECORDS, OTHER):
            s3.create_bucket(Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.create_bucket(Bucket=MANIFESTS, ObjectLockEnabledForBucket=True)
        s3.put_object_lock_configuration(
            Bucket=MANIFESTS,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}},
            },
        )
        ddb = SESSION.client("dynamodb")
        ddb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "record_id", "KeyType": "HASH"}, {"AttributeName": "seq", "KeyType": "RANGE"}],
            AttributeDefinitions=[
                {"AttributeName": "record_id", "AttributeType": "S"},
                {"AttributeName": "seq", "AttributeType": "N"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        SESSION.client("events").create_event_bus(Name=BUS)
        # The service seal: an asymmetric signing key, as the stack creates it (moto signs and verifies).
        kms = SESSION.client("kms")
        key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
        kms.create_alias(AliasName=SEAL_KEY, TargetKeyId=key)
        yield


class Env:
    """One test's view of the estate: a service plus what it published."""

    def __init__(self, **service_kwargs):
        self.s3 = SESSION.client("s3")
        self.ddb = SESSION.client("dynamodb")
        events = SESSION.client("events")
        self.events: list[dict] = []
        # moto accepts PutEvents but cannot route to targets here, so the
        # entries are captured on the client on their way out.
        events.meta.events.register("before-parameter-build.events.PutEvents", self._capture)
        self.service = self.make_service(events=events, **service_kwargs)

    def _capture(self, params, **_):
        self.events += [
            {**e, "Detail": json.loads(e["Detail"])} for e in params["Entries"]
        ]

    def make_service(self, **overrides):
        kwargs = dict(
            s3=self.s3,
            dynamodb=self.ddb,
            events=SESSION.client("events"),
            kms=SESSION.client("kms"),
            seal_key=SEAL_KEY,
            ledger_table=TABLE,
            manifest_bucket=MANIFESTS,
            records_buckets={RECORDS},
            event_bus_name=BUS,
            policy=SigningPolicy.from_dict(POLICY),
            clock=lambda: NOW,
        )
        kwargs.update(overrides)
        return SignatureService(**kwargs)

    def put_record(self, body: bytes, key: str = KEY, bucket: str = RECORDS) -> str:
        return self.s3.put_object(Bucket=bucket, Key=key, Body=body)["VersionId"]

    def ledger(self, key: str = KEY) -> list[dict]:
        items = self.ddb.query(
            TableName=TABLE,
            KeyConditionExpression="record_id = :r",
            ExpressionAttributeValues={":r": {"S": f"{RECORDS}/{key}"}},
        )["Items"]
        return items

    def manifest_keys(self) -> list[str]:
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=MANIFESTS).get("Contents", [])]

    def of_type(self, detail_type: str) -> list[dict]:
        return [e for e in self.events if e["DetailType"] == detail_type]


@pytest.fixture
def env(aws):
    return Env()


def claims(user: str = "reviewer", **overrides) -> dict:
    sub, username, name, groups = USERS[user]
    base = {
        "sub": sub,
        "cognito:username": username,
        "name": name,
        "cognito:groups": groups,
        "token_use": "id",
        # API Gateway passes every claim as a string.
        "auth_time": str(int(NOW.timestamp()) - 30),
        "amr": "[pwd, mfa]",
    }
    base.update(overrides)
    return base


def api_event(claim_set: dict | None, body: dict | None = None, query: dict | None = None, request_id: str | None = None):
    # API Gateway gives every call its own request id.
    context = {"requestId": request_id or str(uuid.uuid4()), "identity": {"sourceIp": "198.51.100.7"}}
    if claim_set is not None:
        context["authorizer"] = {"claims": claim_set}
    return {
        "httpMethod": "POST" if body is not None else "GET",
        "headers": {"Content-Type": "application/json"},
        "queryStringParameters": query,
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
        "requestContext": context,
    }


def sign(env: Env, version: str, *, user="reviewer", meaning="review", service=None, claim_overrides=None, **extra):
    body = {"bucket": RECORDS, "key": KEY, "version_id": version, "meaning": meaning, **extra}
    response = (service or env.service).handle_sign(api_event(claims(user, **(claim_overrides or {})), body))
    return response["statusCode"], json.loads(response["body"])


def verify(env: Env, version: str | None = None, key: str = KEY):
    query = {"bucket": RECORDS, "key": key, **({"version_id": version} if version else {})}
    response = env.service.handle_verify(api_event(claims(), query=query))
    return response["statusCode"], json.loads(response["body"])


def assert_nothing_written(env: Env):
    assert env.ledger() == []
    assert env.manifest_keys() == []
    assert env.of_type("Signature Applied") == []


# --------------------------------------------------------------------------- signing and verification


def test_sign_then_verify(env):
    content = b"%PDF batch record BR-001"
    version = env.put_record(content)
    status, body = sign(env, version, reason="Reviewed against MBR rev 4", request_id="req-1")
    assert status == 201, body
    signature = body["signature"]
    assert signature["seq"] == 0 and signature["prev_hash"] == GENESIS_HASH
    assert signature["record_sha256"] == hashlib.sha256(content).hexdigest()
    assert (signature["signer_sub"], signature["username"]) == ("sub-reviewer", "rita")
    assert signature["signed_at"] == "2026-11-23T19:30:00.000Z"
    assert signature["manifestation"] == (
        "Signed by Rita Reviewer on 2026-11-23 19:30:00 UTC - Meaning: review - Reason: Reviewed against MBR rev 4"
    )

    (item,) = env.ledger()
    assert item["record_id"]["S"] == f"{RECORDS}/{KEY}"
    assert item["manifest_hash"]["S"] == signature["manifest_hash"]
    copy_key = manifest_object_key(RECORDS, KEY, version, 0)
    assert env.manifest_keys() == [copy_key]
    copy = json.loads(env.s3.get_object(Bucket=MANIFESTS, Key=copy_key)["Body"].read())
    assert SignatureManifest.from_dict(copy["manifest"]).manifest_hash == signature["manifest_hash"]

    (applied,) = env.of_type("Signature Applied")
    assert applied["Source"] == "gxp.esignature" and applied["EventBusName"] == BUS
    assert applied["Detail"]["manifest_hash"] == signature["manifest_hash"]

    status, report = verify(env)
    assert status == 200 and report["valid"] is True, report
    assert report["chain"] == {"valid": True, "failures": []}
    assert report["signatures"][0]["manifestation"] == signature["manifestation"]


def test_review_then_approval_chain_and_list(env):
    version = env.put_record(b"record")
    assert sign(env, version)[0] == 201
    status, body = sign(env, version, user="approver", meaning="approval", reason="Release")
    assert status == 201
    assert body["signature"]["seq"] == 1
    assert body["signature"]["prev_hash"] == env.ledger()[0]["manifest_hash"]["S"]

    response = env.service.handle_list(api_event(claims(), query={"bucket": RECORDS, "key": KEY}))
    listed = json.loads(response["body"])["signatures"]
    assert [s["manifestation"] for s in listed] == [
        "Signed by Rita Reviewer on 2026-11-23 19:30:00 UTC - Meaning: review",
        "Signed by Jane Doe on 2026-11-23 19:30:00 UTC - Meaning: approval - Reason: Release",
    ]
    assert verify(env)[1]["valid"] is True


def test_new_version_does_not_carry_the_old_signature(env):
    v1 = env.put_record(b"version one")
    sign(env, v1)
    v2 = env.put_record(b"version two, edited after review")

    status, old = verify(env, v1)
    assert status == 200 and old["valid"] is True
    assert old["signatures"][0]["version_id"] == v1

    status, new = verify(env, v2)
    assert status == 200 and new["valid"] is False and new["signatures"] == []
    listed = json.loads(env.service.handle_list(api_event(claims(), query={"bucket": RECORDS, "key": KEY, "version_id": v2}))["body"])
    assert listed["signatures"] == []

    # A review of version 1 does not satisfy the review step for version 2.
    status, body = sign(env, v2, user="approver", meaning="approval")
    assert status == 409 and "'review'" in body["reason"]


def test_signature_moved_to_another_version_is_detected(env):
    v1 = env.put_record(b"version one")
    sign(env, v1)
    v2 = env.put_record(b"version two")
    env.ddb.update_item(
        TableName=TABLE,
        Key={"record_id": {"S": f"{RECORDS}/{KEY}"}, "seq": {"N": "0"}},
        UpdateExpression="SET record_version_id = :v",
        ExpressionAttributeValues={":v": {"S": v2}},
    )
    status, report = verify(env)
    assert report["valid"] is False
    problems = report["signatures"][0]["problems"]
    assert "stored hash does not match the recomputed manifest hash" in problems
    assert "record content no longer matches the signed SHA-256" in problems


def test_deleted_record_version_is_reported(env):
    version = env.put_record(b"content")
    sign(env, version)
    env.s3.delete_object(Bucket=RECORDS, Key=KEY, VersionId=version)
    report = verify(env)[1]
    assert report["valid"] is False
    assert report["signatures"][0]["problems"] == [f"record version {version} can no longer be retrieved"]


# --------------------------------------------------------------------------- tampering with the ledger


def _three_signatures(env: Env) -> str:
    version = env.put_record(b"content")
    assert sign(env, version, request_id="a")[0] == 201
    assert sign(env, version, user="approver", meaning="approval", request_id="b")[0] == 201
    assert sign(env, version, request_id="c", reason="second look")[0] == 201
    return version


def _failures(report: dict) -> dict:
    return {f["seq"]: f["problems"] for f in report["chain"]["failures"]}


def test_edited_ledger_item_is_named(env):
    _three_signatures(env)
    env.ddb.update_item(
        TableName=TABLE,
        Key={"record_id": {"S": f"{RECORDS}/{KEY}"}, "seq": {"N": "1"}},
        UpdateExpression="SET printed_name = :n",
        ExpressionAttributeValues={":n": {"S": "Someone Else"}},
    )
    report = verify(env)[1]
    assert report["valid"] is False
    assert _failures(report) == {
        1: ["stored hash does not match the recomputed manifest hash",
            "ledger entry differs from its retained manifest copy", BAD_SEAL],
    }
    assert [s["valid"] for s in report["signatures"]] == [True, False, True]


def test_edit_with_recomputed_hash_is_still_detected(env):
    _three_signatures(env)
    item = env.ledger()[2]
    forged = SignatureManifest.from_dict(
        {k: (v.get("S") if "S" in v else int(v["N"])) for k, v in item.items()} | {"meaning": "approval"}
    )
    env.ddb.update_item(
        TableName=TABLE,
        Key={"record_id": {"S": f"{RECORDS}/{KEY}"}, "seq": {"N": "2"}},
        UpdateExpression="SET meaning = :m, manifest_hash = :h",
        ExpressionAttributeValues={":m": {"S": "approval"}, ":h": {"S": forged.manifest_hash}},
    )
    # The tail entry has no successor; its retained copy and its seal give it away.
    assert _failures(verify(env)[1]) == {2: ["ledger entry differs from its retained manifest copy", BAD_SEAL]}


def test_deleted_middle_entry_is_named(env):
    _three_signatures(env)
    env.ddb.delete_item(TableName=TABLE, Key={"record_id": {"S": f"{RECORDS}/{KEY}"}, "seq": {"N": "1"}})
    failures = _failures(verify(env)[1])
    assert failures[1] == ["seq 1 has a retained manifest copy but no ledger entry"]
    assert "seq 1..1 missing before this entry" in failures[2]
    assert "previous-entry hash does not match the hash of entry 0" in failures[2]
    assert 0 not in failures


def test_deleted_tail_entry_is_named_and_blocks_further_signing(env):
    version = _three_signatures(env)
    env.ddb.delete_item(TableName=TABLE, Key={"record_id": {"S": f"{RECORDS}/{KEY}"}, "seq": {"N": "2"}})
    assert _failures(verify(env)[1]) == {2: ["seq 2 has a retained manifest copy but no ledger entry"]}
    status, body = sign(env, version, request_id="d")
    assert status == 409 and body["error"] == "ledger_integrity"
    assert len(env.ledger()) == 2


def test_signing_on_a_tampered_ledger_is_refused(env):
    version = _three_signatures(env)
    env.ddb.update_item(
        TableName=TABLE,
        Key={"record_id": {"S": f"{RECORDS}/{KEY}"}, "seq": {"N": "0"}},
        UpdateExpression="SET reason = :r",
        ExpressionAttributeValues={":r": {"S": "inserted later"}},
    )
    status, body = sign(env, version, request_id="d")
    assert status == 409 and "seq 0" in body["reason"]


def test_deleting_or_rewriting_a_manifest_copy_is_reported(env):
    version = _three_signatures(env)
    env.s3.delete_object(Bucket=MANIFESTS, Key=manifest_object_key(RECORDS, KEY, version, 0))
    env.s3.put_object(Bucket=MANIFESTS, Key=manifest_object_key(RECORDS, KEY, version, 1), Body=b"{}",
                      ChecksumAlgorithm="SHA256")
    failures = _failures(verify(env)[1])
    assert failures[0] == ["someone attempted to delete the manifest copy"]
    assert failures[1] == ["manifest copy was rewritten (2 versions)"]
    assert 2 not in failures


def test_verify_unknown_record_is_404(env):
    status, body = verify(env, key="batch/never-signed.pdf")
    assert status == 404 and body["reason"]


# --------------------------------------------------------------------------- idempotency


def test_replay_returns_existing_entry_without_duplicate(env):
    version = env.put_record(b"content")
    first = sign(env, version, request_id="client-key-1")
    second = sign(env, version, request_id="client-key-1")
    assert (first[0], second[0]) == (201, 200)
    assert second[1]["replayed"] is True
    assert second[1]["signature"] == first[1]["signature"]
    assert len(env.ledger()) == 1 and len(env.manifest_keys()) == 1
    assert len(env.of_type("Signature Applied")) == 1


def test_idempotency_key_header_is_honoured(env):
    version = env.put_record(b"content")
    body = {"bucket": RECORDS, "key": KEY, "version_id": version, "meaning": "review"}
    for api_request in ("api-1", "api-2"):
        event = api_event(claims(), body, request_id=api_request)
        event["headers"]["Idempotency-Key"] = "hdr-1"
        env.service.handle_sign(event)
    assert len(env.ledger()) == 1


def test_request_id_reused_for_a_different_signature_is_refused(env):
    version = env.put_record(b"content")
    sign(env, version, request_id="k")
    status, body = sign(env, version, request_id="k", reason="different")
    assert status == 409 and body["error"] == "request_id_reused"
    status, body = sign(env, version, user="approver", meaning="approval", request_id="k")
    assert status == 409
    assert len(env.ledger()) == 1


def test_replay_completes_a_missing_manifest_copy(env, monkeypatch):
    version = env.put_record(b"content")
    original = SignatureService._put_manifest_copy

    def crash(self, manifest):
        raise RuntimeError("Lambda timed out")

    monkeypatch.setattr(SignatureService, "_put_manifest_copy", crash)
    assert sign(env, version, request_id="k")[0] == 500
    assert len(env.ledger()) == 1 and env.manifest_keys() == []
    assert verify(env)[1]["valid"] is False

    monkeypatch.setattr(SignatureService, "_put_manifest_copy", original)
    assert sign(env, version, request_id="k")[0] == 200
    assert env.manifest_keys() == [manifest_object_key(RECORDS, KEY, version, 0)]
    assert verify(env)[1]["valid"] is True


# --------------------------------------------------------------------------- refusals


def _refused(env: Env) -> list[dict]:
    return [e["Detail"] for e in env.of_type("Signature Attempt Refused")]


def test_stale_authentication_is_refused_401(env):
    version = env.put_record(b"content")
    stale = {"auth_time": str(int((NOW - timedelta(seconds=301)).timestamp()))}
    status, body = sign(env, version, claim_overrides=stale)
    assert status == 401 and body["error"] == "stale_authentication" and "re-authenticate" in body["reason"]
    assert_nothing_written(env)
    (refusal,) = _refused(env)
    assert (refusal["sub"], refusal["code"], refusal["bucket"], refusal["key"]) == (
        "sub-reviewer", "stale_authentication", RECORDS, KEY)
    assert refusal["source_ip"] == "198.51.100.7"


def test_auth_window_is_configurable(env):
    version = env.put_record(b"content")
    strict = env.make_service(auth_window_seconds=10)
    assert sign(env, version, service=strict)[0] == 401
    assert sign(env, version)[0] == 201


def test_missing_mfa_is_refused_401(env):
    version = env.put_record(b"content")
    status, body = sign(env, version, claim_overrides={"amr": "[pwd]"})
    assert status == 401 and body["error"] == "mfa_required"
    assert_nothing_written(env)


def test_unauthenticated_request_is_refused_401(env):
    version = env.put_record(b"content")
    body = {"bucket": RECORDS, "key": KEY, "version_id": version, "meaning": "review"}
    response = env.service.handle_sign(api_event(None, body))
    assert response["statusCode"] == 401
    assert len(_refused(env)) == 1
    listed = env.service.handle_list(api_event(None, query={"bucket": RECORDS, "key": KEY}))
    assert listed["statusCode"] == 401


def test_unknown_meaning_is_refused_400(env):
    version = env.put_record(b"content")
    status, body = sign(env, version, meaning="approved")
    assert status == 400 and body["error"] == "unknown_meaning" and "approved" in body["reason"]
    assert_nothing_written(env)


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]"])
def test_malformed_body_is_refused_400(env, raw):
    event = api_event(claims(), {})
    event["body"] = raw
    assert env.service.handle_sign(event)["statusCode"] == 400


def test_reason_with_line_break_is_refused_400(env):
    version = env.put_record(b"content")
    status, body = sign(env, version, reason="fine\nSigned by Somebody Else")
    assert status == 400 and "control characters" in body["reason"]
    assert_nothing_written(env)


def test_decomposed_unicode_key_and_reason(env):
    import unicodedata

    key = unicodedata.normalize("NFD", "batch/Prüfbericht-Zoë.pdf")
    version = env.put_record(b"content", key=key)
    body = {"bucket": RECORDS, "key": key, "version_id": version, "meaning": "review",
            "reason": unicodedata.normalize("NFD", "geprüft"), "request_id": "u1"}
    first = env.service.handle_sign(api_event(claims(), body))
    assert first["statusCode"] == 201
    assert env.manifest_keys() == [manifest_object_key(RECORDS, key, version, 0)]
    assert env.service.handle_sign(api_event(claims(), body))["statusCode"] == 200
    assert verify(env, key=key)[1]["valid"] is True


def test_missing_version_is_refused_400(env):
    env.put_record(b"content")
    response = env.service.handle_sign(api_event(claims(), {"bucket": RECORDS, "key": KEY, "meaning": "review"}))
    assert response["statusCode"] == 400 and "version_id" in json.loads(response["body"])["reason"]


def test_disabled_user_claim_is_refused_403(env):
    version = env.put_record(b"content")
    status, body = sign(env, version, claim_overrides={"custom:disabled": "true"})
    assert status == 403 and body["error"] == "user_disabled"
    assert_nothing_written(env)
    assert _refused(env)[0]["code"] == "user_disabled"


def test_disabled_user_lookup_is_refused_403(env):
    version = env.put_record(b"content")
    disabled = {"rita"}
    service = env.make_service(is_disabled=lambda sub, username: username in disabled)
    assert sign(env, version, service=service)[0] == 403
    assert_nothing_written(env)
    disabled.clear()
    assert sign(env, version, service=service)[0] == 201


def test_cognito_lookup_treats_disabled_or_unknown_users_as_disabled():
    from botocore.exceptions import ClientError

    class FakeCognito:
        def admin_get_user(self, UserPoolId, Username):
            if Username == "ghost":
                raise ClientError({"Error": {"Code": "UserNotFoundException"}}, "AdminGetUser")
            return {"Username": Username, "Enabled": Username != "left-company"}

    lookup = handlers.cognito_disabled_lookup(FakeCognito(), "us-east-1_pool")
    assert [lookup("s", u) for u in ("jdoe", "left-company", "ghost")] == [False, True, True]


def test_bucket_not_allowed_is_refused_403_and_nothing_written(env):
    version = env.put_record(b"content", bucket=OTHER)
    body = {"bucket": OTHER, "key": KEY, "version_id": version, "meaning": "review"}
    response = env.service.handle_sign(api_event(claims(), body))
    assert response["statusCode"] == 403
    assert json.loads(response["body"])["error"] == "bucket_not_allowed"
    assert_nothing_written(env)
    assert _refused(env)[0]["bucket"] == OTHER
    verify_response = env.service.handle_verify(api_event(claims(), query={"bucket": OTHER, "key": KEY}))
    assert verify_response["statusCode"] == 403


def test_no_authority_is_refused_403(env):
    version = env.put_record(b"content")
    status, body = sign(env, version, user="author", meaning="review")
    assert status == 403 and body["error"] == "no_authority"
    assert_nothing_written(env)
    assert _refused(env)[0]["meaning"] == "review"


def test_authority_follows_record_class(env):
    version = env.put_record(b"sop text", key="sops/SOP-7.docx")
    body = {"bucket": RECORDS, "key": "sops/SOP-7.docx", "version_id": version, "meaning": "authorship"}
    assert env.service.handle_sign(api_event(claims("author"), body))["statusCode"] == 201
    body["meaning"] = "review"
    assert env.service.handle_sign(api_event(claims("reviewer"), body))["statusCode"] == 403


@pytest.mark.parametrize("version", ["3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY+MTRCxf3vjVBH40Nr8X8gdRQBpUMLUo", "null"])
def test_nonexistent_version_is_404(env, version):
    env.put_record(b"content")
    status, body = sign(env, version)
    assert status == 404 and body["error"] == "version_not_found"
    assert_nothing_written(env)


def test_version_of_another_key_is_404(env):
    env.put_record(b"content")
    other_version = env.put_record(b"other", key="batch/BR-002.pdf")
    assert sign(env, other_version)[0] == 404


def test_out_of_sequence_is_refused_409(env):
    version = env.put_record(b"content")
    status, body = sign(env, version, user="approver", meaning="approval")
    assert status == 409 and body["error"] == "out_of_sequence" and "'review'" in body["reason"]
    assert_nothing_written(env)
    assert sign(env, version)[0] == 201
    assert sign(env, version, user="approver", meaning="approval")[0] == 201


def test_expected_sha256_mismatch_is_refused_409(env):
    version = env.put_record(b"content")
    status, body = sign(env, version, expected_sha256=hashlib.sha256(b"what I saw").hexdigest())
    assert status == 409 and body["error"] == "content_mismatch"
    assert_nothing_written(env)
    assert sign(env, version, expected_sha256=hashlib.sha256(b"content").hexdigest())[0] == 201


# --------------------------------------------------------------------------- concurrency


def test_interleaved_signer_takes_the_tail_and_the_chain_stays_consistent(env):
    version = env.put_record(b"content")
    ddb_a = SESSION.client("dynamodb")
    service_a = env.make_service(dynamodb=ddb_a)
    interleaved = []

    def other_signer_first(**_):
        # Fires just before A's conditional write, after A read the tail.
        if not interleaved:
            interleaved.append(sign(env, version, request_id="b"))

    ddb_a.meta.events.register("before-call.dynamodb.PutItem", other_signer_first)
    status, body = sign(env, version, service=service_a, user="reviewer", request_id="a", reason="A")
    assert interleaved[0][0] == 201 and interleaved[0][1]["signature"]["seq"] == 0
    assert status == 201 and body["signature"]["seq"] == 1
    assert body["signature"]["prev_hash"] == interleaved[0][1]["signature"]["manifest_hash"]
    assert len(env.ledger()) == 2
    assert verify(env)[1]["valid"] is True


def test_persistent_contention_gives_up_with_409(env, monkeypatch):
    version = env.put_record(b"content")
    monkeypatch.setattr(SignatureService, "_put_entry", lambda self, manifest, seal: False)
    status, body = sign(env, version)
    assert status == 409 and body["error"] == "ledger_contention"
    assert env.manifest_keys() == []


def test_concurrent_threads_keep_a_gapless_chain(env, monkeypatch):
    from moto.dynamodb.models import DynamoDBBackend
    from moto.s3.responses import S3Response

    # Real DynamoDB and S3 evaluate a write's condition and write atomically; moto's in-process
    # backends do not lock, so give them that guarantee.
    def atomic(original):
        lock = threading.Lock()

        def write(self, *args, **kwargs):
            with lock:
                return original(self, *args, **kwargs)

        return write

    monkeypatch.setattr(DynamoDBBackend, "put_item", atomic(DynamoDBBackend.put_item))
    monkeypatch.setattr(S3Response, "put_object", atomic(S3Response.put_object))
    version = env.put_record(b"content")
    results: list[tuple[int, dict]] = []
    start = threading.Barrier(6)

    def worker(n: int):
        start.wait()
        results.append(sign(env, version, request_id=f"t{n}", reason=f"thread {n}"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(status for status, _ in results) == [201] * 6, results
    assert sorted(body["signature"]["seq"] for _, body in results) == list(range(6))
    report = verify(env)[1]
    assert report["valid"] is True, report["chain"]


# --------------------------------------------------------------------------- Lambda entry points


def test_module_handlers_build_the_service_from_environment(aws, monkeypatch):
    for name, value in {
        "LEDGER_TABLE": TABLE,
        "MANIFEST_BUCKET": MANIFESTS,
        "RECORDS_BUCKETS": f" {RECORDS} , another-bucket",
        "EVENT_BUS_NAME": BUS,
        "AUTH_WINDOW_SECONDS": "600",
        "SIGNING_POLICY": json.dumps(POLICY),
        "LEDGER_SEAL_KEY": SEAL_KEY,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(handlers, "_default_service", None)
    service = handlers._service()
    assert service.records_buckets == {RECORDS, "another-bucket"}
    assert service.auth_window_seconds == 600

    version = boto3.client("s3").put_object(Bucket=RECORDS, Key=KEY, Body=b"x")["VersionId"]
    now_claims = claims(auth_time=str(int(datetime.now(timezone.utc).timestamp()) - 5))
    body = {"bucket": RECORDS, "key": KEY, "version_id": version, "meaning": "review"}
    assert handlers.sign_handler(api_event(now_claims, body), None)["statusCode"] == 201
    query = {"bucket": RECORDS, "key": KEY}
    listed = handlers.list_handler(api_event(now_claims, query=query), None)
    assert len(json.loads(listed["body"])["signatures"]) == 1
    verified = handlers.verify_handler(api_event(now_claims, query=query), None)
    assert json.loads(verified["body"])["valid"] is True


def test_signer_arriving_between_entry_and_copy_does_not_rewrite_the_copy(env):
    # Signer A has written its ledger entry and is about to retain its manifest copy when signer B
    # arrives: B sees the tail without a copy and completes it. A's own write must then not add a
    # second version, which the integrity check rightly reads as a rewritten copy.
    version = env.put_record(b"content")
    s3_a = SESSION.client("s3")
    service_a = env.make_service(s3=s3_a)
    interleaved = []

    def other_signer_first(params, **_):
        if params.get("Bucket") == MANIFESTS and not interleaved:
            interleaved.append(sign(env, version, user="approver", meaning="approval", request_id="b"))

    s3_a.meta.events.register("before-parameter-build.s3.PutObject", other_signer_first)
    status, body = sign(env, version, service=service_a, request_id="a")
    assert status == 201, body
    assert interleaved[0][0] == 201, interleaved
    versions = env.s3.list_object_versions(Bucket=MANIFESTS)["Versions"]
    assert sorted(v["Key"] for v in versions) == [manifest_object_key(RECORDS, KEY, version, s) for s in (0, 1)]
    assert sign(env, version, user="approver", meaning="approval", request_id="c", reason="again")[0] == 201
    assert verify(env)[1]["valid"] is True


def test_a_different_copy_already_at_the_key_suspends_signing(env):
    # Someone with write access to the manifest bucket placed a copy at the key the signer is about
    # to use: the signer neither overwrites it nor reports success.
    version = env.put_record(b"content")
    s3_a = SESSION.client("s3")
    placed = []

    def place_foreign_copy(params, **_):
        if params.get("Bucket") == MANIFESTS and not placed:
            placed.append(env.s3.put_object(Bucket=MANIFESTS, Key=params["Key"], Body=b'{"manifest": {}}',
                                            ChecksumAlgorithm="SHA256"))

    s3_a.meta.events.register("before-parameter-build.s3.PutObject", place_foreign_copy)
    status, body = sign(env, version, service=env.make_service(s3=s3_a))
    assert status == 409 and body["error"] == "ledger_integrity", body
    assert len(env.s3.list_object_versions(Bucket=MANIFESTS)["Versions"]) == 1

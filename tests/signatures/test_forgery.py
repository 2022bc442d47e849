"""The ledger against someone who can write the ledger table and the manifest bucket (but not use the
service's signing key): every forgery found when the service was attacked is refused or detected, and
the rules the attack exposed (separation of duties, idempotency, a stale checksum) hold. Against moto."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest
from boto3.dynamodb.types import TypeSerializer
from moto.s3.models import s3_backends
from test_handlers import (  # noqa: F401 (fixtures)
    KEY, MANIFESTS, POLICY, RECORDS, SESSION, TABLE, Env, api_event, aws, claims, env, sign, verify,
)

from gxp_landing_zone.signatures.runtime.core import SignatureManifest, SigningPolicy
from gxp_landing_zone.signatures.runtime.handlers import manifest_object_key
from gxp_landing_zone.signatures.runtime.seal import BAD_SEAL, NOT_SEALED, SEAL_ALGORITHM

RID = f"{RECORDS}/{KEY}"


def _items(env: Env) -> list[dict]:
    return [{k: (v.get("S") if "S" in v else int(v["N"])) for k, v in item.items()} for item in env.ledger()]


def _write(env: Env, entry: dict, *, copy: bool = True) -> None:
    """What the attacker can do: put any item into the ledger and any object into the manifest bucket."""
    env.ddb.put_item(TableName=TABLE, Item={k: TypeSerializer().serialize(v) for k, v in entry.items()})
    if copy:
        m = SignatureManifest.from_dict(entry)
        document = {"manifest": m.to_dict(), "manifest_hash": m.manifest_hash, "manifestation": m.manifestation,
                    **{k: entry[k] for k in ("seal", "seal_key", "seal_algorithm") if k in entry}}
        env.s3.put_object(Bucket=MANIFESTS, Key=manifest_object_key(RECORDS, KEY, m.record_version_id, m.seq),
                          Body=json.dumps(document).encode(), ChecksumAlgorithm="SHA256")


def _forged(previous: dict | None, version: str, *, meaning: str, who=("sub-reviewer", "rita", "Rita Reviewer"),
            content: bytes = b"content", **extra) -> dict:
    """A manifest a forger computes correctly: right record hash, right link, right manifest hash."""
    m = SignatureManifest(
        signer_sub=who[0], username=who[1], printed_name=who[2], meaning=meaning, reason=None,
        signed_at="2026-11-23T19:29:00.000Z", record_bucket=RECORDS, record_key=KEY, record_version_id=version,
        record_sha256=hashlib.sha256(content).hexdigest(), seq=0 if previous is None else previous["seq"] + 1,
        prev_hash="0" * 64 if previous is None else previous["manifest_hash"], request_id=f"forged-{meaning}",
    )
    return {**m.to_dict(), "record_id": RID, "manifest_hash": m.manifest_hash, **extra}


def _attacker_seal(manifest_hash: str) -> dict:
    """A genuine KMS signature, but from a key the attacker created and may use."""
    kms = SESSION.client("kms")
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    signature = kms.sign(KeyId=key, Message=bytes.fromhex(manifest_hash), MessageType="DIGEST",
                         SigningAlgorithm=SEAL_ALGORITHM)["Signature"]
    return {"seal": base64.b64encode(signature).decode(), "seal_key": key, "seal_algorithm": SEAL_ALGORITHM}


# --------------------------------------------------------------------------- the three forgeries


def test_a_new_signature_is_not_chained_onto_an_edited_and_rehashed_tail(env):
    version = env.put_record(b"content")
    assert sign(env, version)[0] == 201
    tail = _items(env)[0]
    edited = SignatureManifest.from_dict({**tail, "reason": "reviewed against the wrong MBR, quietly corrected"})
    env.ddb.update_item(
        TableName=TABLE, Key={"record_id": {"S": RID}, "seq": {"N": "0"}},
        UpdateExpression="SET reason = :r, manifest_hash = :h",
        ExpressionAttributeValues={":r": {"S": edited.reason}, ":h": {"S": edited.manifest_hash}},
    )
    status, body = sign(env, version, user="approver", meaning="approval")
    assert status == 409 and body["error"] == "ledger_integrity", body
    assert "seq 0" in body["reason"]
    assert len(env.ledger()) == 1


def test_a_forged_review_written_into_the_table_does_not_satisfy_the_sequence(env):
    version = env.put_record(b"content")
    _write(env, _forged(None, version, meaning="review"))  # with a matching forged manifest copy
    status, body = sign(env, version, user="approver", meaning="approval")
    assert status == 409 and body["error"] == "ledger_integrity", body
    assert NOT_SEALED in body["reason"]
    assert len(env.ledger()) == 1 and env.of_type("Signature Applied") == []


@pytest.mark.parametrize("seal", ["none", "attacker-key", "copied"], ids=["unsealed", "attacker-key", "copied-seal"])
def test_a_forged_entry_with_a_forged_copy_does_not_verify(env, seal):
    version = env.put_record(b"content")
    assert sign(env, version)[0] == 201
    genuine = _items(env)[0]
    forged = _forged(genuine, version, meaning="approval", who=("sub-approver", "jdoe", "Jane Doe"))
    if seal == "attacker-key":
        forged.update(_attacker_seal(forged["manifest_hash"]))
    elif seal == "copied":
        forged.update({k: genuine[k] for k in ("seal", "seal_key", "seal_algorithm")})
    _write(env, forged)
    status, report = verify(env)
    assert status == 200 and report["valid"] is False
    (failure,) = report["chain"]["failures"]
    assert failure["seq"] == 1 and failure["problems"] == [NOT_SEALED if seal == "none" else BAD_SEAL]
    assert [s["sealed"] for s in report["signatures"]] == [True, False]
    assert report["signatures"][0]["valid"] is True


# --------------------------------------------------------------------------- what the seal needs


def test_a_seal_that_cannot_be_checked_never_verifies_and_never_signs(env):
    version = env.put_record(b"content")
    assert sign(env, version)[0] == 201
    broken = env.make_service(seal_key="alias/no-such-key")
    status, body = sign(env, version, user="approver", meaning="approval", service=broken)
    assert status == 409 and body["error"] == "ledger_unverifiable"
    response = broken.handle_verify(api_event(claims(), query={"bucket": RECORDS, "key": KEY}))
    report = json.loads(response["body"])
    assert response["statusCode"] == 200 and report["valid"] is False
    assert all(not s["sealed"] for s in report["signatures"])


def test_entries_written_before_sealing_are_accepted_only_with_an_older_retained_copy(env):
    version = env.put_record(b"content")
    legacy = _forged(None, version, meaning="review")
    _write(env, legacy)
    later = env.make_service(unsealed_before=datetime.now(timezone.utc) + timedelta(minutes=5))
    earlier = env.make_service(unsealed_before=datetime.now(timezone.utc) - timedelta(days=1))
    # Its copy was stored before the cut-over: the pre-sealing entry stands, and the chain grows sealed.
    assert sign(env, version, user="approver", meaning="approval", service=later)[0] == 201
    # With a cut-over before the copy was written, the same unsealed entry is a forgery.
    status, body = sign(env, version, user="approver", meaning="approval", service=earlier, request_id="again")
    assert status == 409 and NOT_SEALED in body["reason"]


def test_a_crash_before_the_copy_is_completed_by_the_next_signature(env, monkeypatch):
    from gxp_landing_zone.signatures.runtime.handlers import SignatureService

    version = env.put_record(b"content")
    original = SignatureService._put_manifest_copy
    monkeypatch.setattr(SignatureService, "_put_manifest_copy", lambda *a: (_ for _ in ()).throw(TimeoutError()))
    assert sign(env, version)[0] == 500  # the entry is sealed and written; its copy is not
    monkeypatch.setattr(SignatureService, "_put_manifest_copy", original)
    # The seal proves the tail genuine, so its copy is completed and the next signature appended.
    assert sign(env, version, user="approver", meaning="approval")[0] == 201
    assert sorted(env.manifest_keys()) == [manifest_object_key(RECORDS, KEY, version, s) for s in (0, 1)]
    assert verify(env)[1]["valid"] is True


# --------------------------------------------------------------------------- separation of duties


def test_one_person_may_not_review_and_approve_the_same_version(env):
    version = env.put_record(b"content")
    both = {**POLICY, "grants": {**POLICY["grants"], "batch-record": {"reviewers": ["review", "approval"]}}}
    strict = env.make_service(policy=SigningPolicy.from_dict(both))
    assert sign(env, version, service=strict)[0] == 201
    status, body = sign(env, version, meaning="approval", service=strict)
    assert status == 409 and body["error"] == "same_signer" and "'review'" in body["reason"]
    relaxed = env.make_service(policy=SigningPolicy.from_dict({**both, "same_person_may_sign": ["batch-record"]}))
    assert sign(env, version, meaning="approval", service=relaxed)[0] == 201


def test_separation_is_per_version(env):
    v1 = env.put_record(b"one")
    v2 = env.put_record(b"two")
    both = {**POLICY, "grants": {**POLICY["grants"], "batch-record": {"reviewers": ["review", "approval"],
                                                                        "approvers": ["review"]}}}
    service = env.make_service(policy=SigningPolicy.from_dict(both))
    assert sign(env, v1, service=service)[0] == 201
    assert sign(env, v2, user="approver", service=service)[0] == 201
    assert sign(env, v2, meaning="approval", service=service)[0] == 201


# --------------------------------------------------------------------------- idempotency


def test_identical_requests_without_a_request_id_are_one_signature(env):
    version = env.put_record(b"content")
    first = sign(env, version, reason="looked at it")
    second = sign(env, version, reason="looked at it")
    assert (first[0], second[0]) == (201, 200) and second[1]["replayed"] is True
    assert second[1]["signature"]["manifest_hash"] == first[1]["signature"]["manifest_hash"]
    assert len(env.ledger()) == 1 and len(env.of_type("Signature Applied")) == 1
    # A different reason is a different signature.
    assert sign(env, version, reason="second look")[0] == 201
    assert len(env.ledger()) == 2


# --------------------------------------------------------------------------- a record that is not what S3 stored


def _change_bytes_under_stale_checksum(version: str) -> None:
    bucket = s3_backends["123456789012"]["aws"].buckets[RECORDS]
    stored = next(k for k in bucket.keys.getlist(KEY) if k.version_id == version)
    stored.value = b"changed behind S3's back"


def test_a_changed_object_under_a_stale_checksum_gets_a_verdict(env):
    version = env.s3.put_object(Bucket=RECORDS, Key=KEY, Body=b"content", ChecksumAlgorithm="SHA256")["VersionId"]
    assert sign(env, version)[0] == 201
    _change_bytes_under_stale_checksum(version)
    status, body = sign(env, version, user="approver", meaning="approval")
    assert status == 409 and body["error"] == "checksum_mismatch", body
    status, report = verify(env)
    assert status == 200 and report["valid"] is False
    assert "does not match the checksum S3 stored" in report["signatures"][0]["problems"][0]


def test_an_archived_version_gets_a_verdict(env):
    version = env.s3.put_object(Bucket=RECORDS, Key=KEY, Body=b"content", StorageClass="DEEP_ARCHIVE")["VersionId"]
    status, body = sign(env, version)
    assert status == 409 and body["error"] == "record_archived" and "restored" in body["reason"]


# --------------------------------------------------------------------------- batch release


RELEASE_POLICY = {
    **POLICY,
    "grants": {**POLICY["grants"], "batch-record": {"reviewers": ["review"], "approvers": ["approval"],
                                                    "qualified-persons": ["batch-release"],
                                                    "production-leads": ["batch-release"]}},
    "sequences": {"batch-record": ["review", "approval", "batch-release"]},
    "restricted_meanings": {"batch-release": ["qualified-persons"]},
    "meanings": ["review", "approval", "authorship", "responsibility", "batch-release"],
}


def test_batch_release_only_by_a_qualified_person_and_printable(env):
    version = env.put_record(b"BR-001 executed batch record")
    service = env.make_service(policy=SigningPolicy.from_dict(RELEASE_POLICY))
    assert sign(env, version, service=service)[0] == 201
    assert sign(env, version, user="approver", meaning="approval", service=service)[0] == 201
    lead = {"cognito:groups": "production-leads", "sub": "sub-lead", "cognito:username": "lee", "name": "Lee Lead"}
    status, body = sign(env, version, user="author", meaning="batch-release", service=service, claim_overrides=lead)
    assert status == 403 and body["error"] == "restricted_meaning" and "qualified-persons" in body["reason"]
    qp = {"cognito:groups": "qualified-persons", "sub": "sub-qp", "cognito:username": "quinn", "name": "Quinn Person"}
    status, body = sign(env, version, user="author", meaning="batch-release", service=service, claim_overrides=qp)
    assert status == 201, body

    query = {"bucket": RECORDS, "key": KEY, "version_id": version}
    response = service.handle_release_record(api_event(claims(), query=query))
    record = json.loads(response["body"])
    assert response["statusCode"] == 200 and record["released"] is True and record["valid"] is True
    assert record["changed_since_original_entry"] is False and record["version_number"] == 1
    assert record["sha256"] == hashlib.sha256(b"BR-001 executed batch record").hexdigest()
    html = record["html"]
    assert "RELEASED" in html and record["sha256"] in html
    assert "Signed by Quinn Person on 2026-11-23 19:30:00 UTC - Meaning: batch-release" in html
    # A later version shows the data changed since entry, on the original's printout too.
    env.put_record(b"BR-001 amended")
    again = json.loads(service.handle_release_record(api_event(claims(), query=query))["body"])
    assert again["changed_since_original_entry"] is True and "Yes: the record has 2 versions" in again["html"]


def test_a_release_record_needs_a_version(env):
    response = env.service.handle_release_record(api_event(claims(), query={"bucket": RECORDS, "key": KEY}))
    assert response["statusCode"] == 400 and "version_id" in json.loads(response["body"])["reason"]


def test_a_release_record_of_an_unreleased_version_says_so(env):
    version = env.put_record(b"content")
    assert sign(env, version)[0] == 201
    response = env.service.handle_release_record(api_event(claims(), query={"bucket": RECORDS, "key": KEY,
                                                                              "version_id": version}))
    record = json.loads(response["body"])
    assert record["released"] is False and "NOT RELEASED" in record["html"]
    assert record["printed_at"] == "2026-11-23T19:30:00.000Z"

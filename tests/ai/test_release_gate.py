"""The release gate: a version is released only by a valid 'approved-for-use' signature on its current
go evaluation record; each refusal says why (wrong meaning, wrong group, stale evaluation hash, no-go,
another subject, a record outside the evaluation class)."""

from __future__ import annotations

from gxp_landing_zone.ai.runtime import evaluation_record as records
from gxp_landing_zone.signatures.runtime.release_gate import EvaluationRef

from .conftest import MEANING, PREFIX, RECORDS

SUBJECT = {"kind": "bedrock-model", "id": "us.anthropic.claude-sonnet-4-5-20250929-v1:0"}


def check(account, written, subject=SUBJECT):
    return account.gate.check(subject, EvaluationRef.parse(records.uri(written)))


def test_a_signed_go_evaluation_is_released(account):
    written = account.evaluate(SUBJECT)
    status, body = account.sign(written)
    assert status == 201, body
    decision = check(account, written)
    assert decision.released, decision.reasons
    assert decision.evaluation_sha256 == written["sha256"] == decision.signature["record_sha256"]
    assert decision.signature["meaning"] == MEANING and decision.signature["printed_name"] == "Jane Doe"


def test_an_unsigned_evaluation_is_not_released(account):
    decision = check(account, account.evaluate(SUBJECT))
    assert not decision.released
    assert "no signature can be verified" in decision.reasons[0]


def test_wrong_meaning_is_refused(account):
    written = account.evaluate(SUBJECT)
    assert account.sign(written, user="reviewer", meaning="review")[0] == 201
    decision = check(account, written)
    assert not decision.released
    assert decision.reasons == [f"version {written['version_id']} is signed only with review; release needs "
                                f"'{MEANING}' from a member of a group granted it"]


def test_wrong_group_cannot_sign_so_nothing_is_released(account):
    written = account.evaluate(SUBJECT)
    status, body = account.sign(written, user="reviewer", meaning=MEANING)
    assert status == 403 and body["error"] == "no_authority"
    decision = check(account, written)
    assert not decision.released and "no signature can be verified" in decision.reasons[0]


def test_stale_evaluation_hash_is_refused(account):
    first = account.evaluate(SUBJECT)
    assert account.sign(first)[0] == 201
    second = account.evaluate(SUBJECT, note="re-run after a prompt change")
    assert second["sha256"] != first["sha256"]
    old = check(account, first)
    assert not old.released and old.reasons[0].startswith(f"stale evaluation: version {first['version_id']}")
    new = check(account, second)
    assert not new.released
    assert new.reasons == [f"stale evaluation hash: '{MEANING}' signatures are bound to {first['sha256']}, "
                           f"not to the current evaluation result {second['sha256']}"]
    assert account.sign(second)[0] == 201
    assert check(account, second).released


def test_a_no_go_evaluation_is_not_released_even_when_signed(account):
    written = account.evaluate(SUBJECT, decision="no-go")
    assert account.sign(written)[0] == 201
    decision = check(account, written)
    assert not decision.released
    assert decision.reasons == ["the evaluation decided 'no-go': answer_match_rate 0.5 is below 0.9"]


def test_an_evaluation_of_another_subject_does_not_release(account):
    written = account.evaluate(SUBJECT)
    assert account.sign(written)[0] == 201
    other = {"kind": "bedrock-model", "id": "anthropic.claude-3-haiku-20240307-v1:0"}
    decision = check(account, written, subject=other)
    assert not decision.released and "evaluates" in decision.reasons[0]


def test_a_record_outside_the_evaluation_class_is_refused(account):
    version = account.s3.put_object(Bucket=RECORDS, Key="batch-records/x.json", Body=b"{}")["VersionId"]
    decision = account.gate.check(SUBJECT, EvaluationRef(RECORDS, "batch-records/x.json", version))
    assert not decision.released
    assert decision.reasons == [f"s3://{RECORDS}/batch-records/x.json?versionId={version} is not an evaluation "
                                f"record (s3://{RECORDS}/{PREFIX}...)"]


def test_bedrock_release_writes_a_release_record(account):
    written = account.evaluate(SUBJECT)
    account.sign(written)
    result = account.handlers.release({"subject": SUBJECT, "evaluation": records.uri(written)})
    assert result["released"] and result["release_record"].startswith("s3://genai-eval/releases/bedrock-model/")
    (event,) = account.of_type("AI Release Recorded")
    assert event["Source"] == "gxp.model-release" and event["Detail"]["evaluation_sha256"] == written["sha256"]


def test_bedrock_release_refusal_is_reported(account):
    written = account.evaluate(SUBJECT)
    result = account.handlers.release({"subject": SUBJECT, "evaluation": records.uri(written)})
    assert not result["released"]
    (event,) = account.of_type("AI Release Refused")
    assert event["Detail"]["reasons"] == result["reasons"]
    assert not account.handlers.release({"subject": SUBJECT, "evaluation": "not-a-uri"})["released"]

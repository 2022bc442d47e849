"""OQ runner against moto: the regulated account's records (tests/test_iq_workloads.py
``build_records``) and Config recorder (tests/test_iq.py), one run per test.

What moto 5.2 enforces, found by trying: a COMPLIANCE-locked version cannot be deleted (with or
without BypassGovernanceRetention: AccessDenied), default retention is applied on put, and a new
put keeps the first version. It evaluates bucket policies on object requests but takes every
request as aws:SecureTransport = false, so the TLS deny statement refuses HTTPS too (403 on every
put and get); the records buckets here therefore carry the policy without that statement, and the
plain-HTTP refusal is injected for http:// requests only. What it does not enforce at all: SCPs (so SQS in any region and StopConfigurationRecorder are accepted; StopLogging on the
organization trail, which lives in the management account, answers TrailNotFound), shortening a COMPLIANCE
retain-until date (accepted), and it refuses removing a bucket's default retention for a reason
AWS does not have (InvalidBucket "Bucket needs to be empty") instead of the bucket policy's
AccessDenied. Those refusals are injected as AccessDenied with a botocore ``before-call`` hook on
the session, which every client the runner creates inherits, so both directions are tested:
refused -> the step passes; accepted (the guard missing) -> the step fails and the runner put
back what the accepted call changed."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import boto3
import boto3.session
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from gxp_landing_zone.config import load_config
from gxp_landing_zone.naming import CONFIG_RECORDER_NAME, Names
from gxp_landing_zone.validation.oq import AUTOMATED, run_oq, verdicts, write_results
from gxp_landing_zone.validation.oq.__main__ import main
from gxp_landing_zone.validation.oq.runner import SIGNER_TOKEN_ENV
from gxp_landing_zone.validation.record import verify_chain
from tests.test_iq import REFERENCE_CONFIG, REGION, bucket_policy, build_config_recorder, session_for, without_any_credentials
from tests.test_iq import fake_credentials  # noqa: F401  (autouse fixture: moto credentials)
from tests.test_iq_workloads import build_records
from tests.record_keys import make_signing_key
from tests.moto_snapshot import build_once, restored

# The OQ runs only in validation accounts (test data only).
REGULATED = "validation-us"
SIG_API = "https://abc123.execute-api.us-east-1.amazonaws.com/v1/"
SIGNING_CLASS = "analytical-results"  # has record classes (batch-record, deviation) in the reference config


def _respond(status: int, parsed: dict):
    return AWSResponse("https://injected", status, {}, None), {**parsed, "ResponseMetadata": {"HTTPStatusCode": status}}


def access_denied(message="explicit deny (injected: AWS enforces this, moto does not)"):
    return _respond(403, {"Error": {"Code": "AccessDenied", "Message": message}})


def on(session, event: str, handler) -> list:
    """Register handler for a before-call event on the session; returns the list of calls seen."""
    calls = []

    def hook(params, **kwargs):
        calls.append(params)
        return handler(params)

    session.events.register(f"before-call.{event}", hook)
    return calls


# The refusals AWS produces and moto does not; each maps to the step it guards.
GUARDS = {
    "retention shortened": ("s3.PutObjectRetention", ("OQ-REC-03", "1")),
    "default retention removed": ("s3.PutObjectLockConfiguration", ("OQ-REC-03", "2")),
    "plain HTTP": ("s3.GetObject", ("OQ-REC-04", "1")),
    "short lock on write": ("s3.PutObject", ("OQ-REC-05", "1")),
    "governance lock on write": ("s3.PutObject", ("OQ-REC-05", "2")),
    "queue outside allowed regions": ("sqs.CreateQueue", ("OQ-SCP-02", "1")),
    "bucket outside the jurisdiction": ("s3.CreateBucket", ("OQ-SCP-03", "1")),
    "recorder stopped": ("config.StopConfigurationRecorder", ("OQ-SCP-01", "1")),
    "trail stopped": ("cloudtrail.StopLogging", ("OQ-SCP-01", "1b")),
}


SCP_GUARDS = {"queue outside allowed regions", "recorder stopped", "trail stopped", "bucket outside the jurisdiction"}
LOCK_MODE = {"short lock on write": "COMPLIANCE", "governance lock on write": "GOVERNANCE"}


def _guard(name):
    def handler(params):
        if name == "plain HTTP" and not params["url"].startswith("http://"):
            return None  # only the plain-HTTP client is refused by the TLS deny
        if name == "default retention removed" and "<Rule>" in params["body"].decode():
            return None  # the deny covers any change; restoring is the runner's own call, tested below
        if name in LOCK_MODE and params["headers"].get("x-amz-object-lock-mode") != LOCK_MODE[name]:
            return None  # the retention floor refuses only uploads that ask for their own lock
        if name in SCP_GUARDS:
            return access_denied("User is not authorized to perform this action with an explicit deny in a service "
                                 "control policy (injected: AWS enforces this, moto does not)")
        return access_denied()
    return handler


def enforce(session, *, skip=()):
    return {name: on(session, event, _guard(name)) for name, (event, _) in GUARDS.items() if name not in skip}


def _build_validation():
    config = load_config(REFERENCE_CONFIG)
    names = Names(config)
    account_id = config.account(REGULATED).id
    session = session_for(account_id)
    build_estate(session, config, names, account_id)
    return (config, names), {REGULATED: session}


@pytest.fixture(scope="module")
def _validation_built_once():
    return build_once(_build_validation)


@pytest.fixture
def validation(_validation_built_once):
    """(config, names, session) for the validation-us account, records and recorder built: once per
    module, and put back before each test."""
    with restored(_validation_built_once) as (config, names):
        # A new session per test: the tests register their refusals on it.
        yield config, names, _validation_built_once[1].sessions[REGULATED]


def build_estate(session, config, names, account_id):
    build_records(session, config, names, account_id)
    for data_class in config.data_classes:
        # moto cannot tell HTTPS from HTTP (see above): the TLS deny is injected instead.
        bucket = names.records_bucket(data_class.name, account_id, REGION)
        session.client("s3").put_bucket_policy(Bucket=bucket, Policy=bucket_policy(bucket, tls=False))
    build_config_recorder(session, names, account_id)
    # OQ-ALERT-01 puts its test event on the audit account's bus, named by ARN; moto resolves a bus ARN
    # in the caller's own account, so the bus is made there.
    session.client("events", region_name=config.home_region).create_event_bus(Name=names.audit_bus_name)


def step(results, test_id, number, kind="step"):
    (r,) = [r for r in results if r.test_id == test_id and r.step == number and r.kind == kind]
    return r


def failing_steps(results) -> set[tuple[str, str]]:
    return {(r.test_id, r.step) for r in results if r.outcome == "fail" and r.kind == "step"}


# -- the correct estate -------------------------------------------------------------------------


def test_correct_estate_passes_every_automated_step(validation):
    config, names, session = validation
    enforce(session)
    results = run_oq(session, config, REGULATED, REGION)
    assert failing_steps(results) == set(), [r for r in results if r.outcome == "fail"]
    tests = verdicts(results)
    # No token: the signature steps are not executed, never passed.
    signature_tests = {"OQ-SIG-01", "OQ-SIG-02", "OQ-SIG-03", "OQ-SIG-04", "OQ-SIG-05", "OQ-SIG-06", "OQ-SIG-07"}
    # Without an instrument identity, a restore request or a host in the VPC (tests/test_oq_instruments.py,
    # tests/test_oq_restore.py): not executed, or manual where only a host inside the VPC can perform it.
    opt_in = {"OQ-DEV-02": "not executed", "OQ-BAK-01": "not executed", "OQ-DEV-01": "manual"}
    assert tests == {**{t: "pass" for t in AUTOMATED - signature_tests - {"OQ-ALERT-01"} - set(opt_in)},
                     **{t: "not executed" for t in signature_tests}, **opt_in,
                     # The event is accepted by the bus; its arrival is confirmed by each subscriber by hand.
                     "OQ-ALERT-01": "manual", "OQ-AUD-01": "manual", "OQ-AUD-02": "manual"}
    assert step(results, "OQ-ALERT-01", "1").outcome == "pass"
    account = config.account(REGULATED).id
    bucket = names.records_bucket("deidentified-analytics", account, REGION)  # shortest retention: 10 years
    first = step(results, "OQ-REC-01", "1")
    assert first.resource.startswith(f"s3://{bucket}/oq/") and '"ObjectLockMode": "COMPLIANCE"' in first.observed
    assert {r.test_id for r in results if r.kind == "restore" or r.kind == "clean-up"} == set()
    for r in results:
        assert r.caller.startswith(f"arn:aws:sts::{account}:assumed-role/") and r.checked_at.endswith("+00:00")
        assert r.controls or r.test_id.startswith("OQ-SIG-")
    # The two locked versions stay, labelled as test data with their retain-until dates.
    kept = [json.loads(r.observed) for r in results if r.kind == "test data"]
    assert len(kept) == 2 and {k["bucket"] for k in kept} == {bucket}
    assert all(datetime.fromisoformat(k["retain_until"]).year >= datetime.now(timezone.utc).year + 9 for k in kept)
    s3 = session.client("s3")
    versions = s3.list_object_versions(Bucket=bucket)
    assert len(versions["Versions"]) == 2 and not versions.get("DeleteMarkers")
    tags = s3.get_object_tagging(Bucket=bucket, Key=kept[0]["key"], VersionId=kept[0]["version_id"])["TagSet"]
    assert {"Key": "gxp:test-data", "Value": "true"} in tags
    # Nothing else was left behind: the lock configuration and the recorder are as built.
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]["Rule"]["DefaultRetention"][
        "Mode"] == "COMPLIANCE"
    status = session.client("config").describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
    assert status[0]["recording"] is True


def test_moto_itself_refuses_deleting_a_locked_version(validation):
    # No injection for the delete steps: moto enforces COMPLIANCE mode, so this direction is real.
    config, names, session = validation
    calls = enforce(session)
    results = run_oq(session, config, REGULATED, REGION)
    assert "AccessDenied" in step(results, "OQ-REC-01", "2").observed
    assert "AccessDenied" in step(results, "OQ-REC-01", "2b").observed
    assert not any("DeleteObject" in str(c) for c in calls.values())


# -- each guard missing: that step fails, and what it changed is put back -------------------------


@pytest.mark.parametrize("guard", ["retention shortened", "plain HTTP", "queue outside allowed regions", "recorder stopped",
                                   "short lock on write", "governance lock on write", "bucket outside the jurisdiction"])
def test_guard_missing_fails_that_step_and_is_restored(validation, guard):
    config, names, session = validation
    enforce(session, skip={guard})
    results = run_oq(session, config, REGULATED, REGION)
    assert failing_steps(results) == {GUARDS[guard][1]}
    test_id, number = GUARDS[guard][1]
    assert verdicts(results)[test_id] == "fail"
    if guard == "retention shortened":
        restore = step(results, test_id, number, kind="restore")
        assert restore.outcome == "pass" and '"original in force": true' in restore.observed
        first = json.loads(next(r.observed for r in results if r.kind == "test data" and r.test_id == "OQ-REC-01"))
        head = session.client("s3").head_object(Bucket=first["bucket"], Key=first["key"], VersionId=first["version_id"])
        assert head["ObjectLockRetainUntilDate"].isoformat() == first["retain_until"]
    elif guard == "queue outside allowed regions":
        cleanup = step(results, test_id, number, kind="clean-up")
        assert cleanup.outcome == "pass" and "ap-southeast-2" in cleanup.resource
        assert not session.client("sqs", region_name="ap-southeast-2").list_queues().get("QueueUrls")
    elif guard == "recorder stopped":
        assert step(results, test_id, number, kind="restore").outcome == "pass"
        status = session.client("config").describe_configuration_recorder_status(
            ConfigurationRecorderNames=[CONFIG_RECORDER_NAME])["ConfigurationRecordersStatus"]
        assert status[0]["recording"] is True
    elif guard in LOCK_MODE:
        # The weaker-locked object stays until its own date; it is listed as test data, not hidden.
        stray = [json.loads(r.observed) for r in results if r.kind == "test data" and r.test_id == test_id]
        assert [k["mode"] for k in stray] == [LOCK_MODE[guard]]
    elif guard == "bucket outside the jurisdiction":
        cleanup = step(results, test_id, number, kind="clean-up")
        assert cleanup.outcome == "pass" and "eu-central-1" in cleanup.resource  # validation-us: first non-US region
        assert not [b for b in session.client("s3").list_buckets()["Buckets"] if b["Name"].startswith("gxp-oq-")]
    else:  # plain HTTP: a read changes nothing, there is nothing to restore
        assert "plain HTTP" in step(results, test_id, number).observed
        assert not [r for r in results if r.kind in ("restore", "clean-up")]


def test_trail_stop_accepted_is_started_again(validation):
    # The organization trail is in the management account, which moto does not reach from here
    # (TrailNotFound): "accepted" is injected, and the restart and the status read it triggers.
    config, names, session = validation
    enforce(session, skip={"trail stopped"})
    on(session, "cloudtrail.StopLogging", lambda params: _respond(200, {}))
    starts = on(session, "cloudtrail.StartLogging", lambda params: _respond(200, {}))
    on(session, "cloudtrail.GetTrailStatus", lambda params: _respond(200, {"IsLogging": bool(starts)}))
    results = run_oq(session, config, REGULATED, REGION)
    assert failing_steps(results) == {("OQ-SCP-01", "1b")}
    restore = step(results, "OQ-SCP-01", "1b", kind="restore")
    assert restore.outcome == "pass" and restore.resource == names.trail_arn()
    assert [json.loads(c["body"])["Name"] for c in starts] == [names.trail_arn()]


def test_trail_not_found_is_not_a_pass(validation):
    config, names, session = validation
    enforce(session, skip={"trail stopped"})
    results = run_oq(session, config, REGULATED, REGION)
    assert failing_steps(results) == {("OQ-SCP-01", "1b")}
    assert "AccessDenied" not in step(results, "OQ-SCP-01", "1b").observed


def test_default_retention_removal_accepted_is_restored(validation):
    # moto refuses the removal for its own reason (InvalidBucket), so "accepted" is injected: the hook
    # answers 200 to every put-object-lock-configuration and keeps the request bodies.
    config, names, session = validation
    enforce(session, skip={"default retention removed"})
    puts = on(session, "s3.PutObjectLockConfiguration", lambda params: _respond(200, {}))
    results = run_oq(session, config, REGULATED, REGION)
    assert failing_steps(results) == {("OQ-REC-03", "2")}
    assert step(results, "OQ-REC-03", "2", kind="restore").outcome == "pass"
    assert len(puts) == 2
    assert b"<Rule>" not in puts[0]["body"]  # the weakening attempt
    restored = puts[1]["body"].decode()
    assert "<Mode>COMPLIANCE</Mode>" in restored and "<Years>" not in restored  # the original, as read


def test_default_retention_refused_for_another_reason_is_not_a_pass(validation):
    # moto's own refusal (InvalidBucket) is not the bucket policy's deny: the step must not pass on it.
    config, names, session = validation
    enforce(session, skip={"default retention removed"})
    results = run_oq(session, config, REGULATED, REGION)
    assert failing_steps(results) == {("OQ-REC-03", "2")}
    assert "InvalidBucket" in step(results, "OQ-REC-03", "2").observed
    assert not [r for r in results if r.kind == "restore"]


def test_delete_accepted_fails_both_delete_steps(validation):
    config, names, session = validation
    enforce(session)
    on(session, "s3.DeleteObject", lambda params: _respond(204, {}))
    results = run_oq(session, config, REGULATED, REGION)
    assert failing_steps(results) == {("OQ-REC-01", "2"), ("OQ-REC-01", "2b")}
    assert '"delete": "accepted"' in step(results, "OQ-REC-01", "2").observed


def test_unlocked_bucket_fails_the_first_step(validation):
    config, names, session = validation
    enforce(session)
    account = config.account(REGULATED).id
    bucket = names.records_bucket("raw-lab-data", account, REGION)
    on(session, "s3.PutObject", lambda params: _respond(200, {"VersionId": "v-unlocked"})
       if bucket in params["url"] else None)
    on(session, "s3.HeadObject", lambda params: _respond(200, {"VersionId": "v-unlocked"})
       if bucket in params["url"] else None)
    results = run_oq(session, config, REGULATED, REGION, data_class="raw-lab-data")
    assert ("OQ-REC-01", "1") in failing_steps(results)


# -- the signature service ------------------------------------------------------------------------


class FakeSignatureApi:
    """Answers POST /signatures and GET /signatures/verify as the deployed API would; ``second_valid``
    makes it report the changed version as signed (the fault the step must catch). ``refusals``: token ->
    (status, error code) the service answers for that identity; a meaning other than ``first_meaning`` on an
    unsigned version is out of sequence (409), unless ``accept_everything``."""

    def __init__(self, *, second_valid=False, refusals=None, first_meaning=None, accept_everything=False):
        self.calls, self.second_valid, self.signed = [], second_valid, None
        self.refusals, self.first_meaning, self.accept_everything = refusals or {}, first_meaning, accept_everything

    def __call__(self, method, url, headers, body):
        self.calls.append((method, url, dict(headers), body))
        if method == "POST":
            req = json.loads(body)
            refusal = None if self.accept_everything else self.refusals.get(headers.get("Authorization"))
            if refusal is None and not self.accept_everything and self.first_meaning and \
                    req["meaning"] != self.first_meaning and req["version_id"] != self.signed:
                refusal = (409, "out_of_sequence")
            if refusal:
                return refusal[0], json.dumps({"error": refusal[1], "message": "refused"}).encode()
            self.signed = req["version_id"]
            return 201, json.dumps({"replayed": False, "signature": {
                "seq": 0, "meaning": req["meaning"], "record_version_id": req["version_id"], "manifest_hash": "ab" * 32,
                "manifestation": f"Signed by Test Signer at 2026-11-23T22:00:00Z, meaning: {req['meaning']}"}}).encode()
        version = url.split("version_id=")[1]
        valid = version == self.signed or self.second_valid
        return 200, json.dumps({"valid": valid, "signatures": [{"valid": True}] if valid else []}).encode()


def _outputs_stub(session, url=SIG_API):
    stack = f"Signatures-{REGULATED}-{REGION}"
    return on(session, "cloudformation.DescribeStacks", lambda params: _respond(200, {"Stacks": [{
        "StackName": stack, "StackStatus": "UPDATE_COMPLETE", "CreationTime": datetime.now(timezone.utc),
        "Outputs": [{"OutputKey": "SignatureServiceApiEndpoint7C0AB494", "OutputValue": url}]}]}))


def test_signature_signed_and_verified_only_for_the_signed_version(validation):
    config, names, session = validation
    enforce(session)
    _outputs_stub(session)
    deviation = config.signatures.record_classes["deviation"]
    api = FakeSignatureApi(first_meaning=deviation.sequence[0])
    results = run_oq(session, config, REGULATED, REGION, data_class=SIGNING_CLASS, signer_token="eyJ.secret-token",
                     transport=api)
    assert failing_steps(results) == set()
    assert verdicts(results)["OQ-SIG-01"] == "pass"
    # OQ-SIG-06 presents the same signer with the sequence's last meaning on the unsigned version: refused.
    assert verdicts(results)["OQ-SIG-06"] == "pass" and len(api.calls) == 4
    (post, verify_first, verify_second, _) = api.calls
    assert post[0] == "POST" and post[1] == SIG_API + "signatures" and post[2]["Authorization"] == "eyJ.secret-token"
    body = json.loads(post[3])
    # The key sits under a record class's prefix (the shortest of the class's), so the signing policy covers
    # it; the meaning is the first of that record class's sequence.
    assert body["key"].startswith(f"{deviation.key_prefix}oq/") and body["meaning"] == deviation.sequence[0]
    assert verify_first[1].startswith(SIG_API + "signatures/verify?") and body["version_id"] in verify_first[1]
    assert body["version_id"] not in verify_second[1]
    # The token authorises the calls and is never recorded.
    assert "secret-token" not in json.dumps([r.__dict__ for r in results])
    assert [r for r in results if r.test_id == "OQ-SIG-01" and r.kind == "test data"]


def test_signature_that_verifies_for_the_changed_version_fails(validation):
    config, names, session = validation
    enforce(session)
    deviation = config.signatures.record_classes["deviation"]
    results = run_oq(session, config, REGULATED, REGION, data_class=SIGNING_CLASS, signer_token="t",
                     signature_api=SIG_API,
                     transport=FakeSignatureApi(second_valid=True, first_meaning=deviation.sequence[0]))
    assert failing_steps(results) == {("OQ-SIG-01", "2b")}


NEGATIVE_TOKENS = {"OQ-SIG-02": "eyJ.no-mfa", "OQ-SIG-03": "eyJ.stale", "OQ-SIG-04": "eyJ.disabled",
                   "OQ-SIG-05": "eyJ.wrong-group"}
REFUSALS = {"eyJ.no-mfa": (401, "mfa_required"), "eyJ.stale": (401, "stale_authentication"),
            "eyJ.disabled": (403, "user_disabled"), "eyJ.wrong-group": (403, "no_authority")}


def test_negative_signature_tests_pass_only_on_the_expected_refusal(validation):
    config, names, session = validation
    enforce(session)
    first = config.signatures.record_classes["deviation"].sequence[0]
    results = run_oq(session, config, REGULATED, REGION, data_class=SIGNING_CLASS, signer_token="eyJ.signer",
                     signature_api=SIG_API, negative_tokens=NEGATIVE_TOKENS,
                     transport=FakeSignatureApi(refusals=REFUSALS, first_meaning=first))
    assert {t: v for t, v in verdicts(results).items() if t.startswith("OQ-SIG-")} == {
        **{f"OQ-SIG-0{n}": "pass" for n in range(1, 7)}, "OQ-SIG-07": "not executed"}  # no QP token
    assert "eyJ.no-mfa" not in json.dumps([r.__dict__ for r in results])
    # A service that signs for anyone: every negative test fails and the wrongful signature is kept as test data.
    results = run_oq(session, config, REGULATED, REGION, data_class=SIGNING_CLASS, signer_token="eyJ.signer",
                     signature_api=SIG_API, negative_tokens=NEGATIVE_TOKENS,
                     transport=FakeSignatureApi(accept_everything=True))
    assert {("OQ-SIG-02", "1"), ("OQ-SIG-03", "1"), ("OQ-SIG-04", "1"), ("OQ-SIG-05", "1"),
            ("OQ-SIG-06", "1")} <= failing_steps(results)
    assert {r.test_id for r in results if r.kind == "test data" and r.test_id.startswith("OQ-SIG-0")} >= {
        "OQ-SIG-02", "OQ-SIG-06"}


@pytest.mark.parametrize("case", ["no token", "not deployed", "no record class"])
def test_signature_steps_not_executed_without_what_they_need(validation, case):
    config, names, session = validation
    enforce(session)
    api = FakeSignatureApi()
    kwargs = {"data_class": SIGNING_CLASS, "signer_token": "t", "transport": api}
    if case == "no token":
        _outputs_stub(session)
        kwargs["signer_token"] = None
    elif case == "no record class":
        kwargs.update(data_class="raw-lab-data", signature_api=SIG_API)
    if case == "not deployed":
        # What CloudFormation answers for a stack that does not exist (moto's CloudFormation needs
        # openapi_spec_validator, which is not installed, so the answer is injected).
        on(session, "cloudformation.DescribeStacks", lambda params: _respond(400, {"Error": {
            "Code": "ValidationError", "Message": f"Stack with id Signatures-{REGULATED}-{REGION} does not exist"}}))
    results = run_oq(session, config, REGULATED, REGION, **kwargs)
    sig = [r for r in results if r.test_id == "OQ-SIG-01"]
    assert sig and {r.outcome for r in sig} == {"not executed"} and not api.calls
    reason = {"no token": SIGNER_TOKEN_ENV, "not deployed": "not deployed", "no record class": "--data-class"}[case]
    assert reason in sig[0].observed
    assert verdicts(results)["OQ-SIG-01"] == "not executed"


# -- the record -------------------------------------------------------------------------------------


def test_record_is_chained_json_csv_and_html(validation, tmp_path):
    config, names, session = validation
    enforce(session, skip={"plain HTTP"})
    results = run_oq(session, config, REGULATED, REGION)
    paths = write_results(results, tmp_path, REGULATED, REGION)
    record = json.loads(paths.json.read_text())
    entries = record["entries"]
    assert record["kind"] == "oq" and record["seal"] is None and not paths.sealed
    assert verify_chain(entries) is None and len(entries) == len(results)
    assert len(paths.csv.read_text().splitlines()) == len(results) + 1
    html = paths.html.read_text()
    assert "Hash chain: <span class=\"chain-intact\">intact</span>" in html
    assert 'class="fail">fail<' in html and 'class="pass">pass<' in html and results[0].caller in html
    assert "<script" not in html and "http-equiv" not in html
    entries[0]["outcome"] = "pass" if entries[0]["outcome"] != "pass" else "fail"
    assert verify_chain(entries) == 0


# -- the command line --------------------------------------------------------------------------------


def run_cli(capsys, tmp_path, *args, entry=main):
    code = entry(["--config", str(REFERENCE_CONFIG), "--region", REGION, "--out", str(tmp_path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_runs_and_exits_by_outcome(monkeypatch, capsys, tmp_path):
    config = load_config(REFERENCE_CONFIG)
    account = config.account(REGULATED).id
    monkeypatch.setenv("MOTO_ACCOUNT_ID", account)
    monkeypatch.delenv(SIGNER_TOKEN_ENV, raising=False)
    with mock_aws():
        build_estate(boto3.Session(region_name=REGION), config, Names(config), account)
        # No alias: moto would find an alias ARN of the audit account in the caller's account.
        key = make_signing_key(boto3.Session(region_name=REGION), alias=None)
        # The CLI makes its own session: the refusals are injected into each one it makes.
        original = boto3.session.Session

        class Enforced(original):
            def __init__(self, *a, **kw):
                super().__init__(*a, **kw)
                enforce(self)

        monkeypatch.setattr("gxp_landing_zone.validation.oq.__main__.boto3.Session", Enforced)
        code, out, err = run_cli(capsys, tmp_path / "ok", "--account-role", REGULATED, "--signing-key", key)
        assert (code, err) == (0, ""), out
        assert "8 pass, 0 fail, 9 not executed, 4 manual" in out and "(sealed)" in out
        assert len(list((tmp_path / "ok").glob("oq-*.html"))) == 1
        record = json.loads(next((tmp_path / "ok").glob("oq-*.json")).read_text())
        assert record["seal"]["key_arn"] == key and record["protocol"]["id"]
        # Without a usable key the record is written all the same, unsealed, and the exit code says so.
        code, out, err = run_cli(capsys, tmp_path / "unsealed", "--account-role", REGULATED)
        assert code == 5 and "written but not sealed" in out
        assert json.loads(next((tmp_path / "unsealed").glob("oq-*.json")).read_text())["seal"] is None

        class HttpAllowed(original):
            def __init__(self, *a, **kw):
                super().__init__(*a, **kw)
                enforce(self, skip={"plain HTTP"})

        monkeypatch.setattr("gxp_landing_zone.validation.oq.__main__.boto3.Session", HttpAllowed)
        from gxp_landing_zone.validation.__main__ import main as dispatch

        code = dispatch(["oq", "--config", str(REFERENCE_CONFIG), "--region", REGION, "--out", str(tmp_path / "bad"),
                         "--account-role", REGULATED, "--signing-key", key])
        out, _ = capsys.readouterr()
        assert code == 1 and "FAIL OQ-REC-04 step 1" in out


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--account-role", "lab"], 2, "unknown account role 'lab'"),
        (["--account-role", REGULATED, "--region", "eu-west-3"], 2, "region eu-west-3 is not in allowed_regions"),
        (["--account-role", "log-archive"], 2, "OQ runs in a regulated validation account"),
        (["--account-role", "regulated-us"], 2, "OQ runs only in a validation account; regulated-us holds production records"),
        (["--account-role", REGULATED, "--region", "eu-central-1"], 2, "keeps no records in eu-central-1"),
        (["--account-role", REGULATED, "--data-class", "gene-data"], 2, "unknown data class 'gene-data'"),
        (["--account-role", REGULATED, "--meaning", "blessing"], 2, "unknown meaning 'blessing'"),
        (["--account-role", REGULATED], 4, "credentials are for account 123456789012"),
        (["--account-role", REGULATED, "--config", "missing.yaml"], 2, "no such config file"),
    ],
)
def test_cli_errors_are_one_line_with_exit_code(capsys, tmp_path, args, code, message):
    with mock_aws():
        got, out, err = run_cli(capsys, tmp_path, *args)
    assert got == code
    assert err.startswith("oq: error: ") and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.iterdir())


def test_cli_without_credentials(monkeypatch, capsys, tmp_path):
    without_any_credentials(monkeypatch, tmp_path)
    code, _, err = run_cli(capsys, tmp_path / "out", "--account-role", REGULATED)
    assert code == 3 and err == "oq: error: no AWS credentials found; sign in (e.g. aws sso login) or set AWS_PROFILE\n"


def test_dispatcher_runs_iq_and_rejects_anything_else(capsys, tmp_path):
    from gxp_landing_zone.validation.__main__ import main as dispatch

    with mock_aws():
        code = dispatch(["iq", "--config", str(REFERENCE_CONFIG), "--region", REGION, "--out", str(tmp_path),
                         "--account-role", "lab"])
    assert code == 2 and "iq: error: unknown account role 'lab'" in capsys.readouterr().err
    assert dispatch(["pq"]) == 2 and "the first argument is iq, oq, seal, verify or public-key" in capsys.readouterr().err


def test_iq_record_has_an_html_view(tmp_path):
    from gxp_landing_zone.validation.iq import write_results as write_iq
    from gxp_landing_zone.validation.iq.results import result

    json_path, csv_path, *_ = write_iq([result("GXP-S3-01", "bucket-a", "COMPLIANCE", "GOVERNANCE", False),
                                    result("GXP-S3-03", "bucket-a", "Enabled", "Enabled", True)], tmp_path, "x", REGION)
    html = json_path.with_suffix(".html").read_text()
    assert csv_path.exists() and "GXP-S3-01" in html and 'class="fail">fail<' in html and "intact" in html


def test_cli_reads_the_signer_token_from_the_environment_only(monkeypatch, capsys, tmp_path):
    seen = {}

    def fake_run_oq(session, config, role, region, **kwargs):
        seen.update(kwargs)
        return []

    monkeypatch.setattr("gxp_landing_zone.validation.oq.__main__.run_oq", fake_run_oq)
    monkeypatch.setenv(SIGNER_TOKEN_ENV, "eyJ.from-env")
    code, out, _ = run_cli(capsys, tmp_path, "--account-role", REGULATED, "--signature-api", SIG_API, "--no-seal")
    assert code == 5 and seen["signer_token"] == "eyJ.from-env" and seen["signature_api"] == SIG_API
    assert "from-env" not in "".join(p.read_text() for p in tmp_path.iterdir())
    with pytest.raises(SystemExit):
        main(["--config", str(REFERENCE_CONFIG), "--account-role", REGULATED, "--region", REGION, "--token", "x"])


def test_signature_client_sends_the_token_over_https_only():
    from gxp_landing_zone.validation.oq.signature_client import SignatureClient

    status, body = SignatureClient("http://insecure.example/v1", "eyJ.t").verify("b", "k", "v")
    assert status == 0 and "https" in body


def test_guardrail_refused_without_naming_an_scp_is_not_a_pass(validation):
    # A tester without the permission is refused too; only a refusal naming the SCP proves the guardrail.
    config, names, session = validation
    enforce(session, skip={"queue outside allowed regions"})
    on(session, "sqs.CreateQueue", lambda params: access_denied("User is not authorized to perform sqs:CreateQueue "
                                                                 "because no identity-based policy allows it"))
    results = run_oq(session, config, REGULATED, REGION)
    assert failing_steps(results) == {("OQ-SCP-02", "1")}

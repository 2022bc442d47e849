"""OQ-DEV-01/02 against moto: the instrument's writes, as the validation account's test instrument.

moto stores what it is given and evaluates none of GXP-DEV-01's conditions (aws:PrincipalArn,
aws:VpceAccount, s3:x-amz-content-sha256). So the bucket policy is played by a hook that reads what AWS
reads from the request (whose access key signs it, whether its payload is signed) and where the test says
the runner stands; the headers botocore actually sent are checked on the writes that go through; the intake check (records/runtime/intake.py, the real one) runs when the runner first reads the version's tags,
as if its EventBridge event had just arrived. Both directions are tested: the policy as deployed (refused
-> the step passes) and each condition missing (accepted -> that step fails, the stored object is kept as
labelled test data)."""

from __future__ import annotations

import json

import pytest
from botocore.awsrequest import AWSResponse

from gxp_landing_zone.records.runtime.intake import IntakeCheck
from gxp_landing_zone.validation.oq import run_oq, verdicts
from tests.test_iq import REGION
from tests.test_iq import fake_credentials  # noqa: F401  (autouse fixture: moto credentials)
from tests.test_oq import REGULATED, enforce, failing_steps, step, validation, _validation_built_once  # noqa: F401  (fixtures)

INSTRUMENT_ROLE = "gxp-instrument-hplc-val-01"  # config/reference.yaml: validation-us's test instrument
UNSIGNED = {"UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}


def access_denied(statement):
    return (AWSResponse("https://injected", 403, {}, None),
            {"Error": {"Code": "AccessDenied", "Message": f"explicit deny in a resource-based policy ({statement}; "
                                                          "injected: AWS enforces this, moto does not)"},
             "ResponseMetadata": {"HTTPStatusCode": 403}})


class InstrumentBucket:
    """The raw-data bucket's instrument statements, as S3 would apply them to each PutObject.

    moto stores a request even when a later hook answers it, so the refusal is decided before the call,
    from what the signed request will carry: the caller's access key and whether the client signs S3
    payloads. What botocore actually sent is kept for the writes that go through (``sent``)."""

    def __init__(self, session, bucket: str, *, inside_vpc: bool, skip=()):
        self.bucket, self.inside_vpc, self.skip = bucket, inside_vpc, set(skip)
        self.instrument_keys: set[str] = set()
        self.requests: list[dict] = []
        self.sent: list[dict] = []
        session.events.register("after-call.sts.AssumeRole", self._assumed)
        session.events.register("before-call.s3.PutObject", self._put)
        session.events.register("before-send.s3.PutObject", self._sent)

    def _assumed(self, parsed, **_):
        if INSTRUMENT_ROLE in parsed.get("AssumedRoleUser", {}).get("Arn", ""):
            self.instrument_keys.add(parsed["Credentials"]["AccessKeyId"])

    def _ours(self, url: str) -> bool:
        return f"/{self.bucket}/" in url or f"//{self.bucket}." in url

    def _put(self, params, request_signer, context, **_):
        if not self._ours(params["url"]):
            return None
        access_key = request_signer._credentials.get_frozen_credentials().access_key
        signed = ((context.get("client_config") and context["client_config"].s3) or {}).get("payload_signing_enabled")
        self.requests.append({"instrument": access_key in self.instrument_keys, "signed payload": bool(signed)})
        denied = [sid for sid, refused in (
            ("DenyWritesFromUnregisteredSources", access_key not in self.instrument_keys),
            ("DenyWritesOutsideTheAccountsEndpoints", not self.inside_vpc),
            ("DenyUnsignedPayloads", not signed)) if refused and sid not in self.skip]
        return access_denied(denied[0]) if denied else None

    def _sent(self, request, **_):
        if self._ours(request.url):
            headers = {k.lower(): (v.decode() if isinstance(v, bytes) else v) for k, v in request.headers.items()}
            self.sent.append({"payload": headers.get("x-amz-content-sha256"), "checksum": headers.get("x-amz-checksum-sha256")})


def intake_on_first_read(session, bucket):
    """The intake check, run once per version when the runner first reads its tags."""
    checked = set()

    def handler(params, **_):
        version = params.get("VersionId")
        if params.get("Bucket") == bucket and version and version not in checked:
            checked.add(version)
            check = IntakeCheck(s3=session.client("s3"), events=session.client("events"))
            check.check({"detail": {"bucket": {"name": bucket}, "object": {"key": params["Key"], "version-id": version}}})

    session.events.register("before-parameter-build.s3.GetObjectTagging", handler)
    return checked


def run(config, session, *, inside_vpc, role=INSTRUMENT_ROLE, **kwargs):
    account = config.account(REGULATED).id
    waits = []
    results = run_oq(session, config, REGULATED, REGION, inside_vpc=inside_vpc, sleep=waits.append,
                     instrument_identity={"role_arn": f"arn:aws:iam::{account}:role/{role}"} if role else {}, **kwargs)
    return results, waits


@pytest.fixture
def raw_bucket(validation):
    config, names, session = validation
    return names.records_bucket("raw-lab-data", config.account(REGULATED).id, REGION)


def test_inside_the_vpc_the_instrument_writes_and_everyone_else_is_refused(validation, raw_bucket):
    config, names, session = validation
    enforce(session)
    bucket = InstrumentBucket(session, raw_bucket, inside_vpc=True)
    intake_on_first_read(session, raw_bucket)
    results, _ = run(config, session, inside_vpc=True)
    assert verdicts(results)["OQ-DEV-01"] == "pass", [r for r in results if r.outcome == "fail"]
    # From inside the VPC the refusal owed to the endpoint alone cannot be shown: manual, never passed.
    assert verdicts(results)["OQ-DEV-02"] == "manual" and "outside the account's VPC" in step(results, "OQ-DEV-02", "1").observed
    allowed = step(results, "OQ-DEV-01", "1")
    assert '"gxp:intake-check": "sha256"' in allowed.observed and allowed.resource.startswith(f"s3://{raw_bucket}/oq/")
    assert bucket.requests == [{"instrument": True, "signed payload": True}, {"instrument": False, "signed payload": True},
                               {"instrument": True, "signed payload": False}]
    # What the policy reads on the allowed write: a signed payload (its SHA-256 in hex) and the SHA-256 sent with it.
    (sent,) = bucket.sent
    assert len(sent["payload"]) == 64 and sent["payload"] not in UNSIGNED and sent["checksum"]
    for number in ("2", "3"):
        assert '"versions stored": []' in step(results, "OQ-DEV-01", number).observed
    kept = [json.loads(r.observed) for r in results if r.kind == "test data" and r.test_id == "OQ-DEV-01"]
    assert len(kept) == 1 and kept[0]["bucket"] == raw_bucket
    tags = session.client("s3").get_object_tagging(Bucket=raw_bucket, Key=kept[0]["key"], VersionId=kept[0]["version_ids"][0])
    assert {"Key": "gxp:test-data", "Value": "true"} in tags["TagSet"]
    # The instrument's credentials never reach the record.
    assert "ASIA" not in json.dumps([r.__dict__ for r in results if r.test_id.startswith("OQ-DEV")])


def test_outside_the_vpc_the_instrument_is_refused(validation, raw_bucket):
    config, names, session = validation
    enforce(session)
    InstrumentBucket(session, raw_bucket, inside_vpc=False)
    results, _ = run(config, session, inside_vpc=False)
    assert verdicts(results)["OQ-DEV-02"] == "pass"
    assert "DenyWritesOutsideTheAccountsEndpoints" in step(results, "OQ-DEV-02", "1").observed
    dev_01 = [r for r in results if r.test_id == "OQ-DEV-01"]
    assert len(dev_01) == 3 and {r.outcome for r in dev_01} == {"manual"} and "--inside-vpc" in dev_01[0].observed


@pytest.mark.parametrize("missing, inside_vpc, failing", [
    ("DenyWritesFromUnregisteredSources", True, {("OQ-DEV-01", "2")}),
    ("DenyUnsignedPayloads", True, {("OQ-DEV-01", "3")}),
    ("DenyWritesOutsideTheAccountsEndpoints", False, {("OQ-DEV-02", "1")}),
])
def test_a_missing_condition_fails_its_step_and_the_stored_object_is_listed(validation, raw_bucket, missing, inside_vpc,
                                                                           failing):
    config, names, session = validation
    enforce(session)
    bucket = InstrumentBucket(session, raw_bucket, inside_vpc=inside_vpc, skip={missing})
    intake_on_first_read(session, raw_bucket)
    results, _ = run(config, session, inside_vpc=inside_vpc)
    assert failing_steps(results) == failing
    test_id, number = next(iter(failing))
    assert [r for r in results if r.kind == "test data" and r.test_id == test_id and r.step == number]
    if missing == "DenyUnsignedPayloads":
        # The unsigned write went through: botocore sent it as S3's documented unsigned-payload value.
        assert [s["payload"] for s in bucket.sent] == [bucket.sent[0]["payload"], "UNSIGNED-PAYLOAD"]


def test_a_write_the_intake_check_never_tags_fails_after_the_bounded_wait(validation, raw_bucket):
    config, names, session = validation
    enforce(session)
    InstrumentBucket(session, raw_bucket, inside_vpc=True)
    results, waits = run(config, session, inside_vpc=True)
    assert failing_steps(results) == {("OQ-DEV-01", "1")}
    assert '"gxp:intake-check": null' in step(results, "OQ-DEV-01", "1").observed
    assert sum(waits) == 300  # INTAKE_WAIT_SECONDS, then the step is recorded


@pytest.mark.parametrize("role, reason", [
    (None, "GXP_OQ_INSTRUMENT_ROLE_ARN"),
    ("gxp-instrument-hplc-07", "not a registered instrument's role here"),  # regulated-us's, not this account's
])
def test_without_a_registered_instrument_identity_nothing_is_written(validation, raw_bucket, role, reason):
    config, names, session = validation
    enforce(session)
    bucket = InstrumentBucket(session, raw_bucket, inside_vpc=True)
    results, _ = run(config, session, inside_vpc=True, role=role)
    dev = [r for r in results if r.test_id == "OQ-DEV-01"]
    assert {r.outcome for r in dev} == {"not executed"} and reason in dev[0].observed
    assert bucket.requests == []


def test_the_package_joins_the_inside_and_outside_runs():
    """A step one record leaves manual and another performed counts by its performance (package/executed.py)."""
    from gxp_landing_zone.validation.package.executed import executed_oq

    def entry(test, number, outcome, kind="step"):
        return {"test_id": test, "step": number, "kind": kind, "outcome": outcome}

    inside = [entry("OQ-DEV-01", n, "pass") for n in "123"] + [entry("OQ-DEV-01", "1", "test data", "test data"),
                                                               entry("OQ-DEV-02", "1", "manual")]
    outside = [entry("OQ-DEV-01", n, "manual") for n in "123"] + [entry("OQ-DEV-02", "1", "pass")]
    tests = [{"id": t, "automated": True} for t in ("OQ-DEV-01", "OQ-DEV-02")]
    files = [{"file": name, "entries": entries, **dict.fromkeys(("account_role", "region", "protocol_sha256", "seal",
                                                                   "signed_by", "signed_at"))}
             for name, entries in (("inside.json", inside), ("outside.json", outside))]
    verdict = {t["id"]: t["verdict"] for t in executed_oq(files, tests)["tests"]}
    assert verdict == {"OQ-DEV-01": "pass", "OQ-DEV-02": "pass"}
    # One run alone leaves the other test manual; a failure anywhere fails the test.
    assert {t["id"]: t["verdict"] for t in executed_oq(files[:1], tests)["tests"]}["OQ-DEV-02"] == "manual"
    outside[-1]["outcome"] = "fail"
    assert {t["id"]: t["verdict"] for t in executed_oq(files, tests)["tests"]}["OQ-DEV-02"] == "fail"


def test_cli_reads_identities_from_the_environment_and_options_from_arguments(monkeypatch, capsys, tmp_path):
    from tests.test_oq import REFERENCE_CONFIG, SIG_API, run_cli

    seen = {}

    def fake_run_oq(session, config, role, region, **kwargs):
        seen.update(kwargs)
        return []

    monkeypatch.setattr("gxp_landing_zone.validation.oq.__main__.run_oq", fake_run_oq)
    for name, value in {"GXP_OQ_INSTRUMENT_ROLE_ARN": "arn:aws:iam::999999999901:role/gxp-instrument-hplc-val-01",
                        "GXP_OQ_TOKEN_QP": "eyJ.qp", "GXP_OQ_TOKEN_NOT_QP": "eyJ.not-qp",
                        "GXP_OQ_TOKEN_MEANING_REVIEW": "eyJ.review", "GXP_OQ_TOKEN_MEANING_BATCH_RELEASE": "eyJ.x"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("GXP_OQ_INSTRUMENT_PROFILE", raising=False)
    code, out, _ = run_cli(capsys, tmp_path, "--account-role", REGULATED, "--signature-api", SIG_API, "--no-seal",
                           "--inside-vpc", "--restore-test", "--restore-wait-minutes", "5", "--ledger-table", "ledger")
    assert code == 5
    assert seen["instrument_identity"] == {"role_arn": "arn:aws:iam::999999999901:role/gxp-instrument-hplc-val-01",
                                           "profile": None}
    assert seen["release_tokens"] == {"qp": "eyJ.qp", "not_qp": "eyJ.not-qp",
                                      "meanings": {"review": "eyJ.review", "batch-release": "eyJ.x"}}
    assert (seen["inside_vpc"], seen["restore_test"], seen["restore_wait_seconds"], seen["ledger_table"]) == (
        True, True, 300, "ledger")
    code, _, err = run_cli(capsys, tmp_path / "bad", "--account-role", REGULATED, "--restore-wait-minutes", "0")
    assert code == 2 and err == "oq: error: --restore-wait-minutes must be at least 1, not 0\n"
    assert REFERENCE_CONFIG.exists()

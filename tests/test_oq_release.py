"""OQ-SIG-07 against the signature service itself: the runner's HTTP calls are answered by the runtime
(signatures/runtime, the handlers API Gateway invokes) running on moto in the validation account, with
the reference config's signing policy and restrictions, so the release record the runner judges is the
one the service prints. Each test identity's token stands for the claims Cognito would put in it."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from urllib.parse import parse_qsl, urlsplit

import pytest

from gxp_landing_zone.signatures.runtime.core import SigningPolicy
from gxp_landing_zone.signatures.runtime.handlers import SignatureService
from gxp_landing_zone.validation.oq import run_oq, verdicts
from tests.test_iq import REGION
from tests.test_iq import fake_credentials  # noqa: F401  (autouse fixture: moto credentials)
from tests.test_oq import REGULATED, SIG_API, enforce, failing_steps, step, validation, _validation_built_once  # noqa: F401  (fixtures)

LEDGER, MANIFESTS = "oq-ledger", "oq-manifests"
# token -> (sub, username, printed name, groups): the test identities the OQ operator prepares.
IDENTITIES = {
    "eyJ.reviewer": ("sub-r", "rita", "Rita Reviewer", "qa-reviewers"),
    "eyJ.approver": ("sub-a", "jdoe", "Jane Doe", "qa-approvers"),
    "eyJ.qp": ("sub-q", "quinn", "Quinn Qualified", "qualified-persons"),
    "eyJ.not-qp": ("sub-n", "nora", "Nora Approver", "qa-approvers"),
}
TOKENS = {"qp": "eyJ.qp", "not_qp": "eyJ.not-qp", "meanings": {"review": "eyJ.reviewer", "approval": "eyJ.approver"}}


def signing_policy(config, account: str, names, *, restricted=True) -> SigningPolicy:
    """The policy the Signatures stack gives the functions, written from the config here."""
    settings = config.signatures
    return SigningPolicy.from_dict({
        "meanings": sorted(settings.meanings),
        "grants": {n: dict(rc.signers) for n, rc in settings.record_classes.items()},
        "sequences": {n: list(rc.sequence) for n, rc in settings.record_classes.items() if rc.sequence},
        "record_classes": {f"{names.records_bucket(rc.data_class, account, REGION)}/{rc.key_prefix}": n
                           for n, rc in settings.record_classes.items()},
        "restricted_meanings": {m: sorted(g) for m, g in settings.restricted_meanings.items()} if restricted else {},
        "same_person_may_sign": sorted(n for n, rc in settings.record_classes.items() if rc.same_person_may_sign),
    })


class ServiceTransport:
    """The signature API as the runner reaches it: each call handed to the runtime's handler for its route."""

    def __init__(self, service: SignatureService, tamper=None):
        self.service, self.tamper, self.calls = service, tamper, []

    def __call__(self, method, url, headers, body):
        parts = urlsplit(url)
        route = parts.path.removeprefix(urlsplit(SIG_API).path)
        sub, username, name, groups = IDENTITIES[headers["Authorization"]]
        claims = {"sub": sub, "cognito:username": username, "name": name, "cognito:groups": groups, "token_use": "id",
                  "auth_time": str(int(datetime.now(timezone.utc).timestamp()) - 30), "amr": "[pwd, mfa]"}
        event = {"httpMethod": method, "resource": f"/{route}", "headers": {"Content-Type": "application/json"},
                 "queryStringParameters": dict(parse_qsl(parts.query)) or None, "body": body.decode() if body else None,
                 "isBase64Encoded": False, "requestContext": {"requestId": f"req-{len(self.calls)}",
                                                              "authorizer": {"claims": claims}}}
        self.calls.append((method, route, headers["Authorization"]))
        handler = {"signatures": self.service.handle_sign, "signatures/verify": self.service.handle_verify,
                   "signatures/release-record": self.service.handle_release_record}[route]
        answer = handler(event)
        payload = json.loads(answer["body"])
        if self.tamper and route == "signatures/release-record":
            payload = self.tamper(payload)
        return answer["statusCode"], json.dumps(payload).encode()


@pytest.fixture
def service(validation):
    config, names, session = validation
    account = config.account(REGULATED).id
    s3, ddb, kms = session.client("s3"), session.client("dynamodb"), session.client("kms")
    s3.create_bucket(Bucket=MANIFESTS, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=MANIFESTS, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
    ddb.create_table(TableName=LEDGER, BillingMode="PAY_PER_REQUEST",
                     KeySchema=[{"AttributeName": "record_id", "KeyType": "HASH"}, {"AttributeName": "seq", "KeyType": "RANGE"}],
                     AttributeDefinitions=[{"AttributeName": "record_id", "AttributeType": "S"},
                                           {"AttributeName": "seq", "AttributeType": "N"}])
    seal = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
    session.client("events").create_event_bus(Name="oq-bus")

    def make(**overrides):
        kwargs = dict(s3=s3, dynamodb=ddb, events=session.client("events"), kms=kms, seal_key=seal, ledger_table=LEDGER,
                      manifest_bucket=MANIFESTS, event_bus_name="oq-bus",
                      records_buckets={names.records_bucket(d.name, account, REGION) for d in config.data_classes},
                      policy=signing_policy(config, account, names))
        return SignatureService(**{**kwargs, **overrides})

    return make


def run(config, session, transport, tokens=TOKENS):
    enforce(session)
    return run_oq(session, config, REGULATED, REGION, signature_api=SIG_API, transport=transport, release_tokens=tokens)


def test_batch_release_by_a_qualified_person_and_its_release_record(validation, service):
    config, names, session = validation
    transport = ServiceTransport(service())
    results = run(config, session, transport)
    assert verdicts(results)["OQ-SIG-07"] == "pass", [r for r in results if r.test_id == "OQ-SIG-07" and r.outcome == "fail"]
    first = step(results, "OQ-SIG-07", "1")
    assert "/batch-records/oq/" in first.resource and "analytical-results" in first.resource
    assert '"status": 403' in step(results, "OQ-SIG-07", "2").observed and "restricted_meaning" in step(
        results, "OQ-SIG-07", "2").observed
    assert "Quinn Qualified" in step(results, "OQ-SIG-07", "3").observed
    assert '"changed_since_original_entry": false' in step(results, "OQ-SIG-07", "4").observed
    assert '"changed_since_original_entry": true' in step(results, "OQ-SIG-07", "5").observed
    # Review and approval by their own identities, the refused non-QP, the QP, and two printouts.
    assert [(m, r, t) for m, r, t in transport.calls if r != "signatures/verify"] == [
        ("POST", "signatures", "eyJ.reviewer"), ("POST", "signatures", "eyJ.approver"), ("POST", "signatures", "eyJ.not-qp"),
        ("POST", "signatures", "eyJ.qp"), ("GET", "signatures/release-record", "eyJ.qp"),
        ("GET", "signatures/release-record", "eyJ.qp")]
    kept = [json.loads(r.observed) for r in results if r.test_id == "OQ-SIG-07" and r.kind == "test data"]
    assert len(kept) == 1 and kept[0]["changed_version_id"] and kept[0]["sha256"]
    assert "eyJ." not in json.dumps([r.__dict__ for r in results])


def test_a_service_that_lets_anyone_release_fails_the_refusal_step(validation, service):
    config, names, session = validation
    account = config.account(REGULATED).id
    policy = signing_policy(config, account, names, restricted=False)
    # The class grant widened as well, so only the reservation (GXP-ESIG-12) could have refused it.
    widened = {c: {g: (m | {"batch-release"} if g == "qa-approvers" else m) for g, m in gs.items()}
               for c, gs in policy.grants.items()}
    results = run(config, session, ServiceTransport(service(policy=SigningPolicy(
        meanings=policy.meanings, grants=widened, sequences=policy.sequences, record_classes=policy.record_classes))))
    assert ("OQ-SIG-07", "2") in failing_steps(results)
    assert [r for r in results if r.test_id == "OQ-SIG-07" and r.step == "2" and r.kind == "test data"]


@pytest.mark.parametrize("tamper, failing", [
    (lambda r: {**r, "changed_since_original_entry": False}, ("OQ-SIG-07", "5")),
    (lambda r: {**r, "sha256": "0" * 64}, ("OQ-SIG-07", "4")),
    (lambda r: {**r, "signatures": [], "html": ""}, ("OQ-SIG-07", "4")),
])
def test_a_release_record_that_misstates_the_record_fails(validation, service, tamper, failing):
    config, names, session = validation
    results = run(config, session, ServiceTransport(service(), tamper=tamper))
    assert failing in failing_steps(results)


def test_without_the_tokens_nothing_is_written(validation, service):
    config, names, session = validation
    transport = ServiceTransport(service())
    results = run(config, session, transport, tokens={"qp": "eyJ.qp", "meanings": {"review": "eyJ.reviewer"}})
    release = [r for r in results if r.test_id == "OQ-SIG-07"]
    assert {r.outcome for r in release} == {"not executed"} and "GXP_OQ_TOKEN_MEANING_APPROVAL" in release[0].observed
    assert not [c for c in transport.calls if c[2] == "eyJ.qp"]

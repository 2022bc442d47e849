"""A regulated account in moto for the AI release tests: a versioned records bucket holding the
evaluation records, the signature service's ledger and manifest bucket, SageMaker's model package
group and the default event bus. Signatures are applied through the signature service's own sign
operation, as a signer's API call would."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import boto3
import pytest
from moto import mock_aws

from gxp_landing_zone.ai.runtime import evaluation_record as records
from gxp_landing_zone.signatures.runtime.handlers import SignatureService
from gxp_landing_zone.signatures.runtime.policy import SigningPolicy
from gxp_landing_zone.signatures.runtime.release_gate import ReleaseGate
from gxp_landing_zone.signatures.runtime.release_handlers import ReleaseHandlers

NOW = datetime(2026, 11, 30, 9, 0, 0, tzinfo=timezone.utc)
RECORDS, MANIFESTS, RELEASES, TABLE = "exbio-records-analytical-results-444444444444-use1", "manifests", "genai-eval", "ledger"
PREFIX = "ai-evaluations/"
MEANING = "approved-for-use"
GROUP = "gxp-discovery-models"
POLICY = {
    "meanings": ["review", "approval", MEANING],
    "grants": {"ai-evaluation": {"ai-release-approvers": [MEANING], "qa-reviewers": ["review"]}},
    "record_classes": {f"{RECORDS}/{PREFIX}": "ai-evaluation", f"{RECORDS}/": "other"},
}
USERS = {
    "approver": ("sub-approver", "jdoe", "Jane Doe", "ai-release-approvers"),
    "reviewer": ("sub-reviewer", "rita", "Rita Reviewer", "qa-reviewers"),
}
SESSION = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1")


@pytest.fixture
def aws(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        s3 = SESSION.client("s3")
        for bucket in (RECORDS, RELEASES):
            s3.create_bucket(Bucket=bucket)
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.create_bucket(Bucket=MANIFESTS, ObjectLockEnabledForBucket=True)
        SESSION.client("dynamodb").create_table(
            TableName=TABLE, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "record_id", "KeyType": "HASH"}, {"AttributeName": "seq", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "record_id", "AttributeType": "S"},
                                  {"AttributeName": "seq", "AttributeType": "N"}])
        SESSION.client("sagemaker").create_model_package_group(ModelPackageGroupName=GROUP)
        yield


class Account:
    """The signature service, the release gate and its handlers over one moto account."""

    def __init__(self):
        self.s3, self.sagemaker = SESSION.client("s3"), SESSION.client("sagemaker")
        self.events: list[dict] = []
        events = SESSION.client("events")
        events.meta.events.register("before-parameter-build.events.PutEvents",
                                    lambda params, **_: self.events.extend(params["Entries"]))
        # The service seals each entry as deployed, with an asymmetric KMS key the gate checks seals with.
        kms = SESSION.client("kms")
        seal_key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
        self.service = SignatureService(
            s3=self.s3, dynamodb=SESSION.client("dynamodb"), events=events, ledger_table=TABLE, kms=kms, seal_key=seal_key,
            manifest_bucket=MANIFESTS, records_buckets={RECORDS}, event_bus_name="default",
            policy=SigningPolicy.from_dict(POLICY), clock=lambda: NOW)
        self.gate = ReleaseGate(service=self.service, s3=self.s3, evaluation_location=f"{RECORDS}/{PREFIX}", meaning=MEANING)
        self.handlers = ReleaseHandlers(gate=self.gate, s3=self.s3, sagemaker=self.sagemaker, events=events,
                                        env={"RELEASE_BUCKET": RELEASES, "MODEL_PACKAGE_GROUP": GROUP}, clock=lambda: NOW)

    def evaluate(self, subject: dict, decision: str = "go", **extra) -> dict:
        record = {"schema": records.SCHEMA, "subject": subject, "metrics": {"answer_match_rate": 0.95},
                  "decision": decision, "failures": [] if decision == "go" else ["answer_match_rate 0.5 is below 0.9"],
                  **extra}
        return records.write(self.s3, RECORDS, records.record_key(PREFIX, subject), record)

    def sign(self, written: dict, *, user: str = "approver", meaning: str = MEANING) -> tuple[int, dict]:
        sub, username, name, groups = USERS[user]
        claims = {"sub": sub, "cognito:username": username, "name": name, "cognito:groups": groups, "token_use": "id",
                  "auth_time": str(int(NOW.timestamp()) - 30), "amr": "[pwd, mfa]"}
        body = {"bucket": written["bucket"], "key": written["key"], "version_id": written["version_id"], "meaning": meaning}
        event = {"httpMethod": "POST", "headers": {}, "body": json.dumps(body), "isBase64Encoded": False,
                 "requestContext": {"requestId": str(uuid.uuid4()), "authorizer": {"claims": claims}}}
        response = self.service.handle_sign(event)
        return response["statusCode"], json.loads(response["body"])

    def of_type(self, detail_type: str) -> list[dict]:
        return [{**e, "Detail": json.loads(e["Detail"])} for e in self.events if e["DetailType"] == detail_type]


@pytest.fixture
def account(aws):
    return Account()

"""A release signature service and evidence bucket in moto, its user pool behind botocore's Stubber (moto's
Cognito needs a JWT library this project does not install), and the release candidates and signatures the
gate tests need - every signature applied through the service's own signing path."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone

import boto3
from botocore.stub import Stubber

from gxp_landing_zone.change_control.evidence import EXECUTION_METADATA, EvidenceStore, canonical
from gxp_landing_zone.change_control.release_service import cognito_membership
from gxp_landing_zone.config.change_control import RELEASE_MEANING
from gxp_landing_zone.naming import CHANGE_RECORD_PREFIX, PIPELINE_NAME
from gxp_landing_zone.signatures.runtime.core import SigningPolicy
from gxp_landing_zone.signatures.runtime.service import SignatureService

NOW = datetime(2026, 11, 30, 9, 0, 0, tzinfo=timezone.utc)
REGION = "us-east-1"
EVIDENCE, MANIFESTS, TABLE = "exbio-evidence-222222222222-us-east-1", "exbio-esig-manifests-888888888888-use1", "release-ledger"
APPROVERS = "qa-release-approvers"
SEAL_KEY = "alias/gxp/esignature-seal"  # as the deployed service's (naming.py)


def session() -> boto3.Session:
    return boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)


def locked_bucket(s3, name: str) -> None:
    s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=name, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})


class ReleaseWorld:
    """One deployment account's signature service and pool, and the log archive's evidence bucket."""

    def __init__(self, extra_grants: dict | None = None) -> None:
        self.session = session()
        self.s3 = self.session.client("s3")
        for bucket in (EVIDENCE, MANIFESTS):
            locked_bucket(self.s3, bucket)
        ddb = self.session.client("dynamodb")
        ddb.create_table(
            TableName=TABLE,
            KeySchema=[{"AttributeName": "record_id", "KeyType": "HASH"}, {"AttributeName": "seq", "KeyType": "RANGE"}],
            AttributeDefinitions=[{"AttributeName": "record_id", "AttributeType": "S"},
                                  {"AttributeName": "seq", "AttributeType": "N"}],
            BillingMode="PAY_PER_REQUEST",
        )
        kms = self.session.client("kms")
        seal = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["Arn"]
        kms.create_alias(AliasName=SEAL_KEY, TargetKeyId=seal)
        self.cognito = self.session.client("cognito-idp")
        self.pool = "us-east-1_Release1"
        self.users: dict[str, dict] = {}
        self.store = EvidenceStore(self.s3, EVIDENCE, PIPELINE_NAME)
        grants = {APPROVERS: [RELEASE_MEANING], **(extra_grants or {})}
        meanings = sorted({m for ms in grants.values() for m in ms})
        # The deployment account's policy: one record class, the change records (stacks/release_signatures.py).
        self.policy = SigningPolicy.from_dict({
            "meanings": meanings,
            "grants": {"change-record": grants},
            "record_classes": {f"{EVIDENCE}/{CHANGE_RECORD_PREFIX}": "change-record"},
        })
        self.service = SignatureService(
            s3=self.s3, dynamodb=ddb, events=self.session.client("events"), kms=kms, seal_key=SEAL_KEY, ledger_table=TABLE,
            manifest_bucket=MANIFESTS, records_buckets={EVIDENCE}, event_bus_name="default",
            policy=self.policy, clock=lambda: NOW,
        )

    def user(self, username: str, name: str, *groups: str, enabled: bool = True) -> None:
        self.users[username] = {"name": name, "groups": set(groups), "enabled": enabled}

    def groups_of(self, username: str):
        """The gate's membership lookup, against the pool as it stands now (stubbed API answers)."""
        key = {"UserPoolId": self.pool, "Username": username}
        with Stubber(self.cognito) as stub:
            user = self.users.get(username)
            if user is None:
                stub.add_client_error("admin_get_user", "UserNotFoundException", expected_params=key)
            else:
                stub.add_response("admin_get_user", {"Username": username, "Enabled": user["enabled"], "UserAttributes": []}, key)
                stub.add_response("admin_list_groups_for_user",
                                  {"Groups": [{"GroupName": g} for g in sorted(user["groups"])]}, key)
            found = cognito_membership(self.cognito, self.pool)(username)
            stub.assert_no_pending_responses()
        return found

    def candidate(self, execution: str, *, commit: str = "a" * 40, assembly: str = "b" * 64, extra: dict | None = None):
        """A release candidate as the ChangeRecord step writes it, for ``execution``."""
        document = {
            "schema": "gxp-change-record/1", "kind": "release-candidate", "pipeline": PIPELINE_NAME,
            "execution_id": execution, "source": {"commit": commit, "branch": "main"},
            "assembly": {"sha256": assembly}, **(extra or {}),
        }
        return self.store.put(self.store.candidate_key(), canonical(document), "application/json",
                              {EXECUTION_METADATA: execution})

    def sign(self, version_id: str, username: str, groups: list[str], meaning: str = RELEASE_MEANING) -> dict:
        """A signature applied through the service's sign operation, as API Gateway would call it."""
        claims = {
            "sub": f"sub-{username}", "cognito:username": username, "name": username.title(), "token_use": "id",
            "auth_time": str(int(NOW.timestamp()) - 30), "amr": "[pwd, mfa]", "cognito:groups": ",".join(groups),
        }
        body = {"bucket": EVIDENCE, "key": self.store.candidate_key(), "version_id": version_id, "meaning": meaning,
                "reason": "Validation evidence reviewed", "request_id": str(uuid.uuid4())}
        event = {"httpMethod": "POST", "headers": {}, "body": json.dumps(body), "isBase64Encoded": False,
                 "requestContext": {"requestId": str(uuid.uuid4()), "authorizer": {"claims": claims}}}
        response = self.service.handle_sign(event)
        assert response["statusCode"] == 201, response
        return json.loads(response["body"])["signature"]

"""IQ for the regulated records beyond their buckets (jurisdiction, replication, data-event naming,
lifecycle: GXP-REC-03..06; the record export: GXP-REC-07, built by tests/iq_record_export.py) and the e-signature service beyond its pool basics (signer identities,
threat protection, printed name, manifests, event forwarding, signing policy, enabled-signer check:
GXP-ESIG-04..10; API: GXP-API-01/02; tracing: GXP-LAMBDA-01), in the regulated account of
tests/test_iq_workloads.py.

What moto serves: S3 (location, replication, lifecycle, tagging, Object Lock), Lambda (create and
read function configurations; nothing is invoked, so no Docker), IAM (roles, managed policies and
their versions) and EventBridge (rules and targets).
What is stubbed, and why:
- cognito-idp describe_user_pool: moto's Cognito cannot be imported here (it needs joserfc); the
  pool dict is SIGNER_POOL in tests/test_iq_workloads.py, answered by its StubbedCognitoSession.
- apigateway get_rest_apis / get_resources / get_method / get_stages: moto's API Gateway cannot be
  imported here either (it needs openapi_spec_validator, which is not installed). StubbedApiSession
  answers them with a botocore Stubber from a dict describing the API as signatures/infrastructure.py
  deploys it, in the order the checks' one walk (_signature_apis) calls them.

tests/test_iq_workloads.py imports build_records_service and RECORDS_SERVICE_EXPECTED from here, so
this module reads that one's builders inside functions only (importing it at the top would be circular)."""

from __future__ import annotations

import copy
import io
import json
import zipfile
from types import SimpleNamespace

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from gxp_landing_zone.config import load_config
from gxp_landing_zone.constructs.tags import MANIFEST_RETENTION_CLASS, RETENTION_CLASS_TAG
from gxp_landing_zone.naming import Names
from gxp_landing_zone.signatures.infrastructure import ACCESS_LOG_FIELDS
from gxp_landing_zone.stacks.signatures import SignatureServiceStack
from gxp_landing_zone.controls.context import ControlContext
from gxp_landing_zone.controls.deployed.reader import AccountReader, physical_id
from gxp_landing_zone.controls.engine import judge
from gxp_landing_zone.controls.registry import by_id
from gxp_landing_zone.validation.iq import run_iq
from tests.test_iq import backup_plan, build_backup
from tests.test_iq import REFERENCE_CONFIG, REGION, build_config_recorder, failing, session_for
from tests.test_iq import fake_credentials  # noqa: F401  (autouse fixture: moto credentials)
from tests import iq_record_export as record_export
from tests.moto_snapshot import build_once, restored

ROLE = "regulated-us"  # the regulated account tests/test_iq_workloads.py builds; its one region is us-east-1
CONTROLS = {"GXP-REC-03", "GXP-REC-04", "GXP-REC-05", "GXP-REC-06", "GXP-REC-07", "GXP-DEV-01", "GXP-BAK-01", "GXP-API-01",
            "GXP-API-02", "GXP-LAMBDA-01"} | {
    f"GXP-ESIG-{i:02d}" for i in (*range(4, 11), 12, 13)
}
RECORDS_SERVICE_EXPECTED = {ROLE: CONTROLS}
ROLE_TAGS = {"gxp:account-role": ROLE, "gxp:boundary": "regulated"}


# -- API Gateway, stubbed ---------------------------------------------------------------------------


class StubbedApiSession:
    """Wraps a session (moto, or StubbedCognitoSession) so that apigateway clients answer from a
    Stubber built from ``apis``; every other client, and attributes such as ``pool``, pass through.

    moto's clients keep no state of their own, so each is created once and reused: building a
    botocore client costs ~40 ms, and a run creates one per check and bucket. Stubbed clients
    (apigateway here, cognito-idp in StubbedCognitoSession) are always new, with a full queue."""

    # omics: StubbedOmicsSession (tests/iq_compute_services_estate.py) may wrap this one and puts a
    # Stubber on each omics client it asks for, so those must be new too.
    STUBBED = ("apigateway", "cognito-idp", "omics")

    def __init__(self, session, apis: list[dict]):
        self._session, self.apis, self._clients = session, apis, {}

    def __getattr__(self, name):
        return getattr(self._session, name)

    def client(self, service, **kwargs):
        if service not in self.STUBBED:
            key = (service, tuple(sorted(kwargs.items())))
            if key not in self._clients:
                self._clients[key] = self._session.client(service, **kwargs)
            return self._clients[key]
        client = self._session.client(service, **kwargs)
        if service == "apigateway":
            stubber = Stubber(client)
            summaries = [{"id": a["id"], "name": a["name"], "tags": a["tags"]} for a in self.apis]
            stubber.add_response("get_rest_apis", {"items": copy.deepcopy(summaries)}, {"limit": 500})
            for api in self.apis:
                if api["tags"].get("gxp:account-role") != ROLE:
                    continue
                items = [{"id": r["id"], "path": r["path"], "resourceMethods": {m: {} for m in r["methods"]}}
                         for r in api["resources"]]
                stubber.add_response("get_resources", {"items": items}, {"restApiId": api["id"], "limit": 500})
                for resource in api["resources"]:
                    for http_method in sorted(resource["methods"]):
                        stubber.add_response(
                            "get_method", {"httpMethod": http_method, **resource["methods"][http_method]},
                            {"restApiId": api["id"], "resourceId": resource["id"], "httpMethod": http_method})
                stubber.add_response("get_stages", {"item": copy.deepcopy(api["stages"])}, {"restApiId": api["id"]})
            stubber.activate()
        return client


def signature_api(account_id: str) -> dict:
    """The REST API of signatures/infrastructure.py: three methods behind the Cognito authorizer, stage v1 access-logged."""
    cognito = {"authorizationType": "COGNITO_USER_POOLS", "authorizerId": "sigauth1",
               "methodIntegration": {"type": "AWS_PROXY"}}
    return {
        "id": "sigapi0001", "name": "Api", "tags": dict(ROLE_TAGS),
        "resources": [
            {"id": "root000001", "path": "/", "methods": {}},
            {"id": "sigs000001", "path": "/signatures", "methods": {"GET": dict(cognito), "POST": dict(cognito)}},
            {"id": "verify0001", "path": "/signatures/verify", "methods": {"GET": dict(cognito)}},
            {"id": "release001", "path": "/signatures/release-record", "methods": {"GET": dict(cognito)}},
        ],
        "stages": [{"stageName": "v1", "deploymentId": "dep0000001", "accessLogSettings": {
            "destinationArn": f"arn:aws:logs:{REGION}:{account_id}:log-group:Signatures-ApiAccessLogs",
            "format": json.dumps(ACCESS_LOG_FIELDS, separators=(",", ":"))}}],
    }


# -- building what stacks/records.py and stacks/signatures.py add to the regulated account ---------------


def signing_policy(config, names, account_id: str) -> dict:
    """The policy the stack itself derives (SignatureServiceStack.signing_policy), not a copy of the check's."""
    stack = SimpleNamespace(names=names, config=config, gxp_account=config.account_by_id(account_id), region=REGION)
    return SignatureServiceStack.signing_policy(stack)


def signing_restrictions(config, names, account_id: str) -> dict:
    stack = SimpleNamespace(names=names, config=config, gxp_account=config.account_by_id(account_id), region=REGION)
    return SignatureServiceStack.signing_restrictions(stack)


def seal_key_policy(account_id: str, names) -> dict:
    """The seal key's policy as signatures/deployment/storage.py grants it, with the roles' ARNs."""
    def role(purpose):
        return f"arn:aws:iam::{account_id}:role/{names.signature_role_name(purpose, REGION)}"

    everyone = {"AWS": "*"}
    return {"Version": "2012-10-17", "Statement": [
        {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
         "Action": ["kms:Describe*", "kms:Put*", "kms:Create*"], "Resource": "*"},
        {"Sid": "SigningFunctionSeals", "Effect": "Allow", "Principal": {"AWS": role("sign")}, "Action": "kms:Sign",
         "Resource": "*"},
        {"Sid": "ServiceChecksSeals1", "Effect": "Allow", "Principal": {"AWS": role("verify")}, "Action": "kms:Verify",
         "Resource": "*"},
        {"Sid": "OnlySigningFunctionSeals", "Effect": "Deny", "Principal": everyone, "Action": "kms:Sign",
         "Resource": "*", "Condition": {"ArnNotEquals": {"aws:PrincipalArn": role("sign")}}},
        {"Sid": "NoGrantsOnSealKey", "Effect": "Deny", "Principal": everyone, "Action": "kms:CreateGrant",
         "Resource": "*", "Condition": {"Bool": {"aws:PrincipalIsAWSService": "false"}}},
        {"Sid": "SealKeyPolicyOnlyByDeployment", "Effect": "Deny", "Principal": everyone, "Action": "kms:PutKeyPolicy",
         "Resource": "*", "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"}}},
    ]}


def create_seal_key(session, names, account_id: str) -> str:
    kms = session.client("kms")
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Description="Seals every ledger entry",
                         Policy=json.dumps(seal_key_policy(account_id, names)))["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=names.signature_seal_key_alias(), TargetKeyId=key)
    return key


def function_environment(config, names, account_id: str, seal_key: str = "") -> dict:
    """The environment signatures/infrastructure.py gives the sign, list and verify functions."""
    return {
        "LEDGER_TABLE": "Signatures-Ledger",
        "MANIFEST_BUCKET": names.signature_manifest_bucket(account_id, REGION),
        "RECORDS_BUCKETS": ",".join(names.records_bucket(d.name, account_id, REGION) for d in config.data_classes),
        "EVENT_BUS_NAME": "default",
        "AUTH_WINDOW_SECONDS": str(config.signatures.auth_window_seconds),
        "SIGNING_POLICY": json.dumps(signing_policy(config, names, account_id), sort_keys=True, separators=(",", ":")),
        "SIGNING_RESTRICTIONS": json.dumps(signing_restrictions(config, names, account_id), sort_keys=True),
        "LEDGER_SEAL_KEY": seal_key,
    }


HANDLERS = {"sign": "runtime.handlers.sign_handler", "list": "runtime.handlers.list_handler",
            "verify": "runtime.handlers.verify_handler", "token": "runtime.pre_token.handler"}
ARCHIVE_RULE = {
    "ID": "MoveOlderVersionsToColderStorage", "Status": "Enabled", "Filter": {"Prefix": ""},
    "Transitions": [{"Days": 90, "StorageClass": "GLACIER_IR"}, {"Days": 730, "StorageClass": "DEEP_ARCHIVE"}],
    "NoncurrentVersionTransitions": [{"NoncurrentDays": 30, "StorageClass": "GLACIER_IR"},
                                     {"NoncurrentDays": 180, "StorageClass": "DEEP_ARCHIVE"}],
    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
}


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("runtime/__init__.py", "")
    return buffer.getvalue()


def create_function(session, names, purpose: str, environment: dict, *, traced=True) -> None:
    role = f"arn:aws:iam::{session.client('sts').get_caller_identity()['Account']}:role/{names.signature_role_name(purpose, REGION)}"
    session.client("lambda").create_function(
        FunctionName=f"Signatures-{ROLE}-{purpose.capitalize()}-A1B2C3", Runtime="python3.12", Role=role,
        Handler=HANDLERS[purpose], Code={"ZipFile": _zip()}, TracingConfig={"Mode": "Active" if traced else "PassThrough"},
        Environment={"Variables": environment}, Tags=ROLE_TAGS)


def sign_policy_document(pool_arn: str, *, admin_get_user=True) -> str:
    statements = [{"Sid": "WriteTraces", "Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
                   "Resource": "*"}]
    if admin_get_user:
        statements.append({"Sid": "CheckSignerEnabled", "Effect": "Allow", "Action": "cognito-idp:AdminGetUser",
                           "Resource": pool_arn})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def build_records_service(sessions: dict, role: str, config, names: Names, account_id: str) -> None:
    """Adds to the regulated account what GXP-REC-03..06 and the signature checks read: class tags and
    the archive lifecycle on each records bucket, the locked manifest bucket, the four functions with
    their roles, the event-forwarding rule, and (stubbed) the signature API. Replaces sessions[role]
    with a StubbedApiSession around it."""
    session = sessions[role] = StubbedApiSession(sessions[role], [signature_api(account_id)])
    s3, iam, events = session.client("s3"), session.client("iam"), session.client("events")
    for data_class in config.data_classes:
        bucket = names.records_bucket(data_class.name, account_id, REGION)
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [
            {"Key": k, "Value": v} for k, v in {**ROLE_TAGS, RETENTION_CLASS_TAG: data_class.name}.items()]})
        s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [copy.deepcopy(ARCHIVE_RULE)]})
    manifests = names.signature_manifest_bucket(account_id, REGION)
    s3.create_bucket(Bucket=manifests, ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=manifests, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {
        "DefaultRetention": {"Mode": "COMPLIANCE", "Days": max(d.days for d in config.data_classes)}}})
    s3.put_bucket_tagging(Bucket=manifests, Tagging={"TagSet": [
        {"Key": k, "Value": v} for k, v in {**ROLE_TAGS, RETENTION_CLASS_TAG: MANIFEST_RETENTION_CLASS}.items()]})

    pool_arn = f"arn:aws:cognito-idp:{REGION}:{account_id}:userpool/{session.pool['Id']}"
    environment = function_environment(config, names, account_id, create_seal_key(session, names, account_id))
    for purpose in ("sign", "list", "verify", "token"):
        role_name = names.signature_role_name(purpose, REGION)
        iam.create_role(RoleName=role_name, AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
        document = sign_policy_document(pool_arn) if purpose == "sign" else sign_policy_document(pool_arn, admin_get_user=False)
        policy = iam.create_policy(PolicyName=f"{role_name}-policy", PolicyDocument=document)["Policy"]["Arn"]
        iam.attach_role_policy(RoleName=role_name, PolicyArn=policy)
        variables = {} if purpose == "token" else {**environment, **({"USER_POOL_ID": session.pool["Id"]} if purpose == "sign" else {})}
        create_function(session, names, purpose, variables)

    build_backup(session, config, names, account_id, config.backup.copy_regions[role])
    record_export.build_record_export(session, config, names, account_id)
    events.put_rule(Name="Signatures-ForwardSignatureEvents", State="ENABLED",
                    EventPattern=json.dumps({"source": [names.signature_event_source()]}))
    events.put_targets(Rule="Signatures-ForwardSignatureEvents", Targets=[
        {"Id": "AuditBus", "Arn": names.audit_bus_arn(), "RoleArn": names.event_forwarder_role_arn(account_id)}])


def _replace_plan(c, n, s, **changes):
    backup = s[ROLE].client("backup")
    plan_id = next(p["BackupPlanId"] for p in backup.list_backup_plans()["BackupPlansList"]
                   if p["BackupPlanName"] == n.backup_plan_name)
    # moto has no UpdateBackupPlan and keeps a deleted plan's name taken: the plan is replaced in its store.
    from moto.backup.models import backup_backends

    backup_backends[c.account(ROLE).id][REGION].plans.pop(plan_id)
    changes.setdefault("copy_region", c.backup.copy_regions[ROLE])
    backup.create_backup_plan(BackupPlan=backup_plan(c, n, c.account(ROLE).id, **changes))


def _vault_in_governance_mode(c, n, s):
    backup = s[ROLE].client("backup")
    backup.delete_backup_vault_lock_configuration(BackupVaultName=n.backup_vault_name)
    backup.put_backup_vault_lock_configuration(BackupVaultName=n.backup_vault_name,
                                               MinRetentionDays=c.backup.retention_days)


def _build_service():
    from tests import test_iq_workloads as workloads  # circular at import time: see the module docstring

    config = workloads.without_compute(load_config(REFERENCE_CONFIG), ROLE)
    names = Names(config)
    account_id = config.account(ROLE).id
    sessions = {ROLE: workloads.StubbedCognitoSession(session_for(account_id), copy.deepcopy(workloads.SIGNER_POOL))}
    workloads.build_records(sessions[ROLE], config, names, account_id)
    workloads.build_ledger(sessions[ROLE])
    build_config_recorder(sessions[ROLE], names, account_id)
    build_records_service(sessions, ROLE, config, names, account_id)
    # The governance checks run in this account too (tests/test_iq_governance.py).
    from tests.test_iq_governance import build_governance

    build_governance(sessions, config, names)
    return (config, names, sessions), sessions


@pytest.fixture(scope="module")
def _service_built_once():
    return build_once(_build_service)


@pytest.fixture
def service(_service_built_once):
    """(config, names, sessions): the regulated account as tests/test_iq_workloads.py builds it, without
    compute (none of these checks reads it), plus build_records_service; built once, restored per test."""
    with restored(_service_built_once) as built:
        yield built


def test_correct_records_and_signature_service_pass(service):
    config, names, sessions = service
    results = run_iq(sessions[ROLE], config, ROLE, REGION)
    assert CONTROLS <= {r.control_id for r in results}
    assert failing(results) == set(), [r for r in results if not r.passed]
    account = config.account(ROLE).id
    record_buckets = {names.records_bucket(d.name, account, REGION) for d in config.data_classes}
    for control_id in ("GXP-REC-03", "GXP-REC-04", "GXP-REC-05", "GXP-REC-06"):
        assert {r.resource for r in results if r.control_id == control_id} == record_buckets
    assert len([r for r in results if r.control_id == "GXP-LAMBDA-01"]) == 4
    # POST/GET /signatures, GET /signatures/verify, GET /signatures/release-record
    assert len([r for r in results if r.control_id == "GXP-API-01"]) == 4
    assert {r.resource for r in results if r.control_id == "GXP-API-02"} == {"sigapi0001 stage v1"}
    # GXP-ESIG-12 judges the API's routes too: the printable release record is served.
    assert "sigapi0001" in {r.resource for r in results if r.control_id == "GXP-ESIG-12"}


def test_checks_run_where_the_stacks_deploy():
    # RecordsStack and SignatureServiceStack: regulated accounts, each workload region (estate.py).
    for control_id in CONTROLS:
        deployed = by_id()[control_id].deployed
        assert "regulated" in deployed.accounts and deployed.regions == "workload", control_id


def test_de_identified_class_may_replicate_to_its_named_target():
    """regulated-eu's de-identified bucket replicating to the regulated-us bucket replicate_to names:
    both REC-03 (the class may leave) and REC-04 pass; the identified class without replication passes too."""
    with mock_aws():
        config = load_config(REFERENCE_CONFIG)
        names = Names(config)
        eu = config.account("regulated-eu")
        region = config.workload_regions(eu)[0]
        creds = session_for(eu.id).get_credentials()
        session = boto3.Session(aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
                                aws_session_token=creds.token, region_name=region)
        s3 = session.client("s3")
        source = names.records_bucket("deidentified-analytics", eu.id, region)
        identified = names.records_bucket("raw-lab-data", eu.id, region)
        target = names.records_bucket("deidentified-analytics", config.account(ROLE).id, REGION)
        for bucket in (source, identified):
            s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region})
            s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_bucket_replication(Bucket=source, ReplicationConfiguration={
            "Role": f"arn:aws:iam::{eu.id}:role/{names.records_replication_role_name('deidentified-analytics', region)}",
            "Rules": [{"ID": "ReplicateTo-us", "Status": "Enabled", "Priority": 0, "Filter": {"Prefix": ""},
                       "DeleteMarkerReplication": {"Status": "Disabled"},
                       "Destination": {"Bucket": f"arn:aws:s3:::{target}", "Account": config.account(ROLE).id}}]})
        context = ControlContext.from_config(config)
        reader = AccountReader(session, context, eu, region)
        for control_id in ("GXP-REC-03", "GXP-REC-04"):
            control = by_id()[control_id]
            by_bucket = {physical_id(r): judge(control, r, context) for r in control.deployed.read(reader)}
            assert by_bucket[source].passed and by_bucket[identified].passed, (by_bucket[source], by_bucket[identified])
            assert target in by_bucket[source].observed or control_id == "GXP-REC-04"


# -- break exactly one thing, and exactly that control fails --------------------------------------


def _s3(s):
    return s[ROLE].client("s3")


def _bucket(c, n, data_class: str) -> str:
    return n.records_bucket(data_class, c.account(ROLE).id, REGION)


def _relocate(c, n, s):
    """S3 reports the submission-archive bucket in eu-central-1. A bucket cannot be moved, and one
    re-created there could no longer log to this region's access-log bucket (S3 refuses cross-region
    logging, so GXP-S3-07 would fail too); changing moto's record of its region isolates the
    location judgement of GXP-REC-03."""
    from moto.s3.models import s3_backends

    s3_backends[c.account(ROLE).id]["aws"].get_bucket(_bucket(c, n, "submission-archive")).region_name = "eu-central-1"


def _replicate(c, n, s, data_class: str, destination: str):
    _s3(s).put_bucket_replication(Bucket=_bucket(c, n, data_class), ReplicationConfiguration={
        "Role": f"arn:aws:iam::{c.account(ROLE).id}:role/replication",
        "Rules": [{"ID": "copy", "Status": "Enabled", "Priority": 0, "Filter": {"Prefix": ""},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": f"arn:aws:s3:::{destination}"}}]})


def _stray_class_bucket(c, n, s):
    bucket = f"{c.organization.naming_prefix}-lab-scratch-{c.account(ROLE).id}"
    _s3(s).create_bucket(Bucket=bucket)
    _s3(s).put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": RETENTION_CLASS_TAG, "Value": "raw-lab-data"}]})


def _lifecycle(c, n, s, **changes):
    rule = {**copy.deepcopy(ARCHIVE_RULE), **changes}
    _s3(s).put_bucket_lifecycle_configuration(Bucket=_bucket(c, n, "raw-lab-data"), LifecycleConfiguration={"Rules": [rule]})


def _pool(s):
    return s[ROLE].pool


def _manifest_lock(c, n, s, mode, days):
    _s3(s).put_object_lock_configuration(Bucket=n.signature_manifest_bucket(c.account(ROLE).id, REGION),
                                         ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {
                                             "DefaultRetention": {"Mode": mode, "Days": days}}})


def _function(purpose: str) -> str:
    return f"Signatures-{ROLE}-{purpose.capitalize()}-A1B2C3"


def _environment(s, purpose: str) -> dict:
    return s[ROLE].client("lambda").get_function_configuration(FunctionName=_function(purpose))["Environment"]["Variables"]


def _set_environment(s, purpose: str, **changes):
    variables = {k: v for k, v in {**_environment(s, purpose), **changes}.items() if v is not None}
    s[ROLE].client("lambda").update_function_configuration(FunctionName=_function(purpose), Environment={"Variables": variables})


def _policy_changed(s, purpose: str, change):
    policy = json.loads(_environment(s, purpose)["SIGNING_POLICY"])
    change(policy)
    _set_environment(s, purpose, SIGNING_POLICY=json.dumps(policy, sort_keys=True, separators=(",", ":")))


def _signer_check_revoked(c, n, s):
    iam, role = s[ROLE].client("iam"), n.signature_role_name("sign", REGION)
    (attached,) = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    iam.create_policy_version(PolicyArn=attached["PolicyArn"], SetAsDefault=True,
                              PolicyDocument=sign_policy_document("", admin_get_user=False))


def _untraced(c, n, s):
    environment = _environment(s, "verify")
    s[ROLE].client("lambda").delete_function(FunctionName=_function("verify"))
    create_function(s[ROLE], n, "verify", environment, traced=False)


def _api(s) -> dict:
    return s[ROLE].apis[0]


def _instrument_policy(c, n, s, keep):
    bucket = _bucket(c, n, "raw-lab-data")
    policy = json.loads(_s3(s).get_bucket_policy(Bucket=bucket)["Policy"])
    policy["Statement"] = [st for st in policy["Statement"] if keep(st)]
    _s3(s).put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))


def _seal_key_opened(c, n, s):
    kms = s[ROLE].client("kms")
    account_id = c.account(ROLE).id
    policy = seal_key_policy(account_id, n)
    policy["Statement"] = [st for st in policy["Statement"] if st["Sid"] != "OnlySigningFunctionSeals"]
    key = kms.describe_key(KeyId=n.signature_seal_key_alias())["KeyMetadata"]["KeyId"]
    kms.put_key_policy(KeyId=key, PolicyName="default", Policy=json.dumps(policy))


def _events(s):
    return s[ROLE].client("events")


# Breaks that, by the controls' own definitions, violate a second control: a records bucket in
# another jurisdiction is a residency failure (GXP-RES-01) as much as a records one.
ALSO_BROKEN = {"records bucket outside the jurisdiction": {"GXP-RES-01"}}

BREAKS = {
    "records bucket outside the jurisdiction": (ROLE, "GXP-REC-03", _relocate),
    "identified class replicated": (ROLE, "GXP-REC-04", lambda c, n, s: _replicate(
        c, n, s, "raw-lab-data", _bucket(c, n, "analytical-results"))),
    "de-identified class replicated to an unnamed bucket": (ROLE, "GXP-REC-04", lambda c, n, s: _replicate(
        c, n, s, "deidentified-analytics",
        n.records_bucket("deidentified-analytics", c.account("regulated-eu").id, "eu-central-1"))),
    "data class held outside the records prefix": (ROLE, "GXP-REC-05", _stray_class_bucket),
    "records bucket without its class tag": (ROLE, "GXP-REC-05", lambda c, n, s: _s3(s).put_bucket_tagging(
        Bucket=_bucket(c, n, "analytical-results"), Tagging={"TagSet": [{"Key": "gxp:account-role", "Value": ROLE}]})),
    "lifecycle expires noncurrent versions": (ROLE, "GXP-REC-06", lambda c, n, s: _lifecycle(
        c, n, s, NoncurrentVersionExpiration={"NoncurrentDays": 365})),
    "lifecycle moves to one zone": (ROLE, "GXP-REC-06", lambda c, n, s: _lifecycle(
        c, n, s, Transitions=[{"Days": 90, "StorageClass": "ONEZONE_IA"}])),
    "export signing key lets another role sign": (ROLE, "GXP-REC-07", lambda c, n, s: record_export.signing_key_opened(
        s[ROLE], n, c.account(ROLE).id)),
    "export role may sign with any key": (ROLE, "GXP-REC-07", lambda c, n, s: record_export.export_role_signs_with_any_key(
        s[ROLE], c, n, c.account(ROLE).id)),
    "record exports in governance mode": (ROLE, "GXP-REC-07", lambda c, n, s: record_export.exports_in_governance_mode(
        s[ROLE], n, c.account(ROLE).id)),
    "no record export function": (ROLE, "GXP-REC-07", lambda c, n, s: s[ROLE].client("lambda").delete_function(
        FunctionName=n.RECORD_EXPORT_FUNCTION)),
    "back-up vault lock in governance mode": (ROLE, "GXP-BAK-01", _vault_in_governance_mode),
    "back-ups copied out of the jurisdiction": (ROLE, "GXP-BAK-01", lambda c, n, s: _replace_plan(
        c, n, s, copy_region="eu-west-1")),
    "back-ups kept a week": (ROLE, "GXP-BAK-01", lambda c, n, s: _replace_plan(c, n, s, days=7)),
    "instrument data writable from any network": (ROLE, "GXP-DEV-01", lambda c, n, s: _instrument_policy(
        c, n, s, lambda st: st["Sid"] != "DenyWritesOutsideTheAccountsEndpoints")),
    "instrument writes not checked on intake": (ROLE, "GXP-DEV-01", lambda c, n, s: _s3(s).put_bucket_notification_configuration(
        Bucket=_bucket(c, n, "raw-lab-data"), NotificationConfiguration={})),
    "case-sensitive usernames": (ROLE, "GXP-ESIG-04", lambda c, n, s: _pool(s).update(
        UsernameConfiguration={"CaseSensitive": True})),
    "pool deletion protection off": (ROLE, "GXP-ESIG-04", lambda c, n, s: _pool(s).update(DeletionProtection="INACTIVE")),
    "threat protection audit-only": (ROLE, "GXP-ESIG-05", lambda c, n, s: _pool(s).update(
        UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"})),
    "printed name optional": (ROLE, "GXP-ESIG-06", lambda c, n, s: next(
        a for a in _pool(s)["SchemaAttributes"] if a["Name"] == "name").update(Required=False)),
    "manifest lock in GOVERNANCE mode": (ROLE, "GXP-ESIG-07", lambda c, n, s: _manifest_lock(
        c, n, s, "GOVERNANCE", max(d.days for d in c.data_classes))),
    "manifests written to another bucket": (ROLE, "GXP-ESIG-07", lambda c, n, s: _set_environment(
        s, "sign", MANIFEST_BUCKET=_bucket(c, n, "raw-lab-data"))),
    "forwarding rule disabled": (ROLE, "GXP-ESIG-08", lambda c, n, s: _events(s).disable_rule(
        Name="Signatures-ForwardSignatureEvents")),
    "only approvals forwarded": (ROLE, "GXP-ESIG-08", lambda c, n, s: _events(s).put_rule(
        Name="Signatures-ForwardSignatureEvents", State="ENABLED", EventPattern=json.dumps(
            {"source": [n.signature_event_source()], "detail-type": ["SignatureApplied"]}))),
    "signing authority widened": (ROLE, "GXP-ESIG-09", lambda c, n, s: _policy_changed(
        s, "sign", lambda p: p["grants"]["batch-record"]["qa-reviewers"].append("approval"))),
    "catch-all record class": (ROLE, "GXP-ESIG-09", lambda c, n, s: _policy_changed(
        s, "verify", lambda p: p.update(default_record_class="batch-record"))),
    "batch release open to every grant": (ROLE, "GXP-ESIG-12", lambda c, n, s: _set_environment(
        s, "verify", SIGNING_RESTRICTIONS=json.dumps({"restricted_meanings": {}, "same_person_may_sign": []}))),
    "entries left unsealed": (ROLE, "GXP-ESIG-13", lambda c, n, s: _set_environment(s, "sign", LEDGER_SEAL_KEY=None)),
    "seal key lets another role sign": (ROLE, "GXP-ESIG-13", _seal_key_opened),
    "sign function without USER_POOL_ID": (ROLE, "GXP-ESIG-10", lambda c, n, s: _set_environment(
        s, "sign", USER_POOL_ID=None)),
    "AdminGetUser permission removed": (ROLE, "GXP-ESIG-10", _signer_check_revoked),
    "verify function untraced": (ROLE, "GXP-LAMBDA-01", _untraced),
    "unauthenticated method": (ROLE, "GXP-API-01", lambda c, n, s: _api(s)["resources"][2]["methods"].update(
        GET={"authorizationType": "NONE"})),
    "stage access logging off": (ROLE, "GXP-API-02", lambda c, n, s: _api(s)["stages"][0].pop("accessLogSettings")),
    "release-record route removed": (ROLE, "GXP-ESIG-12", lambda c, n, s: _api(s)["resources"].pop(3)),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_breaking_one_thing_fails_exactly_that_control(service, case):
    config, names, sessions = service
    role, control_id, breaker = BREAKS[case]
    breaker(config, names, sessions)
    assert failing(run_iq(sessions[role], config, role, REGION)) == {control_id} | ALSO_BROKEN.get(case, set())

"""IQ for the workload accounts against moto: the regulated records of one regulated account and
region (one bucket and key per data class, built as stacks/records.py builds them), checked by the
record checks (GXP-REC-01/02) and the bucket checks they share with the log archive (GXP-S3-03..07);
its e-signature service (signer user pool, ledger table; GXP-ESIG-01..03, GXP-ESIG-11, GXP-DDB-01/02); and its
discovery compute (workload VPC with flow log, Spot-first Batch; GXP-NET-01/02, GXP-BATCH-01/02).

moto's Cognito cannot be imported here (it needs joserfc, which is not installed), so the signer-pool
checks read a botocore Stubber that answers describe_user_pool and get_user_pool_mfa_config as the
deployed pool would (signatures/infrastructure.py); every other API is moto's.

The audit-substrate helpers (sessions into config accounts, bucket policies, the Config recorder)
come from tests/test_iq.py, so both files build buckets the same way."""

from __future__ import annotations

import json

import copy

import pytest
from botocore.stub import Stubber

from gxp_landing_zone.config import load_config
from gxp_landing_zone.config.compute import ComputeOverride
from gxp_landing_zone.constructs.spot_first_batch import RETRY_ATTEMPTS, RETRY_ON_STATUS_REASONS
from gxp_landing_zone.naming import Names
from gxp_landing_zone.validation.iq import run_iq
from tests.test_iq import REFERENCE_CONFIG, REGION, bucket_policy, build_config_recorder, failing, session_for
from tests.moto_snapshot import build_once, restored
from tests.test_iq import fake_credentials  # noqa: F401  (autouse fixture: moto credentials)
from tests.iq_compute_services_estate import IQ_COMPUTE_SERVICES, build_compute_services
from tests.test_iq_governance import GOVERNANCE, build_governance
from tests.test_iq_records_service import RECORDS_SERVICE_EXPECTED, build_records_service

REGULATED = "regulated-us"  # its one workload region is the home region, us-east-1
ALL_TRUE = {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True}


def build_records(session, config, names: Names, account_id: str) -> None:
    kms, s3 = session.client("kms"), session.client("s3")
    access_logs = names.records_access_log_bucket(account_id, REGION)
    s3.create_bucket(Bucket=access_logs)
    s3.put_bucket_versioning(Bucket=access_logs, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_policy(Bucket=access_logs, Policy=bucket_policy(access_logs, log_delivery=True))
    s3.put_public_access_block(Bucket=access_logs, PublicAccessBlockConfiguration=ALL_TRUE)
    # GxpBucket tags every bucket with its retention class (stacks/records.py: "access-log" here).
    s3.put_bucket_tagging(Bucket=access_logs, Tagging={"TagSet": [{"Key": "gxp:retention-class", "Value": "access-log"}]})
    for data_class in config.data_classes:
        key = kms.create_key(Description=data_class.name)["KeyMetadata"]["KeyId"]
        kms.create_alias(AliasName=names.records_key_alias(data_class.name), TargetKeyId=key)
        kms.enable_key_rotation(KeyId=key)
        bucket = names.records_bucket(data_class.name, account_id, REGION)
        s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
            "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": data_class.days}}})
        policy = json.loads(bucket_policy(bucket, floor_days=data_class.days))
        if data_class.instrument_data:
            # As constructs/instrument_writes.py: only the registered instruments, through this account's
            # endpoints, with a signed payload; every new version to EventBridge for the intake check.
            policy["Statement"] += instrument_statements(config, bucket, account_id, data_class.name)
            s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"EventBridgeConfiguration": {}})
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
        s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=ALL_TRUE)
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": access_logs, "TargetPrefix": f"{bucket}/"}})
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": names.records_key_alias_arn(data_class.name, account_id, REGION)},
            "BucketKeyEnabled": True}]})


def instrument_statements(config, bucket: str, account_id: str, data_class: str) -> list[dict]:
    role = config.account_by_id(account_id).role
    instruments = [i for i in config.instruments if i.account == role and i.data_class == data_class]
    roles = sorted({f"arn:aws:iam::{account_id}:role/{i.role or i.certificate.role}" for i in instruments})
    objects = f"arn:aws:s3:::{bucket}/*"

    def deny(sid, condition=None):
        return {"Sid": sid, "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:PutObject", "Resource": objects,
                **({"Condition": condition} if condition else {})}

    found = [deny("DenyWritesFromUnregisteredSources", {"ArnNotEquals": {"aws:PrincipalArn": roles}} if roles else None)]
    for index, role_arn in enumerate(sorted({f"arn:aws:iam::{account_id}:role/{i.certificate.role}" for i in instruments
                                             if i.certificate})):
        names = sorted(i.certificate.subject_cn for i in instruments if i.certificate)
        found.append(deny(f"DenyUnregisteredCertificates{index}", {
            "ArnEquals": {"aws:PrincipalArn": role_arn}, "StringNotEquals": {"aws:PrincipalTag/x509Subject/CN": names}}))
    found.append(deny("DenyWritesOutsideTheAccountsEndpoints", {"StringNotEqualsIfExists": {"aws:VpceAccount": account_id}}))
    found.append(deny("DenyUnsignedPayloads", {"StringEquals": {"s3:x-amz-content-sha256": [
        "UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"]}}))
    return found


def retry_strategy(*, catch_all=True) -> dict:
    rules = [{"action": "RETRY", "onStatusReason": reason} for reason in RETRY_ON_STATUS_REASONS]
    return {"attempts": RETRY_ATTEMPTS, "evaluateOnExit": rules + ([{"action": "EXIT", "onReason": "*"}] if catch_all else [])}


def build_compute(session, role: str, account_id: str) -> dict:
    """The workload VPC (isolated, flow-logged) and Spot-first Batch, as stacks/compute.py builds them."""
    ec2, iam, batch = session.client("ec2"), session.client("iam"), session.client("batch")
    tags = [{"ResourceType": "vpc", "Tags": [{"Key": "gxp:account-role", "Value": role}]}]
    vpc = ec2.create_vpc(CidrBlock="10.40.0.0/16", TagSpecifications=tags)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.40.0.0/20")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="batch", Description="batch", VpcId=vpc)["GroupId"]
    session.client("logs").create_log_group(logGroupName="/gxp/flow-logs")
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL", LogDestinationType="cloud-watch-logs",
                         LogGroupName="/gxp/flow-logs", DeliverLogsPermissionArn=f"arn:aws:iam::{account_id}:role/flow-logs")
    service_role = iam.create_role(RoleName="batch-service", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    profile = iam.create_instance_profile(InstanceProfileName="batch-instance")["InstanceProfile"]["Arn"]
    resources = {"minvCpus": 0, "maxvCpus": 64, "instanceTypes": ["c6i"], "subnets": [subnet],
                 "securityGroupIds": [group], "instanceRole": profile}
    for name, kind, strategy in (("spot", "SPOT", "SPOT_PRICE_CAPACITY_OPTIMIZED"), ("on-demand", "EC2", "BEST_FIT_PROGRESSIVE")):
        batch.create_compute_environment(computeEnvironmentName=name, type="MANAGED", state="ENABLED", serviceRole=service_role,
                                         computeResources={**resources, "type": kind, "allocationStrategy": strategy})
    batch.register_job_definition(jobDefinitionName="gxp-discovery-cpu", type="container", retryStrategy=retry_strategy(),
                                  containerProperties={"image": "worker", "vcpus": 4, "memory": 8192})
    return {"vpc": vpc, "subnet": subnet, "group": group, "service_role": service_role, "resources": resources}


ROLE_TAGS = {"gxp:account-role": REGULATED, "gxp:boundary": "regulated"}
SIGNER_POOL = {
    "Id": "us-east-1_Signers01",
    "Name": "SignersA1B2C3-abcdef",
    "MfaConfiguration": "ON",
    "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": True},
    "Policies": {"PasswordPolicy": {
        "MinimumLength": 14, "RequireUppercase": True, "RequireLowercase": True, "RequireNumbers": True,
        "RequireSymbols": True, "TemporaryPasswordValidityDays": 3}},
    "UserPoolTags": ROLE_TAGS,
    "UsernameConfiguration": {"CaseSensitive": False}, "DeletionProtection": "ACTIVE", "UserPoolTier": "PLUS",
    "UserPoolAddOns": {"AdvancedSecurityMode": "ENFORCED"},
    "AccountRecoverySetting": {"RecoveryMechanisms": [{"Name": "admin_only", "Priority": 1}]},
    "SchemaAttributes": [{"Name": a, "AttributeDataType": "String", "Mutable": a != "sub", "Required": True} for a in ("sub", "name", "email")],
}


class StubbedCognitoSession:
    """A moto session whose cognito-idp clients answer from a Stubber with the current ``pool``."""

    def __init__(self, session, pool: dict):
        self._session, self.pool, self.region_name = session, pool, session.region_name
        # get_user_pool_mfa_config beside MfaConfiguration: the second factors the pool offers.
        self.mfa_config = {"SoftwareTokenMfaConfiguration": {"Enabled": True}}

    def client(self, service, **kwargs):
        client = self._session.client(service, **kwargs)
        if service == "cognito-idp":
            stubber = Stubber(client)
            summary = {"Id": self.pool["Id"], "Name": self.pool["Name"]}
            stubber.add_response("list_user_pools", {"UserPools": [summary]}, {"MaxResults": 60})
            stubber.add_response("describe_user_pool", {"UserPool": copy.deepcopy(self.pool)}, {"UserPoolId": self.pool["Id"]})
            stubber.add_response("get_user_pool_mfa_config", {
                **copy.deepcopy(self.mfa_config), "MfaConfiguration": self.pool["MfaConfiguration"]}, {"UserPoolId": self.pool["Id"]})
            stubber.activate()
        return client

    def get_credentials(self):
        return self._session.get_credentials()


def build_ledger(session, name: str = "Signatures-Ledger", *, customer_key=True) -> None:
    kms, dynamodb = session.client("kms"), session.client("dynamodb")
    sse = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": kms.create_key()["KeyMetadata"]["Arn"]} if customer_key else {}
    dynamodb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST", DeletionProtectionEnabled=True,
        KeySchema=[{"AttributeName": "record_id", "KeyType": "HASH"}, {"AttributeName": "seq", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "record_id", "AttributeType": "S"}, {"AttributeName": "seq", "AttributeType": "N"}],
        Tags=[{"Key": k, "Value": v} for k, v in ROLE_TAGS.items()], **({"SSESpecification": sse} if sse else {}))
    dynamodb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})


COMPUTE_CHECKS = {"GXP-NET-01", "GXP-NET-02", "GXP-BATCH-01", "GXP-BATCH-02"}


def without_compute(config, role: str):
    """The config with compute switched off for one account, so its compute checks do not run."""
    accounts = {**config.compute.accounts, role: ComputeOverride(enabled=False)}
    return config.model_copy(update={"compute": config.compute.model_copy(update={"accounts": accounts})})


def _build_workloads(with_compute: bool):
    config = load_config(REFERENCE_CONFIG)
    names = Names(config)
    account_id = config.account(REGULATED).id
    sessions = {REGULATED: StubbedCognitoSession(session_for(account_id), copy.deepcopy(SIGNER_POOL))}
    build_records(sessions[REGULATED], config, names, account_id)
    build_ledger(sessions[REGULATED])
    build_config_recorder(sessions[REGULATED], names, account_id)
    build_records_service(sessions, REGULATED, config, names, account_id)
    if with_compute:
        sessions["compute"] = build_compute(sessions[REGULATED], REGULATED, account_id)
        sessions[REGULATED] = build_compute_services(sessions[REGULATED], config, REGULATED, sessions["compute"])
    else:
        config = without_compute(config, REGULATED)
    build_governance(sessions, config, names)
    return (config, names, sessions), sessions


@pytest.fixture(scope="module")
def _workloads_built_once():
    return {}  # with_compute -> (estate, snapshot), each built the first time a test asks for it


@pytest.fixture
def workloads(request, _workloads_built_once):
    """(config, names, {role: session}) with the regulated account's records, signature service and
    (unless the test asks for none, which keeps moto's EC2, IAM and Batch set-up out of it) compute built;
    each variant built once per module, and put back before each test."""
    with_compute = getattr(request, "param", True)
    if with_compute not in _workloads_built_once:
        _workloads_built_once[with_compute] = build_once(lambda: _build_workloads(with_compute))
    with restored(_workloads_built_once[with_compute]) as built:
        yield built


EXPECTED = {
    REGULATED: {"GXP-CFG-01", "GXP-CFG-04", "GXP-REC-01", "GXP-REC-02", "GXP-NET-01", "GXP-NET-02", "GXP-BATCH-01"}
    | {"GXP-BATCH-02", "GXP-EC2-03"}
    | {"GXP-ESIG-01", "GXP-ESIG-02", "GXP-ESIG-03", "GXP-ESIG-11", "GXP-DDB-01", "GXP-DDB-02"}
    | {f"GXP-S3-0{i}" for i in range(3, 8)} | {"GXP-S3-09", "GXP-S3-10"}
    | GOVERNANCE[REGULATED] | RECORDS_SERVICE_EXPECTED[REGULATED] | IQ_COMPUTE_SERVICES[REGULATED],
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_correct_workloads_pass_every_check(workloads, role):
    config, names, sessions = workloads
    results = run_iq(sessions[role], config, role, REGION)
    assert {r.control_id for r in results} == EXPECTED[role]
    assert failing(results) == set(), [r for r in results if not r.passed]
    # Every data class's bucket is looked at by the record checks.
    account = config.account(role).id
    for control_id in ("GXP-REC-01", "GXP-REC-02"):
        assert {r.resource for r in results if r.control_id == control_id} == {
            names.records_bucket(d.name, account, REGION) for d in config.data_classes}
    # The bucket checks shared with the log archive look at the record buckets and their access-log
    # bucket here (breaking them is tested on the log archive in tests/test_iq.py; deny-delete and
    # logging, whose expectations differ for records, are broken below too).
    record_buckets = {names.records_bucket(d.name, account, REGION) for d in config.data_classes}
    access_logs = names.records_access_log_bucket(account, REGION)
    for control_id in ("GXP-S3-03", "GXP-S3-04", "GXP-S3-05", "GXP-S3-06"):
        assert {r.resource for r in results if r.control_id == control_id} == record_buckets | {access_logs}
    assert {r.resource for r in results if r.control_id == "GXP-S3-07"} == record_buckets


# -- break exactly one thing, and exactly that control fails --------------------------------------


def _first_class(c):
    return c.data_classes[0]


def _record_bucket(c, n, data_class=None):
    return n.records_bucket((data_class or _first_class(c)).name, c.account(REGULATED).id, REGION)


def _s3(s):
    return s[REGULATED].client("s3")


def _lock(c, n, s, mode, days):
    _s3(s).put_object_lock_configuration(Bucket=_record_bucket(c, n), ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": mode, "Days": days}}})


def _other_class_key(c, n, s):
    other = c.data_classes[1]
    _s3(s).put_bucket_encryption(Bucket=_record_bucket(c, n), ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {
            "SSEAlgorithm": "aws:kms",
            "KMSMasterKeyID": n.records_key_alias_arn(other.name, c.account(REGULATED).id, REGION)}}]})


def _record_key_rotation_off(c, n, s):
    kms = s[REGULATED].client("kms")
    alias = n.records_key_alias(c.data_classes[-1].name)
    kms.disable_key_rotation(KeyId=kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"])


def _ec2(s):
    return s[REGULATED].client("ec2")


def _internet_gateway(s):
    gateway = _ec2(s).create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    _ec2(s).attach_internet_gateway(InternetGatewayId=gateway, VpcId=s["compute"]["vpc"])


def _flow_log_deleted(s):
    flows = _ec2(s).describe_flow_logs()["FlowLogs"]
    _ec2(s).delete_flow_logs(FlowLogIds=[f["FlowLogId"] for f in flows])


def _spot_on_lowest_price(s):
    built = s["compute"]
    s[REGULATED].client("batch").create_compute_environment(
        computeEnvironmentName="spot-cheap", type="MANAGED", state="ENABLED", serviceRole=built["service_role"],
        computeResources={**built["resources"], "type": "SPOT", "allocationStrategy": "BEST_FIT"})


def _pool(s):
    return s[REGULATED].pool


def _pool_mfa(s):
    return s[REGULATED].mfa_config


def _ddb(s):
    return s[REGULATED].client("dynamodb")



def _without_delete_deny(c, n, s) -> str:
    """The record bucket's policy without its delete deny; its instrument statements (GXP-DEV-01) stay."""
    bucket = _record_bucket(c, n)
    policy = json.loads(bucket_policy(bucket, destroy=False, floor_days=_first_class(c).days))
    if _first_class(c).instrument_data:
        account_id = c.account(REGULATED).id
        policy["Statement"] += instrument_statements(c, bucket, account_id, _first_class(c).name)
    return json.dumps(policy)

BREAKS = {
    "record lock in GOVERNANCE mode": (REGULATED, "GXP-REC-01",
                                       lambda c, n, s: _lock(c, n, s, "GOVERNANCE", _first_class(c).days)),
    "record retention shorter than the class": (REGULATED, "GXP-REC-01",
                                                lambda c, n, s: _lock(c, n, s, "COMPLIANCE", _first_class(c).days - 1)),
    "record bucket under another class's key": (REGULATED, "GXP-REC-02", _other_class_key),
    # GXP-REC-02 asks whose key a records bucket uses; whether a key rotates is GXP-KEY-01's, for every key.
    "record key rotation off": (REGULATED, "GXP-KEY-01", _record_key_rotation_off),
    "record delete deny removed": (REGULATED, "GXP-S3-05", lambda c, n, s: _s3(s).put_bucket_policy(
        Bucket=_record_bucket(c, n), Policy=_without_delete_deny(c, n, s))),
    "record access logging off": (REGULATED, "GXP-S3-07", lambda c, n, s: _s3(s).put_bucket_logging(
        Bucket=_record_bucket(c, n), BucketLoggingStatus={})),
    "MFA optional": (REGULATED, "GXP-ESIG-01", lambda c, n, s: _pool(s).update(MfaConfiguration="OPTIONAL")),
    "remembered devices": (REGULATED, "GXP-ESIG-01", lambda c, n, s: _pool(s).update(DeviceConfiguration={
        "ChallengeRequiredOnNewDevice": True, "DeviceOnlyRememberedOnUserPrompt": True})),
    "SMS codes as a second factor": (REGULATED, "GXP-ESIG-01", lambda c, n, s: _pool_mfa(s).update(
        SmsMfaConfiguration={"SmsAuthenticationMessage": "Your code is {####}"})),
    "recovery by e-mail": (REGULATED, "GXP-ESIG-11", lambda c, n, s: _pool(s).update(AccountRecoverySetting={
        "RecoveryMechanisms": [{"Name": "verified_email", "Priority": 1}, {"Name": "verified_phone_number", "Priority": 2}]})),
    "self sign-up allowed": (REGULATED, "GXP-ESIG-02", lambda c, n, s: _pool(s).update(
        AdminCreateUserConfig={"AllowAdminCreateUserOnly": False})),
    "8-character passwords": (REGULATED, "GXP-ESIG-03",
                              lambda c, n, s: _pool(s)["Policies"]["PasswordPolicy"].update(MinimumLength=8)),
    "ledger PITR off": (REGULATED, "GXP-DDB-01", lambda c, n, s: _ddb(s).update_continuous_backups(
        TableName="Signatures-Ledger", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False})),
    "ledger deletion protection off": (REGULATED, "GXP-DDB-01", lambda c, n, s: _ddb(s).update_table(
        TableName="Signatures-Ledger", DeletionProtectionEnabled=False)),
    "table under the AWS owned key": (REGULATED, "GXP-DDB-02",
                                      lambda c, n, s: build_ledger(s[REGULATED], "Ledger-2", customer_key=False)),
    "flow log deleted": (REGULATED, "GXP-NET-01", lambda c, n, s: _flow_log_deleted(s)),
    "internet gateway attached": (REGULATED, "GXP-NET-02", lambda c, n, s: _internet_gateway(s)),
    "Spot environment on lowest price": (REGULATED, "GXP-BATCH-02", lambda c, n, s: _spot_on_lowest_price(s)),
    "job definition without catch-all EXIT": (REGULATED, "GXP-BATCH-01", lambda c, n, s: s[REGULATED].client(
        "batch").register_job_definition(jobDefinitionName="gxp-discovery-gpu", type="container",
                                         retryStrategy=retry_strategy(catch_all=False),
                                         containerProperties={"image": "worker", "vcpus": 4, "memory": 8192})),
}


@pytest.mark.parametrize(
    "case, workloads", [(case, BREAKS[case][1] in COMPUTE_CHECKS) for case in sorted(BREAKS)], indirect=["workloads"]
)
def test_breaking_one_workload_thing_fails_exactly_that_control(workloads, case):
    config, names, sessions = workloads
    role, control_id, breaker = BREAKS[case]
    breaker(config, names, sessions)
    assert failing(run_iq(sessions[role], config, role, REGION)) == {control_id}


@pytest.mark.parametrize("workloads", [False], indirect=True)
def test_research_account_runs_no_record_checks(workloads):
    config, names, sessions = workloads
    with_research = session_for(config.account("research").id)
    build_config_recorder(with_research, names, config.account("research").id)
    results = run_iq(with_research, config, "research", REGION)
    # NET-02 is regulated-only: the research account may have a NAT gateway where the config allows it.
    assert not {r.control_id for r in results} & {"GXP-REC-01", "GXP-REC-02", "GXP-S3-05", "GXP-NET-02"}

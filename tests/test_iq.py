"""IQ runner against moto. The reference estate's log-archive and management accounts are built
with boto3 in moto's multi-account mode (assume_role into each account ID from the config), so the
config is used unchanged except for the organization root ID, which moto generates.

moto 5.2 implements every API the audit-substrate checks call (object lock, trail status, Config
recorder status, Organizations policies and targets), so none of them needs a botocore Stubber. The
workload accounts' checks are tested in tests/test_iq_workloads.py (there Cognito is stubbed)."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from gxp_landing_zone.config import load_config
from gxp_landing_zone.constructs import guardrails
from gxp_landing_zone.constructs.gxp_bucket import DENIED_OUTSIDE_DEPLOYMENT, DENIED_TO_ALL, RETENTION_SETTING_ACTIONS
from gxp_landing_zone.config.regions import REGION_JURISDICTION, regions_in
from gxp_landing_zone.naming import BREAK_GLASS_ROLE_PATTERN, Names, scp_bedrock_residency, scp_residency
from gxp_landing_zone.constructs.managed_key import KEY_ADMIN_ACTIONS
from gxp_landing_zone.controls.registry import all_controls
from gxp_landing_zone.naming import TRAIL_LOGS_KEY_ALIAS
from gxp_landing_zone.validation.iq import run_iq, verify_chain
from gxp_landing_zone.validation.iq.__main__ import main
from gxp_landing_zone.validation.iq.runner import chain
from tests.moto_snapshot import build_once, restored
from tests.test_iq_governance import GOVERNANCE, build_governance, put_record_selectors, serve_templates

REFERENCE_CONFIG = Path(__file__).resolve().parent.parent / "config" / "reference.yaml"
REGION = "us-east-1"


@pytest.fixture(autouse=True)
def fake_credentials(monkeypatch):
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "MOTO_ACCOUNT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    serve_templates(monkeypatch)  # GXP-RET-01 reads deployed templates; moto's CloudFormation is not importable


def session_for(account_id: str) -> boto3.Session:
    creds = boto3.client("sts", region_name=REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/iq-runner", RoleSessionName="iq"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=REGION,
    )


# -- building the estate the reference config describes ----------------------------------------


def bucket_policy(bucket: str, *, tls=True, destroy=True, weaken=True, log_delivery=False, floor_days=None,
                  governance=True, pipeline_writes: str | None = None) -> str:
    arn, objects = f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"
    statements = []
    if tls:
        statements.append({"Sid": "DenyInsecure", "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "s3:*",
                           "Resource": [arn, objects], "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    if destroy:
        statements.append({"Sid": "DenyDestroyingEvidence", "Effect": "Deny", "Principal": {"AWS": "*"},
                           "Action": DENIED_TO_ALL, "Resource": [arn, objects]})
    if weaken:
        statements.append({"Sid": "DenyWeakeningOutsideDeployment", "Effect": "Deny", "Principal": {"AWS": "*"},
                           "Action": DENIED_OUTSIDE_DEPLOYMENT, "Resource": arn,
                           "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"}}})
    if floor_days is not None:
        # Locked buckets only, as constructs/gxp_bucket.py adds them.
        statements.append({"Sid": "DenyShorterRetentionOnWrite", "Effect": "Deny", "Principal": {"AWS": "*"},
                           "Action": RETENTION_SETTING_ACTIONS, "Resource": objects,
                           "Condition": {"NumericLessThan": {"s3:object-lock-remaining-retention-days": str(floor_days)}}})
        if governance:
            statements.append({"Sid": "DenyGovernanceModeOnWrite", "Effect": "Deny", "Principal": {"AWS": "*"},
                               "Action": RETENTION_SETTING_ACTIONS, "Resource": objects,
                               "Condition": {"StringEquals": {"s3:object-lock-mode": "GOVERNANCE"}}})
    if pipeline_writes is not None:
        # The evidence bucket: change records are written only by the pipeline's roles (stacks/log_archive.py).
        statements.append({"Sid": "DenyChangeRecordsOutsideThePipeline", "Effect": "Deny", "Principal": {"AWS": "*"},
                           "Action": ["s3:PutObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold"], "Resource": objects,
                           "Condition": {"ArnNotLike": {"aws:PrincipalArn": pipeline_writes}}})
    if log_delivery:
        # As CDK adds to a server-access-log target; moto refuses put_bucket_logging without it.
        statements.append({"Sid": "S3ServerAccessLogs", "Effect": "Allow",
                           "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
                           "Resource": objects})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def backup_plan(config, names: Names, account_id: str, *, copy_region: str, days: int | None = None) -> dict:
    """The plan as stacks/continuity.py deploys it: daily, kept the configured days, copied to the copy region."""
    days = days or config.backup.retention_days
    return {"BackupPlanName": names.backup_plan_name, "Rules": [{
        "RuleName": "daily-with-copy-in-jurisdiction", "TargetBackupVaultName": names.backup_vault_name,
        "ScheduleExpression": config.backup.schedule, "Lifecycle": {"DeleteAfterDays": days},
        "CopyActions": [{"DestinationBackupVaultArn": names.backup_copy_vault_arn(account_id, copy_region),
                         "Lifecycle": {"DeleteAfterDays": days}}]}]}


def build_backup(session, config, names: Names, account_id: str, copy_region: str) -> None:
    """As stacks/continuity.py: the vault key, the locked vault (compliance mode: a lock date), the daily plan."""
    kms = session.client("kms")
    # As constructs/managed_key.py: administration without use; AWS Backup uses the key through its endpoint.
    policy = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "KeyAdministration", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
         "Action": KEY_ADMIN_ACTIONS, "Resource": "*"},
        {"Sid": "BackupEncryptsRecoveryPoints", "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{account_id}:root"},
         "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"],
         "Resource": "*", "Condition": {"StringEquals": {"kms:ViaService": f"backup.{REGION}.amazonaws.com"}}}]})
    key = kms.create_key(Description="Encrypts the recovery points of GxP records", Policy=policy)["KeyMetadata"]
    kms.create_alias(AliasName=names.backup_key_alias, TargetKeyId=key["KeyId"])
    kms.enable_key_rotation(KeyId=key["KeyId"])
    backup = session.client("backup")
    backup.create_backup_vault(BackupVaultName=names.backup_vault_name, EncryptionKeyArn=key["Arn"])
    backup.put_backup_vault_lock_configuration(BackupVaultName=names.backup_vault_name,
                                               MinRetentionDays=config.backup.retention_days,
                                               ChangeableForDays=config.backup.lock_grace_days)
    backup.create_backup_plan(BackupPlan=backup_plan(config, names, account_id, copy_region=copy_region))


def build_log_archive(session: boto3.Session, config, names: Names) -> None:
    kms = session.client("kms")
    key = kms.create_key(Description="log archive")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=names.log_archive_key_alias, TargetKeyId=key)
    kms.enable_key_rotation(KeyId=key)
    build_backup(session, config, names, config.log_archive.id, config.backup.log_archive_copy_region)

    s3 = session.client("s3")
    s3.create_bucket(Bucket=names.access_log_bucket)
    s3.create_bucket(Bucket=names.trail_bucket, ObjectLockEnabledForBucket=True)
    s3.create_bucket(Bucket=names.config_bucket)
    s3.create_bucket(Bucket=names.evidence_bucket, ObjectLockEnabledForBucket=True)
    locked = (names.trail_bucket, names.evidence_bucket)
    for bucket in locked:
        s3.put_object_lock_configuration(
            Bucket=bucket,
            ObjectLockConfiguration={
                "ObjectLockEnabled": "Enabled",
                "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": config.audit_log.days}},
            },
        )
    for bucket in (names.access_log_bucket, *locked, names.config_bucket):
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
        floor = config.audit_log.days if bucket in locked else None
        writers = names.pipeline_role_pattern() if bucket == names.evidence_bucket else None
        s3.put_bucket_policy(Bucket=bucket, Policy=bucket_policy(
            bucket, log_delivery=bucket == names.access_log_bucket, floor_days=floor, pipeline_writes=writers))
        s3.put_public_access_block(
            Bucket=bucket,
            PublicAccessBlockConfiguration={
                "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
            },
        )
    # GxpBucket tags every bucket with the retention class it serves (stacks/log_archive.py).
    for bucket, retention_class in ((names.access_log_bucket, "access-log"), (names.trail_bucket, "audit-log"),
                                    (names.config_bucket, "config-history"), (names.evidence_bucket, "change-record")):
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "gxp:retention-class", "Value": retention_class}]})
    s3.put_bucket_encryption(Bucket=names.access_log_bucket, ServerSideEncryptionConfiguration={
        "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    for bucket, prefix in ((names.trail_bucket, "audit-trail/"), (names.config_bucket, "config-history/"),
                           (names.evidence_bucket, "evidence/")):
        s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": names.access_log_bucket, "TargetPrefix": prefix}})
        s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": names.log_archive_key_arn},
            "BucketKeyEnabled": True}]})
    build_config_recorder(session, names, config.log_archive.id)


def put_evidence_policy(session: boto3.Session, config, names: Names) -> None:
    session.client("s3").put_bucket_policy(Bucket=names.evidence_bucket, Policy=bucket_policy(
        names.evidence_bucket, floor_days=config.audit_log.days, pipeline_writes=names.pipeline_role_pattern()))


def build_config_recorder(session: boto3.Session, names: Names, account_id: str) -> None:
    cfg = session.client("config")
    cfg.put_configuration_recorder(ConfigurationRecorder={
        "name": "gxp-recorder", "roleARN": f"arn:aws:iam::{account_id}:role/gxp-config-recorder",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    cfg.put_delivery_channel(DeliveryChannel={
        "name": "gxp-delivery", "s3BucketName": names.config_bucket, "s3KmsKeyArn": names.log_archive_key_arn,
        "configSnapshotDeliveryProperties": {"deliveryFrequency": "TwentyFour_Hours"}})
    cfg.start_configuration_recorder(ConfigurationRecorderName="gxp-recorder")
    # The Baseline stack beside the recorder also turns on EBS encryption by default (GXP-EC2-03).
    session.client("ec2").enable_ebs_encryption_by_default()


def trail_kwargs(config, names: Names) -> dict:
    return dict(
        Name=names.trail_name, S3BucketName=names.trail_bucket, IsOrganizationTrail=True, IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True, EnableLogFileValidation=True, KmsKeyId=names.log_archive_key_arn,
        CloudWatchLogsLogGroupArn=f"arn:aws:logs:{REGION}:{config.management.id}:log-group:/gxp/cloudtrail/{names.trail_name}:*",
        CloudWatchLogsRoleArn=f"arn:aws:iam::{config.management.id}:role/trail-to-logs",
    )


def build_management(session: boto3.Session, config, names: Names) -> str:
    """Trail, trail-logs key and SCPs; returns the organization root ID moto generated."""
    kms = session.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName=TRAIL_LOGS_KEY_ALIAS, TargetKeyId=key)
    kms.enable_key_rotation(KeyId=key)
    ct = session.client("cloudtrail")
    ct.create_trail(**trail_kwargs(config, names))
    ct.start_logging(Name=names.trail_name)
    build_config_recorder(session, names, config.management.id)

    org = session.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    regulated_ou = org.create_organizational_unit(ParentId=root, Name="Regulated")["OrganizationalUnit"]["Id"]
    logs = [names.trail_bucket, names.config_bucket, names.access_log_bucket, names.evidence_bucket]
    for name, document, target in (
        ("gxp-protect-audit-substrate", guardrails.protect_audit_substrate(logs), root),
        ("gxp-deny-root-and-leaving", guardrails.deny_root_and_leaving(), root),
        ("gxp-allowed-regions", guardrails.deny_outside_regions(config.allowed_regions), root),
        ("gxp-protect-regulated-keys", guardrails.protect_regulated_keys(), regulated_ou),
    ):
        policy = org.create_policy(Name=name, Description=name, Type="SERVICE_CONTROL_POLICY", Content=json.dumps(document))
        org.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=target)
    return root


def build_residency(session: boto3.Session, config) -> dict[str, str]:
    """The residency SCPs on the regulated accounts, and the pipeline's SCPs (stacks/organization.py). moto
    attaches policies only to accounts it created, so each regulated account and the deployment account
    are created here; returns role -> the ID moto gave it."""
    org = session.client("organizations")
    ids = {
        a.role: org.create_account(AccountName=a.role, Email=f"{a.role}@example.com")["CreateAccountStatus"]["AccountId"]
        for a in [*config.regulated_accounts, config.account("deployment")]
    }
    names = Names(with_account_ids(config, ids))
    regulated_ou = next(u["Id"] for u in org.list_organizational_units_for_parent(ParentId=org.list_roots()["Roots"][0]["Id"])[
        "OrganizationalUnits"] if u["Name"] == "Regulated")
    for name, document, target in (
        ("gxp-deploy-only-through-pipeline", guardrails.deploy_only_through_pipeline(BREAK_GLASS_ROLE_PATTERN), regulated_ou),
        ("gxp-deployment-roles-only-for-pipeline", guardrails.deployment_roles_only_for_pipeline(
            [ids[a.role] for a in config.regulated_accounts], names.pipeline_role_pattern()), ids["deployment"]),
    ):
        policy = org.create_policy(Name=name, Description=name, Type="SERVICE_CONTROL_POLICY", Content=json.dumps(document))
        org.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=target)
    for jurisdiction in sorted({a.jurisdiction for a in config.regulated_accounts}):
        inside = [r for r in config.allowed_regions if REGION_JURISDICTION[r] == jurisdiction]
        for name, document in ((scp_residency(jurisdiction), guardrails.keep_data_in_jurisdiction(inside)),
                               (scp_bedrock_residency(jurisdiction),
                                guardrails.keep_bedrock_in_jurisdiction(regions_in(jurisdiction)))):
            policy = org.create_policy(Name=name, Description=name, Type="SERVICE_CONTROL_POLICY",
                                       Content=json.dumps(document))
            for a in config.regulated_accounts:
                if a.jurisdiction == jurisdiction:
                    org.attach_policy(PolicyId=policy["Policy"]["PolicySummary"]["Id"], TargetId=ids[a.role])
    return ids


def with_account_ids(config, ids: dict[str, str]):
    accounts = [a.model_copy(update={"id": ids[a.role]}) if a.role in ids else a for a in config.accounts]
    return config.model_copy(update={"accounts": accounts})


def _build_estate():
    config = load_config(REFERENCE_CONFIG)
    names = Names(config)
    sessions = {"log-archive": session_for(config.log_archive.id), "management": session_for(config.management.id)}
    build_log_archive(sessions["log-archive"], config, names)
    root = build_management(sessions["management"], config, names)
    config = config.model_copy(update={"organization": config.organization.model_copy(update={"root_id": root})})
    build_governance(sessions, config, names)
    # Only the management account's SCP checks read the regulated accounts' IDs.
    config = with_account_ids(config, build_residency(sessions["management"], config))
    # The deployment account now has the ID moto gave it: the evidence bucket names its pipeline roles.
    put_evidence_policy(sessions["log-archive"], config, Names(config))
    return (config, Names(config), sessions), sessions


@pytest.fixture(scope="module")
def _estate_built_once():
    return build_once(_build_estate)


@pytest.fixture
def estate(_estate_built_once):
    """(config, names, {role: session}) with every resource built correctly: built once per module, and
    put back before each test."""
    with restored(_estate_built_once) as built:
        yield built


def failing(results) -> set[str]:
    return {r.control_id for r in results if not r.passed}


# -- everything correct --------------------------------------------------------------------------

EXPECTED = {
    "log-archive": {"GXP-KEY-01", "GXP-CFG-01", "GXP-CFG-04", "GXP-EC2-03", "GXP-BAK-01", "GXP-CHG-04"}
    | {f"GXP-S3-{i:02d}" for i in range(1, 11)} | GOVERNANCE["log-archive"],
    "management": {"GXP-KEY-01", "GXP-CFG-01", "GXP-CFG-04", "GXP-EC2-03"}
    | {f"GXP-TRAIL-0{i}" for i in range(1, 5)}
    | {f"GXP-SCP-0{i}" for i in range(1, 7)} | {"GXP-AI-09", "GXP-CHG-03"}
    | GOVERNANCE["management"],
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_correct_estate_passes_every_check(estate, role):
    config, names, sessions = estate
    results = run_iq(sessions[role], config, role, REGION)
    assert {r.control_id for r in results} == EXPECTED[role]
    assert failing(results) == set(), [r for r in results if not r.passed]
    account = config.account(role).id
    for r in results:
        assert r.caller.startswith(f"arn:aws:sts::{account}:assumed-role/")
        assert r.checked_at.endswith("+00:00") and r.observed and r.clauses


def test_every_control_declares_where_its_deployed_check_runs():
    for control in all_controls():
        assert control.deployed.accounts and control.deployed.regions in ("home", "all", "workload"), control.id


# -- break exactly one thing, and exactly that control fails --------------------------------------


def _s3(c, n, s):
    return s["log-archive"].client("s3")


def _policy_id(s, name):
    org = s["management"].client("organizations")
    return next(p["Id"] for p in org.list_policies(Filter="SERVICE_CONTROL_POLICY")["Policies"] if p["Name"] == name)


def _update_scp(s, name, document):
    s["management"].client("organizations").update_policy(PolicyId=_policy_id(s, name), Content=json.dumps(document))


def _all_logs(n):
    return [n.trail_bucket, n.config_bucket, n.access_log_bucket, n.evidence_bucket]


def _without_statement(document, sid):
    return {**document, "Statement": [st for st in document["Statement"] if st["Sid"] != sid]}


def _loosened_audit(n):
    doc = guardrails.protect_audit_substrate(_all_logs(n))
    doc["Statement"][0]["Action"] = [a for a in doc["Statement"][0]["Action"] if a != "cloudtrail:StopLogging"]
    return doc


def _audit_exempting_every_role(n):
    doc = guardrails.protect_audit_substrate(_all_logs(n))
    doc["Statement"][0]["Condition"] = {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}
    return doc


def _recreate_trail(c, n, s, **changes):
    ct = s["management"].client("cloudtrail")
    ct.delete_trail(Name=n.trail_name)
    kwargs = {k: v for k, v in {**trail_kwargs(c, n), **changes}.items() if v is not None}
    ct.create_trail(**kwargs)
    ct.start_logging(Name=n.trail_name)
    put_record_selectors(s["management"], n)  # a new trail has no data-event selectors


def _rotation_off(s, role, alias):
    kms = s[role].client("kms")
    kms.disable_key_rotation(KeyId=kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"])


BREAKS = {
    "trail stopped": ("management", "GXP-TRAIL-01",
                      lambda c, n, s: s["management"].client("cloudtrail").stop_logging(Name=n.trail_name)),
    "single-region trail": ("management", "GXP-TRAIL-01",
                            lambda c, n, s: _recreate_trail(c, n, s, IsMultiRegionTrail=False)),
    "validation off": ("management", "GXP-TRAIL-02",
                       lambda c, n, s: _recreate_trail(c, n, s, EnableLogFileValidation=False)),
    "trail not KMS-encrypted": ("management", "GXP-TRAIL-03", lambda c, n, s: _recreate_trail(c, n, s, KmsKeyId=None)),
    "no CloudWatch delivery": ("management", "GXP-TRAIL-04", lambda c, n, s: _recreate_trail(
        c, n, s, CloudWatchLogsLogGroupArn=None, CloudWatchLogsRoleArn=None)),
    "log-archive key rotation off": ("log-archive", "GXP-KEY-01",
                                     lambda c, n, s: _rotation_off(s, "log-archive", n.log_archive_key_alias)),
    "trail-logs key rotation off": ("management", "GXP-KEY-01",
                                    lambda c, n, s: _rotation_off(s, "management", TRAIL_LOGS_KEY_ALIAS)),
    "governance mode": ("log-archive", "GXP-S3-01", lambda c, n, s: _s3(c, n, s).put_object_lock_configuration(
        Bucket=n.trail_bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {
            "DefaultRetention": {"Mode": "GOVERNANCE", "Days": c.audit_log.days}}})),
    "retention too short": ("log-archive", "GXP-S3-02", lambda c, n, s: _s3(c, n, s).put_object_lock_configuration(
        Bucket=n.trail_bucket, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": {
            "DefaultRetention": {"Mode": "COMPLIANCE", "Days": c.audit_log.days - 1}}})),
    "versioning suspended": ("log-archive", "GXP-S3-03", lambda c, n, s: _s3(c, n, s).put_bucket_versioning(
        Bucket=n.config_bucket, VersioningConfiguration={"Status": "Suspended"})),
    "TLS deny removed": ("log-archive", "GXP-S3-04", lambda c, n, s: _s3(c, n, s).put_bucket_policy(
        Bucket=n.trail_bucket, Policy=bucket_policy(n.trail_bucket, tls=False, floor_days=c.audit_log.days))),
    "delete deny removed": ("log-archive", "GXP-S3-05", lambda c, n, s: _s3(c, n, s).put_bucket_policy(
        Bucket=n.config_bucket, Policy=bucket_policy(n.config_bucket, destroy=False))),
    "weakening deny removed": ("log-archive", "GXP-S3-05", lambda c, n, s: _s3(c, n, s).put_bucket_policy(
        Bucket=n.trail_bucket, Policy=bucket_policy(n.trail_bucket, weaken=False, floor_days=c.audit_log.days))),
    "retention floor on write lowered": ("log-archive", "GXP-S3-09", lambda c, n, s: _s3(c, n, s).put_bucket_policy(
        Bucket=n.trail_bucket, Policy=bucket_policy(n.trail_bucket, floor_days=1))),
    "GOVERNANCE mode allowed on write": ("log-archive", "GXP-S3-09", lambda c, n, s: _s3(c, n, s).put_bucket_policy(
        Bucket=n.trail_bucket, Policy=bucket_policy(n.trail_bucket, floor_days=c.audit_log.days, governance=False))),
    "ACLs honoured": ("log-archive", "GXP-S3-10", lambda c, n, s: _s3(c, n, s).put_bucket_ownership_controls(
        Bucket=n.config_bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})),
    "public access allowed": ("log-archive", "GXP-S3-06", lambda c, n, s: _s3(c, n, s).put_public_access_block(
        Bucket=n.access_log_bucket, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
            "RestrictPublicBuckets": True})),
    "access logging off": ("log-archive", "GXP-S3-07", lambda c, n, s: _s3(c, n, s).put_bucket_logging(
        Bucket=n.trail_bucket, BucketLoggingStatus={})),
    "SSE-S3 instead of KMS": ("log-archive", "GXP-S3-08", lambda c, n, s: _s3(c, n, s).put_bucket_encryption(
        Bucket=n.config_bucket, ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})),
    "EBS encryption by default off": ("log-archive", "GXP-EC2-03", lambda c, n, s: s["log-archive"].client(
        "ec2").disable_ebs_encryption_by_default()),
    "recorder stopped": ("log-archive", "GXP-CFG-01", lambda c, n, s: s["log-archive"].client(
        "config").stop_configuration_recorder(ConfigurationRecorderName="gxp-recorder")),
    "delivery to another bucket": ("management", "GXP-CFG-04", lambda c, n, s: s["management"].client(
        "config").put_delivery_channel(DeliveryChannel={"name": "gxp-delivery", "s3BucketName": "some-other-bucket",
                                                        "s3KmsKeyArn": n.log_archive_key_arn})),
    "audit SCP loosened": ("management", "GXP-SCP-01",
                           lambda c, n, s: _update_scp(s, "gxp-protect-audit-substrate", _loosened_audit(n))),
    "audit SCP exempts every role": ("management", "GXP-SCP-01", lambda c, n, s: _update_scp(
        s, "gxp-protect-audit-substrate", _audit_exempting_every_role(n))),
    "log-archive SCP statement dropped": ("management", "GXP-SCP-02", lambda c, n, s: _update_scp(
        s, "gxp-protect-audit-substrate",
        _without_statement(guardrails.protect_audit_substrate(_all_logs(n)), "DenyLogArchiveTampering"))),
    "key SCP detached from Regulated OU": ("management", "GXP-SCP-03", lambda c, n, s: s["management"].client(
        "organizations").detach_policy(
            PolicyId=_policy_id(s, "gxp-protect-regulated-keys"),
            TargetId=next(t["TargetId"] for t in s["management"].client("organizations").list_targets_for_policy(
                PolicyId=_policy_id(s, "gxp-protect-regulated-keys"))["Targets"]))),
    "root SCP loosened": ("management", "GXP-SCP-04", lambda c, n, s: _update_scp(
        s, "gxp-deny-root-and-leaving", _without_statement(guardrails.deny_root_and_leaving(), "DenyRootUser"))),
    "US region allowed to the EU accounts": ("management", "GXP-SCP-06", lambda c, n, s: _update_scp(
        s, "gxp-residency-eu", guardrails.keep_data_in_jurisdiction(["eu-central-1", "us-east-1"]))),
    "residency SCP detached from the JP account": ("management", "GXP-SCP-06", lambda c, n, s: s["management"].client(
        "organizations").detach_policy(PolicyId=_policy_id(s, "gxp-residency-jp"), TargetId=c.account("regulated-jp").id)),
    "global inference profiles allowed to the JP account": ("management", "GXP-AI-09", lambda c, n, s: _update_scp(
        s, "gxp-bedrock-residency-jp", _without_statement(guardrails.keep_bedrock_in_jurisdiction(regions_in("JP")),
                                                          "DenyGlobalInferenceProfiles"))),
    "Bedrock SCP detached from the EU account": ("management", "GXP-AI-09", lambda c, n, s: s["management"].client(
        "organizations").detach_policy(PolicyId=_policy_id(s, "gxp-bedrock-residency-eu"),
                                       TargetId=c.account("regulated-eu").id)),
    "extra region allowed": ("management", "GXP-SCP-05", lambda c, n, s: _update_scp(
        s, "gxp-allowed-regions", guardrails.deny_outside_regions([*c.allowed_regions, "us-east-2"]))),
}


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_breaking_one_thing_fails_exactly_that_control(estate, case):
    config, names, sessions = estate
    role, control_id, breaker = BREAKS[case]
    breaker(config, names, sessions)
    assert failing(run_iq(sessions[role], config, role, REGION)) == {control_id}


def test_breaks_cover_every_check():
    # Every tests/test_iq*.py module keeps its breaks in BREAKS: (role, control, breaker).
    import importlib

    covered = set()
    for path in sorted(Path(__file__).parent.glob("test_iq*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        covered |= {control for _, control, _ in getattr(module, "BREAKS", {}).values()}
    assert covered == {c.id for c in all_controls()}


def test_missing_bucket_is_a_failed_result_not_an_exception(estate):
    config, names, sessions = estate
    s3 = sessions["log-archive"].client("s3")
    s3.delete_bucket_policy(Bucket=names.access_log_bucket)
    results = run_iq(sessions["log-archive"], config, "log-archive", REGION)
    bad = [r for r in results if not r.passed]
    assert {r.control_id for r in bad} == {"GXP-S3-04", "GXP-S3-05"}
    assert all(
        r.resource == names.access_log_bucket and ("NoSuchBucketPolicy" in r.observed or "no bucket policy" in r.observed)
        for r in bad
    )


# -- the tamper-evident record ----------------------------------------------------------------------


def test_chain_detects_alteration_removal_and_reordering(estate):
    config, names, sessions = estate
    entries = chain(run_iq(sessions["log-archive"], config, "log-archive", REGION))
    assert verify_chain(entries) is None
    assert entries[0]["previous_hash"] == "0" * 64
    assert all(b["previous_hash"] == a["entry_hash"] for a, b in zip(entries, entries[1:]))

    altered = json.loads(json.dumps(entries))
    altered[3]["passed"] = not altered[3]["passed"]
    assert verify_chain(altered) == 3
    assert verify_chain(entries[:2] + entries[3:]) == 2
    assert verify_chain([entries[1], entries[0], *entries[2:]]) == 0


# -- the command line --------------------------------------------------------------------------------


def run_cli(capsys, tmp_path, *args):
    argv = ["--config", str(REFERENCE_CONFIG), "--region", REGION, "--out", str(tmp_path), *args]
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_chained_json_and_csv_and_exits_by_outcome(monkeypatch, capsys, tmp_path):
    config = load_config(REFERENCE_CONFIG)
    names = Names(config)
    monkeypatch.setenv("MOTO_ACCOUNT_ID", config.log_archive.id)  # default credentials land in log-archive
    with mock_aws():
        build_log_archive(boto3.Session(region_name=REGION), config, names)
        build_governance({"log-archive": boto3.Session(region_name=REGION)}, config, names)
        from tests.record_keys import make_signing_key

        key = make_signing_key(boto3.Session(region_name=REGION), alias=None)
        code, out, err = run_cli(capsys, tmp_path / "ok", "--account-role", "log-archive", "--signing-key", key)
        assert (code, err) == (0, "")
        assert "0 failed" in out and "(sealed)" in out
        (json_file,) = (tmp_path / "ok").glob("*.json")
        (csv_file,) = (tmp_path / "ok").glob("*.csv")
        record = json.loads(json_file.read_text())
        entries = record["entries"]
        assert verify_chain(entries) is None and len(entries) == len(csv_file.read_text().splitlines()) - 1
        assert record["kind"] == "iq" and record["seal"]["entries"] == len(entries)

        boto3.client("s3", region_name=REGION).put_bucket_versioning(
            Bucket=names.config_bucket, VersioningConfiguration={"Status": "Suspended"})
        code, out, _ = run_cli(capsys, tmp_path / "bad", "--account-role", "log-archive", "--signing-key", key)
        assert code == 1 and f"FAIL GXP-S3-03 {names.config_bucket}" in out


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["--account-role", "lab"], 2, "unknown account role 'lab'"),
        (["--account-role", "log-archive", "--region", "eu-west-3"], 2, "region eu-west-3 is not in allowed_regions"),
        (["--account-role", "log-archive"], 4, "credentials are for account 123456789012"),
        (["--account-role", "log-archive", "--config", "missing.yaml"], 2, "no such config file"),
    ],
)
def test_cli_errors_are_one_line_with_exit_code(capsys, tmp_path, args, code, message):
    with mock_aws():
        got, out, err = run_cli(capsys, tmp_path, *args)
    assert got == code
    assert err.startswith("iq: error: ") and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing recorded for a run that never started


def without_any_credentials(monkeypatch, tmp_path) -> None:
    """No credential source botocore could find: environment, files, instance or container metadata."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)


def test_cli_without_credentials(monkeypatch, capsys, tmp_path):
    without_any_credentials(monkeypatch, tmp_path)
    code, _, err = run_cli(capsys, tmp_path / "out", "--account-role", "log-archive")
    assert code == 3 and err == "iq: error: no AWS credentials found; sign in (e.g. aws sso login) or set AWS_PROFILE\n"


def test_unreachable_endpoint_fails_that_check_and_the_run_goes_on(estate, monkeypatch):
    from botocore.client import BaseClient
    from botocore.exceptions import EndpointConnectionError

    config, names, sessions = estate
    answering = BaseClient._make_api_call

    def make_api_call(client, operation_name, params):
        # Only the key-rotation status goes unanswered: the rest of KMS (GXP-KEY-02) still answers.
        if client.meta.service_model.service_name == "kms" and operation_name == "GetKeyRotationStatus":
            raise EndpointConnectionError(endpoint_url="https://kms.us-east-1.amazonaws.com")
        return answering(client, operation_name, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", make_api_call)
    results = run_iq(sessions["log-archive"], config, "log-archive", REGION)
    assert failing(results) == {"GXP-KEY-01"}
    # The log-archive key and the back-up vault's key: each reports the unreachable endpoint.
    keys = [r for r in results if r.control_id == "GXP-KEY-01"]
    assert len(keys) == 2 and all("Could not connect" in key.observed for key in keys)

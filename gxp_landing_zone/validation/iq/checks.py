"""Deployed-state checks, one per control. Each reads the account through boto3 and returns one
CheckResult per resource it inspected. A check never raises for a missing or misconfigured
resource: "not there" is a failed result with the API error as the observation, because an IQ
record must show what was looked at, not stop at the first gap."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

import boto3
from botocore.exceptions import ClientError

from ...config import AccountKind
from ...constructs import guardrails
from ...constructs.gxp_bucket import DENIED_OUTSIDE_DEPLOYMENT, DENIED_TO_ALL, RETENTION_SETTING_ACTIONS
from ...constructs.spot_first_batch import RETRY_ATTEMPTS, RETRY_ON_STATUS_REASONS
from ...naming import (
    CONFIG_RECORDER_NAME,
    REGULATED_OU,
    SCP_ALLOWED_REGIONS,
    SCP_DENY_ROOT_AND_LEAVING,
    SCP_PROTECT_AUDIT_SUBSTRATE,
    SCP_PROTECT_REGULATED_KEYS,
    TRAIL_LOGS_KEY_ALIAS,
    scp_residency,
)
from ...config.regions import REGION_JURISDICTION
from ..controls import by_id

EXCERPT_CHARS = 300
ALL_KINDS = frozenset(AccountKind)

_CONTROLS = by_id()


@dataclass(frozen=True)
class CheckResult:
    control_id: str
    clauses: dict[str, list[str]]
    resource: str
    expected: str
    observed: str
    passed: bool
    checked_at: str
    # Filled by the runner from sts:GetCallerIdentity, which it calls once per run.
    caller: str = ""


def result(control_id: str, resource: str, expected: str, observed: object, passed: bool) -> CheckResult:
    from ...controls.registry import by_id as new_by_id

    control = new_by_id().get(control_id) or _CONTROLS[control_id]
    clauses = {k: list(v) for k, v in control.clauses.items() if v}
    return CheckResult(
        control_id=control_id,
        clauses=clauses,
        resource=resource,
        expected=expected,
        observed=excerpt(observed),
        passed=bool(passed),
        checked_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )


def excerpt(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "..."


def call(fn: Callable, **kwargs) -> tuple[dict | None, str | None]:
    """(response, None) or (None, 'ErrorCode: message'): a missing configuration is evidence."""
    try:
        response = fn(**kwargs)
    except ClientError as exc:
        err = exc.response.get("Error", {})
        return None, f"{err.get('Code', 'ClientError')}: {err.get('Message', '')}".strip()
    response.pop("ResponseMetadata", None)
    return response, None


IQ_CHECKS: dict[str, Callable] = {}


def iq_check(control_id: str, kinds: frozenset | set, regions: str = "home") -> Callable:
    """Register a check. regions is 'home' (home region only), 'all' (every allowed region) or
    'workload' (each region the account runs workloads in: its configured regions, else home)."""

    def register(fn: Callable) -> Callable:
        fn.control_id, fn.kinds, fn.regions = control_id, frozenset(kinds), regions
        IQ_CHECKS[control_id] = fn
        return fn

    return register


def applies(fn: Callable, account, region: str, config) -> bool:
    if account.kind not in fn.kinds:
        return False
    if fn.regions == "all":
        return True
    if fn.regions == "workload":
        return region in config.workload_regions(account)
    return region == config.home_region


def _this_account(session, config):
    """The config's entry for the signed-in account (the runner has already checked it is there)."""
    return config.account_by_id(session.client("sts").get_caller_identity()["Account"])


# -- CloudTrail (management account, home region) ------------------------------------------------


def _trail(session: boto3.Session, names) -> tuple[dict | None, str | None]:
    resp, err = call(session.client("cloudtrail").describe_trails, trailNameList=[names.trail_name])
    if err:
        return None, err
    trails = [t for t in resp.get("trailList", []) if t.get("Name") == names.trail_name]
    return (trails[0], None) if trails else (None, f"no trail named {names.trail_name}")


def _pick(d: dict, *keys: str) -> dict:
    return {k: d.get(k) for k in keys}


@iq_check("GXP-TRAIL-01", {AccountKind.MANAGEMENT})
def check_trail_organization_wide(session, config, names) -> list[CheckResult]:
    expected = "IsOrganizationTrail, IsMultiRegionTrail, IncludeGlobalServiceEvents true; IsLogging true"
    trail, err = _trail(session, names)
    if err:
        return [result("GXP-TRAIL-01", names.trail_name, expected, err, False)]
    status, err = call(session.client("cloudtrail").get_trail_status, Name=names.trail_name)
    observed = _pick(trail, "IsOrganizationTrail", "IsMultiRegionTrail", "IncludeGlobalServiceEvents")
    observed["IsLogging"] = status.get("IsLogging") if status else err
    return [result("GXP-TRAIL-01", names.trail_name, expected, observed, all(v is True for v in observed.values()))]


@iq_check("GXP-TRAIL-02", {AccountKind.MANAGEMENT})
def check_trail_validation(session, config, names) -> list[CheckResult]:
    trail, err = _trail(session, names)
    observed = err or _pick(trail, "LogFileValidationEnabled")
    ok = not err and trail.get("LogFileValidationEnabled") is True
    return [result("GXP-TRAIL-02", names.trail_name, "LogFileValidationEnabled true", observed, ok)]


@iq_check("GXP-TRAIL-03", {AccountKind.MANAGEMENT})
def check_trail_kms(session, config, names) -> list[CheckResult]:
    # CloudTrail may report the alias ARN it was given or the key ARN it resolved; both name
    # the log-archive key as long as the account and region are the log archive's.
    key_prefix = f"arn:aws:kms:{config.home_region}:{config.log_archive.id}:"
    trail, err = _trail(session, names)
    key = (trail or {}).get("KmsKeyId") or ""
    ok = not err and (key == names.log_archive_key_arn or key.startswith(key_prefix + "key/"))
    expected = f"KmsKeyId {names.log_archive_key_arn} (or its key ARN)"
    return [result("GXP-TRAIL-03", names.trail_name, expected, err or {"KmsKeyId": key or None}, ok)]


@iq_check("GXP-TRAIL-04", {AccountKind.MANAGEMENT})
def check_trail_cloudwatch(session, config, names) -> list[CheckResult]:
    log_group = f"/gxp/cloudtrail/{names.trail_name}"  # constructs/organization_trail.py
    trail, err = _trail(session, names)
    observed = err or _pick(trail, "CloudWatchLogsLogGroupArn", "CloudWatchLogsRoleArn")
    arn = (trail or {}).get("CloudWatchLogsLogGroupArn") or ""
    ok = not err and f":log-group:{log_group}" in arn and bool(trail.get("CloudWatchLogsRoleArn"))
    return [result("GXP-TRAIL-04", names.trail_name, f"delivers to log group {log_group} via a role", observed, ok)]


# -- KMS ---------------------------------------------------------------------------------------


@iq_check("GXP-KEY-01", {AccountKind.LOG_ARCHIVE, AccountKind.MANAGEMENT})
def check_key_rotation(session, config, names) -> list[CheckResult]:
    kms = session.client("kms")
    identity_account = session.client("sts").get_caller_identity()["Account"]
    alias = names.log_archive_key_alias if identity_account == config.log_archive.id else TRAIL_LOGS_KEY_ALIAS
    meta, err = call(kms.describe_key, KeyId=alias)
    if err:
        return [result("GXP-KEY-01", alias, "KeyRotationEnabled true", err, False)]
    key_id = meta["KeyMetadata"]["KeyId"]
    status, err = call(kms.get_key_rotation_status, KeyId=key_id)
    observed = err or {"KeyId": key_id, "KeyRotationEnabled": status.get("KeyRotationEnabled")}
    ok = not err and status.get("KeyRotationEnabled") is True
    return [result("GXP-KEY-01", alias, "KeyRotationEnabled true", observed, ok)]


# -- S3 (log-archive account, home region) --------------------------------------------------------
# Which bucket gets which protection mirrors stacks/log_archive.py: the access-log bucket cannot
# use Object Lock or SSE-KMS (S3 log delivery), and Config cannot deliver to a locked bucket.


# In a regulated account the same checks cover the record buckets of the region (stacks/records.py):
# one bucket per data class, logged to the region's records access-log bucket.


def _record_buckets(session, config, names) -> list[str]:
    account = _this_account(session, config)
    return [names.records_bucket(d.name, account.id, session.region_name) for d in config.data_classes]


def _buckets(session, config, names) -> list[str]:
    account = _this_account(session, config)
    if account.kind is AccountKind.REGULATED:
        return [*_record_buckets(session, config, names), names.records_access_log_bucket(account.id, session.region_name)]
    return [names.trail_bucket, names.config_bucket, names.access_log_bucket]


def _locked(names) -> list[str]:
    return [names.trail_bucket]


def _kms_and_logged(names) -> list[str]:
    return [names.trail_bucket, names.config_bucket]


def _logged(session, config, names) -> dict[str, str]:
    """Bucket -> the access-log bucket it must deliver to."""
    account = _this_account(session, config)
    if account.kind is AccountKind.REGULATED:
        target = names.records_access_log_bucket(account.id, session.region_name)
        return {bucket: target for bucket in _record_buckets(session, config, names)}
    return {bucket: names.access_log_bucket for bucket in _kms_and_logged(names)}


LOG_ARCHIVE = {AccountKind.LOG_ARCHIVE}
REGULATED = {AccountKind.REGULATED}
# Bucket checks shared by the audit substrate (log-archive, home region) and the record buckets
# (regulated accounts, each workload region; the log archive's only workload region is home).
BUCKET_HOLDERS = {AccountKind.LOG_ARCHIVE, AccountKind.REGULATED}


@iq_check("GXP-S3-01", LOG_ARCHIVE)
def check_object_lock_mode(session, config, names) -> list[CheckResult]:
    out = []
    for bucket in _locked(names):
        resp, err = call(session.client("s3").get_object_lock_configuration, Bucket=bucket)
        lock = (resp or {}).get("ObjectLockConfiguration", {})
        mode = lock.get("Rule", {}).get("DefaultRetention", {}).get("Mode")
        ok = not err and lock.get("ObjectLockEnabled") == "Enabled" and mode == "COMPLIANCE"
        out.append(result("GXP-S3-01", bucket, "ObjectLockEnabled Enabled, Mode COMPLIANCE", err or lock, ok))
    return out


def _retention_days(default: dict) -> int:
    return default.get("Days") or (default.get("Years") or 0) * 365


@iq_check("GXP-S3-02", LOG_ARCHIVE)
def check_object_lock_retention(session, config, names) -> list[CheckResult]:
    required = config.audit_log.days  # the trail bucket holds audit logs
    out = []
    for bucket in _locked(names):
        resp, err = call(session.client("s3").get_object_lock_configuration, Bucket=bucket)
        default = (resp or {}).get("ObjectLockConfiguration", {}).get("Rule", {}).get("DefaultRetention", {})
        ok = not err and _retention_days(default) >= required
        out.append(result("GXP-S3-02", bucket, f"default retention >= {required} days", err or default, ok))
    return out


@iq_check("GXP-S3-03", BUCKET_HOLDERS, regions="workload")
def check_versioning(session, config, names) -> list[CheckResult]:
    out = []
    for bucket in _buckets(session, config, names):
        resp, err = call(session.client("s3").get_bucket_versioning, Bucket=bucket)
        ok = not err and resp.get("Status") == "Enabled"
        out.append(result("GXP-S3-03", bucket, "Status Enabled", err or {"Status": resp.get("Status")}, ok))
    return out


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _everyone(principal) -> bool:
    return principal == "*" or (isinstance(principal, dict) and "*" in _as_list(principal.get("AWS")))


def _policy_statements(session, bucket: str) -> tuple[list[dict], str | None]:
    resp, err = call(session.client("s3").get_bucket_policy, Bucket=bucket)
    if err:
        return [], err
    return _as_list(json.loads(resp["Policy"]).get("Statement", [])), None


def _denies_to_everyone(statement: dict, actions: list[str]) -> bool:
    return (
        statement.get("Effect") == "Deny"
        and _everyone(statement.get("Principal"))
        and set(actions) <= set(_as_list(statement.get("Action", [])))
    )


def _is_tls_deny(statement: dict) -> bool:
    secure = statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")
    return _denies_to_everyone(statement, ["s3:*"]) and str(secure).lower() == "false"


@iq_check("GXP-S3-04", BUCKET_HOLDERS, regions="workload")
def check_tls_only(session, config, names) -> list[CheckResult]:
    out = []
    for bucket in _buckets(session, config, names):
        statements, err = _policy_statements(session, bucket)
        found = [s for s in statements if _is_tls_deny(s)]
        observed = err or (found[0] if found else {"Statement": statements})
        out.append(result("GXP-S3-04", bucket, "Deny s3:* to * when aws:SecureTransport false", observed, bool(found)))
    return out


@iq_check("GXP-S3-05", BUCKET_HOLDERS, regions="workload")
def check_destruction_denied(session, config, names) -> list[CheckResult]:
    out = []
    for bucket in _buckets(session, config, names):
        statements, err = _policy_statements(session, bucket)
        # Destruction is denied unconditionally; weakening is denied outside the deployment role.
        to_all = [s for s in statements if _denies_to_everyone(s, DENIED_TO_ALL) and not s.get("Condition")]
        weakening = [
            s
            for s in statements
            if _denies_to_everyone(s, DENIED_OUTSIDE_DEPLOYMENT)
            and "aws:PrincipalArn" in s.get("Condition", {}).get("ArnNotLike", {})
        ]
        observed = err or {"DenyToAll": [s.get("Sid") for s in to_all], "DenyWeakening": [s.get("Sid") for s in weakening]}
        expected = f"unconditional Deny {DENIED_TO_ALL} and Deny weakening outside the deployment role"
        out.append(result("GXP-S3-05", bucket, expected, observed, bool(to_all and weakening)))
    return out


def _locked_with_days(session, config, names) -> dict[str, int]:
    """Bucket -> the retention a write may not undercut."""
    account = _this_account(session, config)
    if account.kind is AccountKind.REGULATED:
        return {
            names.records_bucket(d.name, account.id, session.region_name): d.days for d in config.data_classes
        }
    return {bucket: config.audit_log.days for bucket in _locked(names)}


def _write_floor_days(statement: dict) -> int | None:
    floor = str(statement.get("Condition", {}).get("NumericLessThan", {}).get("s3:object-lock-remaining-retention-days", ""))
    return int(floor) if floor.isdigit() else None


@iq_check("GXP-S3-09", BUCKET_HOLDERS, regions="workload")
def check_retention_floor_on_write(session, config, names) -> list[CheckResult]:
    out = []
    for bucket, days in _locked_with_days(session, config, names).items():
        statements, err = _policy_statements(session, bucket)
        writes = [s for s in statements if _denies_to_everyone(s, RETENTION_SETTING_ACTIONS)]
        floors = [s for s in writes if (_write_floor_days(s) or 0) >= days]
        governance = [
            s for s in writes if s.get("Condition", {}).get("StringEquals", {}).get("s3:object-lock-mode") == "GOVERNANCE"
        ]
        observed = err or {"Floor": [s.get("Condition") for s in floors], "GovernanceRefused": [s.get("Sid") for s in governance]}
        expected = f"Deny {RETENTION_SETTING_ACTIONS} to * when remaining retention < {days} days, and in GOVERNANCE mode"
        out.append(result("GXP-S3-09", bucket, expected, observed, not err and bool(floors and governance)))
    return out


@iq_check("GXP-S3-06", BUCKET_HOLDERS, regions="workload")
def check_public_access_block(session, config, names) -> list[CheckResult]:
    out = []
    for bucket in _buckets(session, config, names):
        resp, err = call(session.client("s3").get_public_access_block, Bucket=bucket)
        settings = (resp or {}).get("PublicAccessBlockConfiguration", {})
        ok = not err and len(settings) == 4 and all(v is True for v in settings.values())
        out.append(result("GXP-S3-06", bucket, "all four settings true", err or settings, ok))
    return out


@iq_check("GXP-S3-07", BUCKET_HOLDERS, regions="workload")
def check_access_logging(session, config, names) -> list[CheckResult]:
    out = []
    for bucket, target in _logged(session, config, names).items():
        resp, err = call(session.client("s3").get_bucket_logging, Bucket=bucket)
        logging = (resp or {}).get("LoggingEnabled", {})
        ok = not err and logging.get("TargetBucket") == target
        observed = err or logging or "LoggingEnabled absent"
        out.append(result("GXP-S3-07", bucket, f"TargetBucket {target}", observed, ok))
    return out


@iq_check("GXP-S3-08", LOG_ARCHIVE)
def check_bucket_kms(session, config, names) -> list[CheckResult]:
    out = []
    for bucket in _kms_and_logged(names):
        resp, err = call(session.client("s3").get_bucket_encryption, Bucket=bucket)
        rules = (resp or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        defaults = [r.get("ApplyServerSideEncryptionByDefault", {}) for r in rules]
        ok = not err and any(d.get("SSEAlgorithm") == "aws:kms" and d.get("KMSMasterKeyID") for d in defaults)
        out.append(result("GXP-S3-08", bucket, "SSEAlgorithm aws:kms with a customer key", err or defaults, ok))
    return out


# -- Regulated records (regulated accounts, each workload region) -----------------------------------


@iq_check("GXP-REC-01", REGULATED, regions="workload")
def check_record_retention(session, config, names) -> list[CheckResult]:
    account = _this_account(session, config)
    out = []
    for data_class in config.data_classes:
        bucket = names.records_bucket(data_class.name, account.id, session.region_name)
        expected = f"ObjectLockEnabled Enabled, Mode COMPLIANCE, default retention >= {data_class.days} days"
        resp, err = call(session.client("s3").get_object_lock_configuration, Bucket=bucket)
        lock = (resp or {}).get("ObjectLockConfiguration", {})
        default = lock.get("Rule", {}).get("DefaultRetention", {})
        ok = (
            not err
            and lock.get("ObjectLockEnabled") == "Enabled"
            and default.get("Mode") == "COMPLIANCE"
            and _retention_days(default) >= data_class.days
        )
        out.append(result("GXP-REC-01", bucket, expected, err or lock, ok))
    return out


@iq_check("GXP-REC-02", REGULATED, regions="workload")
def check_record_class_key(session, config, names) -> list[CheckResult]:
    """The bucket's default encryption names its own class's key (by alias ARN, as the stack
    sets it, or by the key that alias resolves to), and that key rotates."""
    account = _this_account(session, config)
    kms = session.client("kms")
    out = []
    for data_class in config.data_classes:
        bucket = names.records_bucket(data_class.name, account.id, session.region_name)
        alias = names.records_key_alias(data_class.name)
        alias_arn = names.records_key_alias_arn(data_class.name, account.id, session.region_name)
        expected = f"SSEAlgorithm aws:kms with {alias}; KeyRotationEnabled true"
        meta, err = call(kms.describe_key, KeyId=alias)
        if err:
            out.append(result("GXP-REC-02", bucket, expected, {"key": err}, False))
            continue
        key = meta["KeyMetadata"]
        rotation, rerr = call(kms.get_key_rotation_status, KeyId=key["KeyId"])
        resp, berr = call(session.client("s3").get_bucket_encryption, Bucket=bucket)
        rules = (resp or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
        defaults = [r.get("ApplyServerSideEncryptionByDefault", {}) for r in rules]
        own_key = {alias, alias_arn, key["KeyId"], key["Arn"]}
        encrypted = any(d.get("SSEAlgorithm") == "aws:kms" and d.get("KMSMasterKeyID") in own_key for d in defaults)
        rotates = not rerr and rotation.get("KeyRotationEnabled") is True
        observed = {"encryption": berr or defaults, "KeyRotationEnabled": rerr or rotation.get("KeyRotationEnabled")}
        out.append(result("GXP-REC-02", bucket, expected, observed, not berr and encrypted and rotates))
    return out


# -- Electronic signatures (regulated accounts, each workload region; stacks/signatures.py) ------------
# The user pool and the ledger table have CloudFormation-generated names; IQ finds them by the
# account-role tag every GxpStack puts on its resources.


def _tagged_for(tags: dict, account) -> bool:
    return tags.get("gxp:account-role") == account.role


def _signer_pools(session, config) -> tuple[list[dict], str | None]:
    account = _this_account(session, config)
    cognito = session.client("cognito-idp")
    listed, err = call(cognito.list_user_pools, MaxResults=60)
    if err:
        return [], err
    pools = []
    for summary in listed.get("UserPools", []):
        described, err = call(cognito.describe_user_pool, UserPoolId=summary["Id"])
        if err:
            return [], err
        if _tagged_for(described["UserPool"].get("UserPoolTags", {}), account):
            pools.append(described["UserPool"])
    return pools, None


def _pool_results(session, config, control_id: str, expected: str, judge: Callable) -> list[CheckResult]:
    pools, err = _signer_pools(session, config)
    if err or not pools:
        return [result(control_id, "signer user pool", expected, err or "no user pool tagged gxp:account-role", False)]
    out = []
    for pool in pools:
        observed, ok = judge(pool)
        out.append(result(control_id, pool["Id"], expected, observed, ok))
    return out


@iq_check("GXP-ESIG-01", REGULATED, regions="workload")
def check_signer_mfa(session, config, names) -> list[CheckResult]:
    def judge(pool):
        # A remembered device may stand in for the second factor, so device tracking must be absent.
        observed = {"MfaConfiguration": pool.get("MfaConfiguration"), "DeviceConfiguration": pool.get("DeviceConfiguration")}
        return observed, pool.get("MfaConfiguration") == "ON" and not pool.get("DeviceConfiguration")

    return _pool_results(session, config, "GXP-ESIG-01", "MfaConfiguration ON, no DeviceConfiguration", judge)


@iq_check("GXP-ESIG-02", REGULATED, regions="workload")
def check_signer_admin_create_only(session, config, names) -> list[CheckResult]:
    def judge(pool):
        admin = pool.get("AdminCreateUserConfig", {})
        return _pick(admin, "AllowAdminCreateUserOnly"), admin.get("AllowAdminCreateUserOnly") is True

    return _pool_results(session, config, "GXP-ESIG-02", "AllowAdminCreateUserOnly true", judge)


MIN_PASSWORD_LENGTH = 12  # control_sets/signatures.py, GXP-ESIG-03
MAX_TEMPORARY_PASSWORD_DAYS = 7


@iq_check("GXP-ESIG-03", REGULATED, regions="workload")
def check_signer_password_policy(session, config, names) -> list[CheckResult]:
    def judge(pool):
        policy = pool.get("Policies", {}).get("PasswordPolicy", {})
        ok = (
            (policy.get("MinimumLength") or 0) >= MIN_PASSWORD_LENGTH
            and all(policy.get(k) is True for k in ("RequireUppercase", "RequireLowercase", "RequireNumbers", "RequireSymbols"))
            and 0 < (policy.get("TemporaryPasswordValidityDays") or 0) <= MAX_TEMPORARY_PASSWORD_DAYS
        )
        return policy or "no PasswordPolicy", ok

    expected = (
        f"MinimumLength >= {MIN_PASSWORD_LENGTH}; upper, lower, numbers, symbols required; "
        f"TemporaryPasswordValidityDays <= {MAX_TEMPORARY_PASSWORD_DAYS}"
    )
    return _pool_results(session, config, "GXP-ESIG-03", expected, judge)


def _estate_tables(session, config) -> tuple[list[dict], str | None]:
    account = _this_account(session, config)
    dynamodb = session.client("dynamodb")
    listed, err = call(dynamodb.list_tables)
    if err:
        return [], err
    tables = []
    for name in listed.get("TableNames", []):
        described, err = call(dynamodb.describe_table, TableName=name)
        if err:
            return [], err
        table = described["Table"]
        tags, err = call(dynamodb.list_tags_of_resource, ResourceArn=table["TableArn"])
        if err:
            return [], err
        if _tagged_for({t["Key"]: t["Value"] for t in tags.get("Tags", [])}, account):
            tables.append(table)
    return tables, None


@iq_check("GXP-DDB-01", REGULATED, regions="workload")
def check_table_recoverable(session, config, names) -> list[CheckResult]:
    expected = "PointInTimeRecoveryStatus ENABLED, DeletionProtectionEnabled true"
    tables, err = _estate_tables(session, config)
    if err or not tables:
        return [result("GXP-DDB-01", "signature ledger", expected, err or "no table tagged gxp:account-role", False)]
    out = []
    for table in tables:
        backups, err = call(session.client("dynamodb").describe_continuous_backups, TableName=table["TableName"])
        pitr = (backups or {}).get("ContinuousBackupsDescription", {}).get("PointInTimeRecoveryDescription", {})
        observed = {"PointInTimeRecoveryStatus": err or pitr.get("PointInTimeRecoveryStatus"),
                    "DeletionProtectionEnabled": table.get("DeletionProtectionEnabled")}
        ok = not err and pitr.get("PointInTimeRecoveryStatus") == "ENABLED" and table.get("DeletionProtectionEnabled") is True
        out.append(result("GXP-DDB-01", table["TableName"], expected, observed, ok))
    return out


@iq_check("GXP-DDB-02", REGULATED, regions="workload")
def check_table_kms(session, config, names) -> list[CheckResult]:
    expected = "SSEType KMS, Status ENABLED, with a customer-managed key"
    tables, err = _estate_tables(session, config)
    if err or not tables:
        return [result("GXP-DDB-02", "signature ledger", expected, err or "no table tagged gxp:account-role", False)]
    out = []
    for table in tables:
        sse = table.get("SSEDescription", {})
        key_arn = sse.get("KMSMasterKeyArn")
        # Without a KMSMasterKeyArn the table uses the AWS owned key; an AWS managed key reports KeyManager AWS.
        meta, kerr = call(session.client("kms").describe_key, KeyId=key_arn) if key_arn else (None, "no KMSMasterKeyArn")
        manager = (meta or {}).get("KeyMetadata", {}).get("KeyManager")
        observed = {**_pick(sse, "SSEType", "Status", "KMSMasterKeyArn"), "KeyManager": kerr or manager}
        ok = sse.get("SSEType") == "KMS" and sse.get("Status") == "ENABLED" and manager == "CUSTOMER"
        out.append(result("GXP-DDB-02", table["TableName"], expected, observed, ok))
    return out


# -- Discovery compute (workload accounts, each workload region; stacks/compute.py) ---------------------
# The workload VPC is found by the account-role tag every GxpStack puts on its resources, so a
# default VPC (untagged, not part of the estate) is not mistaken for it.

WORKLOADS = {AccountKind.REGULATED, AccountKind.RESEARCH}


def _workload_vpcs(session, config) -> tuple[list[str], str | None]:
    account = _this_account(session, config)
    resp, err = call(
        session.client("ec2").describe_vpcs, Filters=[{"Name": "tag:gxp:account-role", "Values": [account.role]}]
    )
    return [v["VpcId"] for v in (resp or {}).get("Vpcs", [])], err


def _runs_compute(session, config) -> bool:
    return config.compute_settings(_this_account(session, config)).enabled


@iq_check("GXP-NET-01", WORKLOADS, regions="workload")
def check_flow_logs(session, config, names) -> list[CheckResult]:
    if not _runs_compute(session, config):
        return []
    expected = "a flow log with TrafficType ALL, FlowLogStatus ACTIVE"
    vpcs, err = _workload_vpcs(session, config)
    if err or not vpcs:
        return [result("GXP-NET-01", "workload VPC", expected, err or "no VPC tagged gxp:account-role", False)]
    out = []
    for vpc in vpcs:
        resp, err = call(session.client("ec2").describe_flow_logs, Filters=[{"Name": "resource-id", "Values": [vpc]}])
        flows = [
            _pick(f, "TrafficType", "FlowLogStatus", "DeliverLogsStatus", "LogDestinationType")
            for f in (resp or {}).get("FlowLogs", [])
        ]
        ok = not err and any(f["TrafficType"] == "ALL" and f["FlowLogStatus"] == "ACTIVE" for f in flows)
        out.append(result("GXP-NET-01", vpc, expected, err or flows or "no flow log", ok))
    return out


@iq_check("GXP-NET-02", REGULATED, regions="workload")
def check_no_internet_path(session, config, names) -> list[CheckResult]:
    if not _runs_compute(session, config):
        return []
    expected = "no internet gateway, egress-only internet gateway or NAT gateway"
    vpcs, err = _workload_vpcs(session, config)
    if err or not vpcs:
        return [result("GXP-NET-02", "workload VPC", expected, err or "no VPC tagged gxp:account-role", False)]
    ec2 = session.client("ec2")
    out = []
    for vpc in vpcs:
        igw, e1 = call(ec2.describe_internet_gateways, Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])
        eigw, e2 = call(ec2.describe_egress_only_internet_gateways)
        nat, e3 = call(ec2.describe_nat_gateways, Filters=[{"Name": "vpc-id", "Values": [vpc]}])
        observed = {
            "InternetGateways": [g["InternetGatewayId"] for g in (igw or {}).get("InternetGateways", [])],
            # describe_egress_only_internet_gateways has no VPC filter; match the attachment here.
            "EgressOnlyInternetGateways": [
                g["EgressOnlyInternetGatewayId"]
                for g in (eigw or {}).get("EgressOnlyInternetGateways", [])
                if any(a.get("VpcId") == vpc for a in g.get("Attachments", []))
            ],
            "NatGateways": [
                g["NatGatewayId"] for g in (nat or {}).get("NatGateways", []) if g.get("State") not in ("deleted", "deleting")
            ],
        }
        errors = [e for e in (e1, e2, e3) if e]
        ok = not errors and not any(observed.values())
        out.append(result("GXP-NET-02", vpc, expected, errors or observed, ok))
    return out


def _retry_rules(strategy: dict) -> list[tuple]:
    return [(e.get("action", "").upper(), e.get("onStatusReason"), e.get("onReason")) for e in strategy.get("evaluateOnExit", [])]


@iq_check("GXP-BATCH-01", WORKLOADS, regions="workload")
def check_batch_spot_and_retries(session, config, names) -> list[CheckResult]:
    """Spot environments use SPOT_PRICE_CAPACITY_OPTIMIZED (deepest pools, fewest reclaims) and every
    active job definition retries exactly the Spot-reclaim and start-up reasons, then EXITs."""
    if not _runs_compute(session, config):
        return []
    wanted = [("RETRY", reason, None) for reason in RETRY_ON_STATUS_REASONS] + [("EXIT", None, "*")]
    batch = session.client("batch")
    out = []
    envs, err = call(batch.describe_compute_environments)
    spot = [e for e in (envs or {}).get("computeEnvironments", []) if e.get("computeResources", {}).get("type") == "SPOT"]
    if err or not spot:
        out.append(result("GXP-BATCH-01", "Spot compute environments", "at least one", err or "none", False))
    for env in spot:
        strategy = env["computeResources"].get("allocationStrategy")
        out.append(result("GXP-BATCH-01", env["computeEnvironmentName"], "allocationStrategy SPOT_PRICE_CAPACITY_OPTIMIZED",
                          {"allocationStrategy": strategy}, strategy == "SPOT_PRICE_CAPACITY_OPTIMIZED"))
    defs, err = call(batch.describe_job_definitions, status="ACTIVE")
    job_definitions = (defs or {}).get("jobDefinitions", [])
    if err or not job_definitions:
        out.append(result("GXP-BATCH-01", "job definitions", "at least one ACTIVE", err or "none", False))
    expected = f"attempts {RETRY_ATTEMPTS}; RETRY on {list(RETRY_ON_STATUS_REASONS)}, then EXIT on *"
    for jd in job_definitions:
        strategy = jd.get("retryStrategy", {})
        ok = strategy.get("attempts") == RETRY_ATTEMPTS and _retry_rules(strategy) == wanted
        out.append(result("GXP-BATCH-01", f"{jd['jobDefinitionName']}:{jd.get('revision')}", expected, strategy or "no retryStrategy", ok))
    return out


# -- AWS Config (every account, every allowed region) -----------------------------------------------


@iq_check("GXP-CFG-01", ALL_KINDS, regions="all")
def check_recorder(session, config, names) -> list[CheckResult]:
    client = session.client("config")
    # Global resource types are recorded once, in the home region (stacks/baseline.py).
    home = session.region_name == config.home_region
    expected = f"allSupported true, includeGlobalResourceTypes {str(home).lower()}, recording true"
    recorders, err = call(client.describe_configuration_recorders, ConfigurationRecorderNames=[CONFIG_RECORDER_NAME])
    if err:
        return [result("GXP-CFG-01", CONFIG_RECORDER_NAME, expected, err, False)]
    group = recorders["ConfigurationRecorders"][0].get("recordingGroup", {})
    status, err = call(client.describe_configuration_recorder_status, ConfigurationRecorderNames=[CONFIG_RECORDER_NAME])
    recording = status["ConfigurationRecordersStatus"][0].get("recording") if status else err
    observed = {**_pick(group, "allSupported", "includeGlobalResourceTypes"), "recording": recording}
    ok = group.get("allSupported") is True and group.get("includeGlobalResourceTypes") is home and recording is True
    return [result("GXP-CFG-01", CONFIG_RECORDER_NAME, expected, observed, ok)]


@iq_check("GXP-CFG-04", ALL_KINDS, regions="all")
def check_delivery_channel(session, config, names) -> list[CheckResult]:
    expected = f"s3BucketName {names.config_bucket}, s3KmsKeyArn {names.log_archive_key_arn}"
    resp, err = call(session.client("config").describe_delivery_channels)
    channels = (resp or {}).get("DeliveryChannels", [])
    if err or not channels:
        return [result("GXP-CFG-04", "delivery channel", expected, err or "no delivery channel", False)]
    channel = channels[0]
    observed = _pick(channel, "name", "s3BucketName", "s3KmsKeyArn")
    ok = channel.get("s3BucketName") == names.config_bucket and channel.get("s3KmsKeyArn") == names.log_archive_key_arn
    return [result("GXP-CFG-04", channel.get("name", "delivery channel"), expected, observed, ok)]


# -- Service control policies (management account; Organizations answers from us-east-1) ------------


def _normalise(value):
    """Order-insensitive form of a policy statement, so a re-serialised policy still compares equal."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_normalise(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def _statement_matches(found: dict, wanted: dict) -> bool:
    def canon(s: dict) -> dict:
        # IAM accepts a single action or resource as a bare string; compare as lists.
        return _normalise({k: _as_list(v) if k in ("Action", "NotAction", "Resource") else v for k, v in s.items()})

    return canon(found) == canon(wanted)


def _scp(session, control_id: str, policy_name: str, wanted: list[dict], target_ok: Callable) -> list[CheckResult]:
    org = session.client("organizations", region_name="us-east-1")
    expected = f"{policy_name} holds {[s['Sid'] for s in wanted]} unchanged and is attached"
    listed, err = call(org.list_policies, Filter="SERVICE_CONTROL_POLICY")
    policy = next((p for p in (listed or {}).get("Policies", []) if p["Name"] == policy_name), None)
    if err or policy is None:
        return [result(control_id, policy_name, expected, err or "policy not found", False)]
    described, err = call(org.describe_policy, PolicyId=policy["Id"])
    targets, terr = call(org.list_targets_for_policy, PolicyId=policy["Id"])
    if err or terr:
        return [result(control_id, policy_name, expected, err or terr, False)]
    statements = _as_list(json.loads(described["Policy"]["Content"]).get("Statement", []))
    missing = [w["Sid"] for w in wanted if not any(_statement_matches(s, w) for s in statements)]
    target_list = targets.get("Targets", [])
    attached = target_ok(target_list)
    observed = {"missing_or_changed": missing, "targets": [t.get("Name") or t["TargetId"] for t in target_list]}
    return [result(control_id, policy["Id"], expected, observed, not missing and attached)]


def _on_root(config) -> Callable:
    return lambda targets: any(t["TargetId"] == config.organization.root_id for t in targets)


def _audit_substrate_statement(names, sid: str) -> list[dict]:
    doc = guardrails.protect_audit_substrate([names.trail_bucket, names.config_bucket, names.access_log_bucket])
    return [s for s in doc["Statement"] if s["Sid"] == sid]


MANAGEMENT = {AccountKind.MANAGEMENT}


@iq_check("GXP-SCP-01", MANAGEMENT)
def check_scp_audit_tampering(session, config, names) -> list[CheckResult]:
    wanted = _audit_substrate_statement(names, "DenyAuditTrailTampering")
    return _scp(session, "GXP-SCP-01", SCP_PROTECT_AUDIT_SUBSTRATE, wanted, _on_root(config))


@iq_check("GXP-SCP-02", MANAGEMENT)
def check_scp_log_archive_tampering(session, config, names) -> list[CheckResult]:
    wanted = _audit_substrate_statement(names, "DenyLogArchiveTampering")
    return _scp(session, "GXP-SCP-02", SCP_PROTECT_AUDIT_SUBSTRATE, wanted, _on_root(config))


@iq_check("GXP-SCP-03", MANAGEMENT)
def check_scp_regulated_keys(session, config, names) -> list[CheckResult]:
    wanted = guardrails.protect_regulated_keys()["Statement"]

    def on_regulated_ou(targets: list[dict]) -> bool:
        return any(t.get("Type") == "ORGANIZATIONAL_UNIT" and t.get("Name") == REGULATED_OU for t in targets)

    return _scp(session, "GXP-SCP-03", SCP_PROTECT_REGULATED_KEYS, wanted, on_regulated_ou)


@iq_check("GXP-SCP-04", MANAGEMENT)
def check_scp_root_and_leaving(session, config, names) -> list[CheckResult]:
    wanted = guardrails.deny_root_and_leaving()["Statement"]
    return _scp(session, "GXP-SCP-04", SCP_DENY_ROOT_AND_LEAVING, wanted, _on_root(config))


@iq_check("GXP-SCP-05", MANAGEMENT)
def check_scp_allowed_regions(session, config, names) -> list[CheckResult]:
    wanted = guardrails.deny_outside_regions(config.allowed_regions)["Statement"]
    return _scp(session, "GXP-SCP-05", SCP_ALLOWED_REGIONS, wanted, _on_root(config))


@iq_check("GXP-SCP-06", MANAGEMENT)
def check_scp_residency(session, config, names) -> list[CheckResult]:
    """Per regulated account: its jurisdiction's residency SCP is attached to it, unchanged."""
    org = session.client("organizations", region_name="us-east-1")
    out = []
    for account in config.regulated_accounts:
        name = scp_residency(account.jurisdiction)
        inside = [r for r in config.allowed_regions if REGION_JURISDICTION[r] == account.jurisdiction]
        wanted = guardrails.keep_data_in_jurisdiction(inside)["Statement"]
        expected = f"{name} attached, holding {[w['Sid'] for w in wanted]} for {inside}"
        attached, err = call(org.list_policies_for_target, TargetId=account.id, Filter="SERVICE_CONTROL_POLICY")
        policy = next((p for p in (attached or {}).get("Policies", []) if p["Name"] == name), None)
        if err or policy is None:
            observed = err or {"attached": [p["Name"] for p in attached.get("Policies", [])]}
            out.append(result("GXP-SCP-06", account.id, expected, observed, False))
            continue
        described, err = call(org.describe_policy, PolicyId=policy["Id"])
        found = _as_list(json.loads(described["Policy"]["Content"]).get("Statement", [])) if described else []
        missing = [w["Sid"] for w in wanted if not any(_statement_matches(f, w) for f in found)]
        observed = err or {"policy": policy["Id"], "missing_or_changed": missing}
        out.append(result("GXP-SCP-06", account.id, expected, observed, not err and not missing))
    return out


# The other areas' checks register themselves into IQ_CHECKS on import; importing them here means
# every reader of IQ_CHECKS (runner, validation package) sees the whole set.
from . import compute_services, governance, records_service  # noqa: E402,F401

from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ...constructs.gxp_bucket import RETENTION_SETTING_ACTIONS
from ...constructs.tags import RETENTION_CLASS_TAG
from ._read import as_list, bucket_policy_statements, principal_is_anyone, prop, tag
from .context import RuleContext

MUST_BE_DENIED_TO_ALL = {"s3:DeleteObjectVersion", "s3:DeleteBucket"}


def _required_lock_days(node, ctx: RuleContext) -> int | None:
    name = prop(node, "bucket_name")
    if name in ctx.lock_days_by_bucket:
        return ctx.lock_days_by_bucket[name]
    if isinstance(name, str) and name.startswith(ctx.records_bucket_prefix):
        # A records bucket with no known class is a defect, not an exemption.
        return ctx.lock_days_by_class.get(tag(node, RETENTION_CLASS_TAG), -1)
    return ctx.lock_days_by_class.get(tag(node, RETENTION_CLASS_TAG))


def _default_retention(node) -> dict:
    lock = prop(node, "object_lock_configuration") or {}
    return (lock.get("rule") or {}).get("defaultRetention") or {}


def object_lock_compliance_mode(node, ctx: RuleContext):
    if _required_lock_days(node, ctx) is None:
        return C.NOT_APPLICABLE
    lock = prop(node, "object_lock_configuration") or {}
    enabled = prop(node, "object_lock_enabled") or lock.get("objectLockEnabled") == "Enabled"
    return C.COMPLIANT if enabled and _default_retention(node).get("mode") == "COMPLIANCE" else C.NON_COMPLIANT


def object_lock_retention_meets_class(node, ctx: RuleContext):
    required = _required_lock_days(node, ctx)
    if required is None:
        return C.NOT_APPLICABLE
    retention = _default_retention(node)
    days = retention.get("days") or (retention.get("years") or 0) * 365
    return C.COMPLIANT if required > 0 and days >= required else C.NON_COMPLIANT


def _denies_retention_writes(statement: dict) -> bool:
    actions = set(as_list(statement.get("Action")))
    return (
        statement.get("Effect") == "Deny"
        and principal_is_anyone(statement)
        and ("s3:*" in actions or set(RETENTION_SETTING_ACTIONS) <= actions)
    )


def retention_floor_on_write(node, ctx: RuleContext):
    """A writer cannot ask for less than the class retention, or for GOVERNANCE mode, on upload."""
    required = _required_lock_days(node, ctx)
    if required is None:
        return C.NOT_APPLICABLE
    floor_enforced = governance_refused = False
    for statement in bucket_policy_statements(node):
        if not _denies_retention_writes(statement):
            continue
        condition = statement.get("Condition") or {}
        floor = (condition.get("NumericLessThan") or {}).get("s3:object-lock-remaining-retention-days")
        if floor is not None and str(floor).isdigit() and int(floor) >= required > 0:
            floor_enforced = True
        if (condition.get("StringEquals") or {}).get("s3:object-lock-mode") == "GOVERNANCE":
            governance_refused = True
    return C.COMPLIANT if floor_enforced and governance_refused else C.NON_COMPLIANT


def versioning_enabled(node, ctx: RuleContext):
    versioning = prop(node, "versioning_configuration") or {}
    return C.COMPLIANT if versioning.get("status") == "Enabled" else C.NON_COMPLIANT


def tls_only(node, ctx: RuleContext):
    for statement in bucket_policy_statements(node):
        condition = statement.get("Condition") or {}
        secure = (condition.get("Bool") or {}).get("aws:SecureTransport")
        if (
            statement.get("Effect") == "Deny"
            and principal_is_anyone(statement)
            and str(secure).lower() == "false"
            and set(as_list(statement.get("Action"))) & {"s3:*"}
        ):
            return C.COMPLIANT
    return C.NON_COMPLIANT


def destruction_denied(node, ctx: RuleContext):
    denied: set[str] = set()
    for statement in bucket_policy_statements(node):
        if statement.get("Effect") == "Deny" and principal_is_anyone(statement) and not statement.get("Condition"):
            denied |= set(as_list(statement.get("Action")))
    if "s3:*" in denied or MUST_BE_DENIED_TO_ALL <= denied:
        return C.COMPLIANT
    return C.NON_COMPLIANT


def public_access_blocked(node, ctx: RuleContext):
    block = prop(node, "public_access_block_configuration") or {}
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    return C.COMPLIANT if all(block.get(f) is True for f in flags) else C.NON_COMPLIANT


def access_logging_enabled(node, ctx: RuleContext):
    if tag(node, RETENTION_CLASS_TAG) == "access-log":
        return C.NOT_APPLICABLE  # the destination of access logs cannot log to itself
    logging = prop(node, "logging_configuration") or {}
    return C.COMPLIANT if logging.get("destinationBucketName") else C.NON_COMPLIANT


def kms_encrypted(node, ctx: RuleContext):
    encryption = prop(node, "bucket_encryption") or {}
    for rule in encryption.get("serverSideEncryptionConfiguration") or []:
        default = rule.get("serverSideEncryptionByDefault") or {}
        if default.get("sseAlgorithm") in ("aws:kms", "aws:kms:dsse") and default.get("kmsMasterKeyId"):
            return C.COMPLIANT
    return C.NON_COMPLIANT

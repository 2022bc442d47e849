from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import prop, siblings, stack_region
from .context import RuleContext

# Drift rules every recorder must be accompanied by (the validated baseline).
REQUIRED_REGIONAL_RULES = {
    "CLOUD_TRAIL_ENABLED",
    "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
    "CMK_BACKING_KEY_ROTATION_ENABLED",
    "S3_BUCKET_VERSIONING_ENABLED",
    "S3_BUCKET_SSL_REQUESTS_ONLY",
    "S3_DEFAULT_ENCRYPTION_KMS",
}
REQUIRED_HOME_REGION_RULES = {"ROOT_ACCOUNT_MFA_ENABLED", "IAM_PASSWORD_POLICY"}


def records_all_resources(node, ctx: RuleContext):
    group = prop(node, "recording_group") or {}
    home = stack_region(node) == ctx.home_region
    if group.get("allSupported") is True and bool(group.get("includeGlobalResourceTypes")) == home:
        return C.COMPLIANT
    return C.NON_COMPLIANT


def baseline_rules_deployed(node, ctx: RuleContext):
    deployed = {
        (prop(rule, "source") or {}).get("sourceIdentifier") for rule in siblings(node, "AWS::Config::ConfigRule")
    }
    required = set(REQUIRED_REGIONAL_RULES)
    if stack_region(node) == ctx.home_region:
        required |= REQUIRED_HOME_REGION_RULES
    return C.COMPLIANT if required <= deployed else C.NON_COMPLIANT


def compliance_changes_forwarded(node, ctx: RuleContext):
    for rule in siblings(node, "AWS::Events::Rule"):
        pattern = prop(rule, "event_pattern") or {}
        targets = prop(rule, "targets") or []
        if (
            prop(rule, "state") != "DISABLED"
            and "aws.config" in (pattern.get("source") or [])
            and any(t.get("arn") == ctx.audit_bus_arn for t in targets)
        ):
            return C.COMPLIANT
    return C.NON_COMPLIANT


def delivered_to_log_archive(node, ctx: RuleContext):
    ok = prop(node, "s3_bucket_name") == ctx.config_bucket and prop(node, "s3_kms_key_arn")
    return C.COMPLIANT if ok else C.NON_COMPLIANT


def aggregates_organization(node, ctx: RuleContext):
    source = prop(node, "organization_aggregation_source") or {}
    return C.COMPLIANT if source.get("allAwsRegions") is True else C.NON_COMPLIANT

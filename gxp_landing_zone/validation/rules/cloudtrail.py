from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import prop
from .context import RuleContext


def organization_wide(node, ctx: RuleContext):
    wanted = ("is_logging", "is_multi_region_trail", "include_global_service_events", "is_organization_trail")
    return C.COMPLIANT if all(prop(node, p) is True for p in wanted) else C.NON_COMPLIANT


def log_file_validation(node, ctx: RuleContext):
    return C.COMPLIANT if prop(node, "enable_log_file_validation") is True else C.NON_COMPLIANT


def kms_encrypted(node, ctx: RuleContext):
    return C.COMPLIANT if prop(node, "kms_key_id") else C.NON_COMPLIANT


def cloudwatch_delivery(node, ctx: RuleContext):
    ok = prop(node, "cloud_watch_logs_log_group_arn") and prop(node, "cloud_watch_logs_role_arn")
    return C.COMPLIANT if ok else C.NON_COMPLIANT


def records_data_events(node, ctx: RuleContext):
    """Reads and writes of every regulated record bucket are logged as data events."""
    for selector in prop(node, "advanced_event_selectors") or []:
        fields = {f.get("field"): f for f in selector.get("fieldSelectors") or []}
        category = _equals(fields.get("eventCategory"))
        types = _equals(fields.get("resources.type"))
        arn = fields.get("resources.ARN")
        read_only = fields.get("readOnly")
        covers_records = arn is None or any(
            ctx.records_bucket_prefix.startswith(p.removeprefix("arn:aws:s3:::"))
            for p in arn.get("startsWith") or []
        )
        if "Data" in category and "AWS::S3::Object" in types and covers_records and read_only is None:
            return C.COMPLIANT
    for selector in prop(node, "event_selectors") or []:
        for resource in selector.get("dataResources") or []:
            values = resource.get("values") or []
            if resource.get("type") == "AWS::S3::Object" and selector.get("readWriteType", "All") == "All" and (
                "arn:aws:s3" in values or any(ctx.records_bucket_prefix in v for v in values)
            ):
                return C.COMPLIANT
    return C.NON_COMPLIANT


def _equals(selector: dict | None) -> list:
    # jsii names the CloudFormation "Equals" field "equalTo".
    return (selector or {}).get("equalTo") or (selector or {}).get("equals") or []

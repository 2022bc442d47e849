"""GXP-LOG-01: log groups are KMS-encrypted and kept at least as long as the config requires."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, all_of, cannot_prove, cfn_int, compliant, expect_present, non_compliant
from ._log_groups import ESTATE_LOG_GROUPS


def _retained(group, ctx):
    days = cfn_int(group.get("RetentionInDays"))
    if isinstance(days, Unresolved):
        return cannot_prove(f"RetentionInDays: {days.why}")
    if days is None:
        return compliant("RetentionInDays is not set: events never expire")
    if ctx.min_log_retention_days is None:
        return cannot_prove("no config: the required log retention is not known")
    if days < ctx.min_log_retention_days:
        return non_compliant(f"RetentionInDays is {days}; required at least {ctx.min_log_retention_days}")
    return compliant(f"RetentionInDays is {days}")


def check(group, ctx):
    # CloudWatch Logs accepts only a customer-managed key, so any key named here is one.
    return all_of(expect_present(group.get("KmsKeyId"), "KmsKeyId"), _retained(group, ctx))


CONTROL = Control(
    id="GXP-LOG-01",
    title="Log groups encrypted and retained",
    statement=(
        "CloudWatch log groups (the trail's copy, service and function logs, flow logs) are encrypted with a "
        "customer-managed KMS key and kept at least audit_log.cloudwatch_retention_days, or never expire."
    ),
    part11={
        "11.10(e)": "Audit evidence in CloudWatch Logs is kept secure and is not expired before the period the config sets.",
    },
    annex11={
        "7.1": "Logged data is secured electronically and stays accessible through its retention period.",
    },
    jp_eres={"3.1.3": "Preservation: logs are kept for the configured retention period."},
    resource_types=("AWS::Logs::LogGroup",),
    check=check,
    deployed=ESTATE_LOG_GROUPS,
    config_rule="CLOUDWATCH_LOG_GROUP_ENCRYPTED",
)

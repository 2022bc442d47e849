"""GXP-TRAIL-04: the trail streams to its CloudWatch Logs group for review."""

from __future__ import annotations

import re

from ..cfn import Joined, Ref, Unresolved, partition_of
from ..model import Control, all_of, cannot_prove, compliant, expect_present, non_compliant, show
from ._log_groups import trail_log_group
from ._trail import ORGANIZATION_TRAIL


def _log_group(trail, ctx):
    arn = trail.get("CloudWatchLogsLogGroupArn")
    what = "CloudWatchLogsLogGroupArn"
    if isinstance(arn, Unresolved):
        return cannot_prove(f"{what}: {arn.why}")
    if arn in (None, ""):
        return non_compliant(f"{what} is not set: the trail is not streamed to CloudWatch Logs")
    groups = [r for r in ([arn] if isinstance(arn, Ref) else arn.refs if isinstance(arn, Joined) else [])
              if trail.stack.target(r, "AWS::Logs::LogGroup") is not None]
    if groups:
        # A group of this template: GXP-LOG-01 judges its encryption and retention.
        return compliant(f"{what} is the log group {groups[0].logical_id} of this template")
    if not isinstance(arn, str):
        return non_compliant(f"{what} is {show(arn)}, not a log group")
    if ctx.config is None:
        return cannot_prove("no config: the trail's log group is not known")
    region = trail.region or ctx.home_region
    # The IQ judges the trail's group by this name (GXP-LOG-01), so the trail must stream to it.
    wanted = f"arn:{partition_of(region)}:logs:{region}:{ctx.config.management.id}:log-group:{trail_log_group(ctx.names)}"
    if re.fullmatch(re.escape(wanted) + r"(:\*)?", arn):
        return compliant(f"{what} is {arn}")
    return non_compliant(f"{what} is {arn}; required {wanted}")


def check(trail, ctx):
    return all_of(_log_group(trail, ctx), expect_present(trail.get("CloudWatchLogsRoleArn"), "CloudWatchLogsRoleArn"))


CONTROL = Control(
    id="GXP-TRAIL-04",
    title="Audit trail available for review",
    statement=(
        "The trail streams, through a delivery role, to the estate's CloudWatch Logs group, which is encrypted "
        "and retained (GXP-LOG-01), so audit events can be searched and reviewed as they happen."
    ),
    part11={
        "11.10(e)": "The audit trail is available for review within minutes of each event, not only as files in the archive.",
    },
    annex11={"9": "The audit trail is available and intelligible for regular review, searchable by operator, resource and time."},
    jp_eres={"3.1.2": "Readability: audit events can be displayed promptly in human-readable form when needed."},
    resource_types=("AWS::CloudTrail::Trail",),
    check=check,
    deployed=ORGANIZATION_TRAIL,
    config_rule="CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED",
)

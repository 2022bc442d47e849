"""Where the log groups the estate names are, and where the IQ finds them."""

from __future__ import annotations

from ...topology import runs_compute, runs_genai
from ..deployed.logs import log_groups
from ..model import ALL_KINDS, DEPLOYMENT, MANAGEMENT, REGULATED, DeployedCheck

# Every stack tags its resources with the account role; log groups with generated names (Lambda,
# API access logs) are found by it.
ROLE_TAG = "gxp:account-role"
BATCH_JOB_LOG_GROUP = "/gxp/batch/jobs"


def trail_log_group(names) -> str:
    """The group the organization trail streams to (management account, home region)."""
    return f"/gxp/cloudtrail/{names.trail_name}"


def named_log_groups(reader) -> list[str]:
    named = []
    if reader.kind == MANAGEMENT:
        named.append(trail_log_group(reader.names))
    if reader.kind == REGULATED or (reader.kind == DEPLOYMENT and reader.region == reader.config.home_region):
        # The signature service's firewall log; the deployment account's is the release signature service's.
        named.append(f"aws-waf-logs-gxp-esignatures-{reader.region}")
    if runs_compute(reader.config, reader.account):
        named.append(BATCH_JOB_LOG_GROUP)
    if runs_genai(reader.config, reader.account):
        named.append(reader.names.genai_invocation_log_group())
    return named


ESTATE_LOG_GROUPS = DeployedCheck(
    read=lambda reader: log_groups(reader, named_log_groups(reader), (ROLE_TAG, reader.account.role)),
    accounts=ALL_KINDS,
    regions="workload",
)

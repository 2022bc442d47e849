"""What the key controls share: where the IQ finds the estate's keys, and whether a key reference
names the log-archive key (which the trail and AWS Config deliveries must use)."""

from __future__ import annotations

from ...naming import PIPELINE_ARTIFACT_KEY_ALIAS, TRAIL_LOGS_KEY_ALIAS
from ...topology import runs_compute, runs_genai
from ..cfn import Joined, Ref, Unresolved, partition_of
from ..deployed.kms import keys as read_keys
from ..model import (
    ALL_KINDS, AUDIT, DEPLOYMENT, LOG_ARCHIVE, MANAGEMENT, REGULATED, DeployedCheck, cannot_prove, compliant, non_compliant, show,
)

# Every key the estate makes carries an alias under this prefix.
ESTATE_KEY_PREFIX = "alias/gxp/"
AUDIT_ALERTS_KEY_ALIAS = "alias/gxp/audit-alerts"


def expected_aliases(reader) -> list[str]:
    """The aliases of the keys the stacks create in this account and (workload) region."""
    names, config, account = reader.names, reader.config, reader.account
    aliases = {
        LOG_ARCHIVE: [names.log_archive_key_alias, names.backup_key_alias],
        MANAGEMENT: [TRAIL_LOGS_KEY_ALIAS],
        AUDIT: [AUDIT_ALERTS_KEY_ALIAS],
        REGULATED: [names.records_key_alias(c.name) for c in config.data_classes]
        + [names.signature_key_alias(), names.signature_seal_key_alias(), names.backup_key_alias]
        # The records functions' logs (intake check, export), the exports and the export's manifest signatures.
        + [names.records_function_key_alias, names.RECORD_EXPORT_KEY_ALIAS, names.RECORD_EXPORT_SIGNING_KEY_ALIAS],
        # The pipeline's artifacts and the release signature service, in the home region only.
        DEPLOYMENT: [PIPELINE_ARTIFACT_KEY_ALIAS, names.signature_key_alias(), names.signature_seal_key_alias()]
        if reader.region == config.home_region else [],
    }.get(reader.kind, [])
    if runs_compute(config, account):
        aliases.append(names.compute_key_alias)
    if runs_genai(config, account):
        aliases.append(names.genai_key_alias())
    return aliases


ESTATE_KEYS = DeployedCheck(
    read=lambda reader: read_keys(reader, expected_aliases(reader), ESTATE_KEY_PREFIX),
    accounts=ALL_KINDS,
    regions="workload",
)


def _is_log_archive_key_here(value: Ref, resource, ctx) -> bool:
    """A key of this very template, when the template deploys to the log-archive account's home region
    and gives the key the log-archive alias."""
    stack = resource.stack
    if stack.account != ctx.config.log_archive.id or stack.region != ctx.home_region:
        return False
    return any(
        alias.get("AliasName") == ctx.names.log_archive_key_alias
        and alias.get("TargetKeyId") in (Ref(value.logical_id), Ref(value.logical_id, "Arn"))
        for alias in stack.of_type("AWS::KMS::Alias")
    )


def names_log_archive_key(value, resource, ctx, what: str):
    """``value`` names the log-archive account's key in the home region: by its alias ARN, or by a key
    ARN in that account and region (CloudTrail and Config may report the key ARN they resolved)."""
    if isinstance(value, Unresolved):
        return cannot_prove(f"{what}: {value.why}")
    if value in (None, ""):
        return non_compliant(f"{what} is not set")
    if ctx.config is None:
        return cannot_prove("no config: the log-archive account and home region are not known")
    prefix = f"arn:{partition_of(ctx.home_region)}:kms:{ctx.home_region}:{ctx.config.log_archive.id}:"
    wanted = prefix + ctx.names.log_archive_key_alias
    if isinstance(value, Ref) and _is_log_archive_key_here(value, resource, ctx):
        return compliant(f"{what} is the log-archive key {value}")
    if isinstance(value, Joined) and isinstance(value.parts[0], str) and value.parts[0].startswith(prefix + "key/"):
        return compliant(f"{what} is {value}, a key of the log-archive account in {ctx.home_region}")
    if isinstance(value, str) and (value == wanted or (value.startswith(prefix + "key/") and len(value) > len(prefix) + 4)):
        return compliant(f"{what} is {value}")
    return non_compliant(f"{what} is {show(value)}; required the log-archive key {wanted} (or its key ARN)")

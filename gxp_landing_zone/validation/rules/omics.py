"""HealthOmics stores and run groups."""

from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import prop
from .context import RuleContext

LIMITS = ("max_cpus", "max_runs", "max_duration")


def store_encrypted_with_cmk(node, ctx: RuleContext):
    """Sequence and reference stores use a customer-managed key, not the AWS-owned default."""
    sse = prop(node, "sse_config") or {}
    return C.COMPLIANT if sse.get("type") == "KMS" and sse.get("keyArn") else C.NON_COMPLIANT


def run_group_limited(node, ctx: RuleContext):
    """A run group sets CPU, concurrent-run and duration ceilings: runs cannot grow without bound."""
    return C.COMPLIANT if all((prop(node, name) or 0) > 0 for name in LIMITS) else C.NON_COMPLIANT

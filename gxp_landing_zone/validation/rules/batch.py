"""AWS Batch job definitions: a Spot reclaim is retried, the job's own failure is not."""

from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ._read import prop
from .context import RuleContext

SPOT_RECLAIM = "Host EC2"


def _is_catch_all(rule: dict) -> bool:
    return any(rule.get(key) == "*" for key in ("onReason", "onStatusReason", "onExitCode"))


def spot_retry_strategy(node, ctx: RuleContext):
    """Retries on a Spot reclaim (status reason "Host EC2*"), and ends with a catch-all EXIT so
    any other failure stops instead of being retried into a different result."""
    strategy = prop(node, "retry_strategy") or {}
    rules = strategy.get("evaluateOnExit") or []
    if (strategy.get("attempts") or 1) < 2 or not rules:
        return C.NON_COMPLIANT
    retries_reclaim = any(
        r.get("action", "").upper() == "RETRY" and str(r.get("onStatusReason", "")).startswith(SPOT_RECLAIM)
        for r in rules[:-1]
    )
    last = rules[-1]
    ends_in_exit = last.get("action", "").upper() == "EXIT" and _is_catch_all(last)
    return C.COMPLIANT if retries_reclaim and ends_in_exit else C.NON_COMPLIANT

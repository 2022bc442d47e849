"""GXP-BATCH-01: a Spot reclaim is retried; a job's own failure is not."""

from __future__ import annotations

from ..cfn import Unresolved, contains_unresolved
from ..deployed.batch import job_definitions
from ..model import Control, DeployedCheck, cannot_prove, cfn_int, compliant, non_compliant
from ._helpers import WORKLOADS, when_compute_runs

# Status reasons Batch gives when the infrastructure failed, not the job: a Spot reclaim ("Host EC2
# (instance i-...) terminated."), or an image that could not be pulled or started. Only these may be
# retried; any other failure is the computation's own and must stand, not be re-run into another result.
INFRASTRUCTURE_REASONS = ("Host EC2", "CannotPullContainerError", "CannotStartContainerError")
SPOT_RECLAIM = "Host EC2 (instance i-0123456789abcdef0) terminated."
# One attempt is no retry: a reclaimed job would simply fail.
MIN_ATTEMPTS = 2
CONDITIONS = ("OnStatusReason", "OnReason", "OnExitCode")


def _matches(pattern: str, text: str) -> bool:
    """Batch's patterns: exact text, or a prefix when they end with ``*``."""
    return text.startswith(pattern[:-1]) if pattern.endswith("*") else pattern == text


def _infrastructure_only(pattern: str) -> bool:
    """Every status reason ``pattern`` can match starts with an infrastructure reason."""
    prefix = pattern[:-1] if pattern.endswith("*") else pattern
    return any(prefix.startswith(reason) for reason in INFRASTRUCTURE_REASONS)


def _may_take_reclaim(conditions: dict) -> bool:
    """Whether a rule may decide a Spot reclaim, which has a status reason and no exit code."""
    status = conditions.get("OnStatusReason")
    others = [conditions.get(k) for k in ("OnReason", "OnExitCode") if conditions.get(k) is not None]
    return (status is None or _matches(status, SPOT_RECLAIM)) and all(o == "*" for o in others)


def _describe(index: int, action: str, conditions: dict) -> str:
    return f"rule {index + 1} ({action} on {', '.join(f'{k} {v!r}' for k, v in conditions.items())})"


def _rules(raw) -> list[tuple[str, dict]] | str:
    rules = []
    for index, rule in enumerate(raw):
        if not isinstance(rule, dict):
            return f"rule {index + 1} is not an object"
        conditions = {k: rule[k] for k in CONDITIONS if rule.get(k) is not None}
        if not conditions or not all(isinstance(v, str) for v in conditions.values()):
            return f"rule {index + 1} has no readable condition"
        rules.append((str(rule.get("Action", "")).upper(), conditions))
    return rules


def check(job, ctx):
    strategy = job.get("RetryStrategy")
    if (why := contains_unresolved(strategy)) is not None:
        return cannot_prove(f"RetryStrategy: {why.why}")
    if not isinstance(strategy, dict):
        return non_compliant("no RetryStrategy: one attempt, so a Spot reclaim ends the job")
    attempts = cfn_int(strategy.get("Attempts"))
    if isinstance(attempts, Unresolved):
        return cannot_prove(f"RetryStrategy.Attempts: {attempts.why}")
    rules = _rules(strategy.get("EvaluateOnExit") or [])
    if isinstance(rules, str):
        return cannot_prove(rules)
    problems = []
    if (attempts or 1) < MIN_ATTEMPTS:
        problems.append(f"Attempts is {attempts or 1}: a reclaimed job is not tried again")
    catch_all = next((i for i, (action, c) in enumerate(rules) if action == "EXIT" and set(c.values()) == {"*"}), None)
    if catch_all is None:
        problems.append("no catch-all EXIT rule: Batch retries every failure that no rule matches")
    for index, (action, conditions) in enumerate(rules[:catch_all]):
        if action == "RETRY" and not _infrastructure_only(conditions.get("OnStatusReason", "*")):
            problems.append(f"{_describe(index, action, conditions)} may retry a job's own failure")
    deciding = next(((i, a, c) for i, (a, c) in enumerate(rules) if _may_take_reclaim(c)), None)
    reclaim_retried = (
        deciding is not None and deciding[1] == "RETRY" and "OnStatusReason" in deciding[2] and len(deciding[2]) == 1
    )
    if not reclaim_retried:
        first = f": {_describe(*deciding)} decides it first" if deciding else ""
        problems.append(f"a Spot reclaim ({SPOT_RECLAIM!r}) is not retried{first}")
    if problems:
        return non_compliant("; ".join(problems))
    return compliant(
        f"Attempts {attempts}; {_describe(*deciding)} retries a Spot reclaim; retries are limited to "
        f"{', '.join(INFRASTRUCTURE_REASONS)}; rule {catch_all + 1} ends every other failure"
    )


CONTROL = Control(
    id="GXP-BATCH-01",
    title="Spot reclaims retried, job failures not",
    statement=(
        "Every Batch job definition retries a Spot reclaim (status reason Host EC2...), retries nothing but "
        "infrastructure failures, and ends its rules with a catch-all EXIT: an interrupted computation resumes "
        "from its checkpoint and a failed one is never re-run into a different result."
    ),
    operational=(
        "A Spot interruption resumes the computation and a failed one is never re-run into a different result; PQ-02 exercises it. Reliability of the computation, not a clause of a traced regulation."
    ),
    resource_types=("AWS::Batch::JobDefinition",),
    check=check,
    deployed=DeployedCheck(read=when_compute_runs(job_definitions), accounts=WORKLOADS, regions="workload"),
)

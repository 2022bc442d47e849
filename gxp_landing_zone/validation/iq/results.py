"""One IQ result: per control and deployed resource, what was required, what the API showed, and
whether the control's own check passed on it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

EXCERPT_CHARS = 300


@dataclass(frozen=True)
class CheckResult:
    control_id: str
    clauses: dict[str, list[str]]
    resource: str
    expected: str
    observed: str
    passed: bool
    checked_at: str
    # Filled by the runner from sts:GetCallerIdentity, which it calls once per run.
    caller: str = ""


def excerpt(value: object) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 3] + "..."


def result(control_id: str, resource: str, expected: str, observed: object, passed: bool) -> CheckResult:
    from ...controls.registry import by_id

    clauses = {k: list(v) for k, v in by_id()[control_id].clauses.items() if v}
    return CheckResult(
        control_id=control_id,
        clauses=clauses,
        resource=resource,
        expected=expected,
        observed=excerpt(observed),
        passed=bool(passed),
        checked_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )

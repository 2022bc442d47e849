"""The exception log: one entry per accepted design exception (one distinct reason), with its ID,
risk, the clauses it touches, the compensating controls and every resource it covers.

The deviation rows (one per acknowledged rule and resource, deviations.csv) stay the detail; an
entry is the decision a QA lead approves once. IDs and assessments come from
exception_assessments.py; approvals are recorded by QA and added by the validation package.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable

from .exception_assessments import assessment_for

NOT_ASSESSED = "not assessed"
RISKS = ("high", "medium", "low", NOT_ASSESSED)


def unassessed_id(reason: str) -> str:
    import hashlib

    return "DEV-NEW-" + hashlib.sha256(reason.encode("utf-8")).hexdigest()[:6].upper()


def exception_id(reason: str) -> str:
    found = assessment_for(reason)
    return found.id if found else unassessed_id(reason)


def exception_log(deviations: Iterable[dict], controls: dict) -> list[dict]:
    """``deviations``: the deviation rows (dicts with rule_id, pack, stack, logical_id, resource_type, path,
    reason); ``controls``: control ID -> Control, for the clauses a GXP exception touches."""
    by_reason: dict[str, list[dict]] = defaultdict(list)
    for row in deviations:
        by_reason[row["reason"]].append(row)
    entries = []
    for reason, rows in by_reason.items():
        found = assessment_for(reason)
        rules = sorted({r["rule_id"] for r in rows})
        clauses: dict[str, set[str]] = defaultdict(set)
        for rule in rules:
            control = controls.get(rule.split("[", 1)[0])
            for framework, ids in (control.clauses.items() if control else ()):
                clauses[framework].update(ids)
        for framework, clause in (found.clauses if found else ()):
            clauses[framework].add(clause)
        resources = sorted({(r["stack"], r["logical_id"], r["resource_type"]) for r in rows})
        entries.append({
            "id": found.id if found else unassessed_id(reason),
            "reason": reason,
            "assessed": found is not None,
            "risk": found.risk if found else NOT_ASSESSED,
            "risk_rationale": found.why if found else "",
            "compensating": found.compensating if found else "",
            "rules": rules,
            "packs": sorted({r["pack"] for r in rows}),
            "clauses": {fw: sorted(ids) for fw, ids in sorted(clauses.items()) if ids},
            "resources": [{"stack": s, "logical_id": lid, "type": t} for s, lid, t in resources],
            "rows": len(rows),
        })
    return sorted(entries, key=lambda e: e["id"])


def resources_by_stack(entry: dict) -> list[tuple[str, list[str]]]:
    """The entry's resources as (stack, logical IDs), for a printable list."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for r in entry["resources"]:
        grouped[r["stack"]].append(r["logical_id"])
    return sorted(grouped.items())

"""The change record of one pipeline execution (Annex 11 10, 4.2; 21 CFR 11.10(k)): what changed, which
controls and clauses it touches, which acknowledgements it adds or removes, the test, synthesis and
qualification results with their hashes, the release signature and the outcome.

The release candidate is written before the release gate and is what the QA approver signs; the complete
record, written after production's IQ, repeats it and adds the release and production results. Both are
JSON (the record) with a readable HTML page beside the complete one (render.py).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

SCHEMA = "gxp-change-record/1"


def _now(clock=None) -> str:
    return (clock or (lambda: datetime.now(timezone.utc)))().strftime("%Y-%m-%dT%H:%M:%SZ")


def _key(ack: dict) -> tuple:
    return ack["stack"], ack["path"], ack["rule"]


def acknowledgement_changes(current: list[dict], previous: list[dict] | None) -> dict:
    """Acknowledgements added and removed since the previous complete record (all added on the first)."""
    before = {_key(a): a for a in previous or []}
    now = {_key(a): a for a in current}
    return {
        "in_force": len(current),
        "sha256": hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest(),
        "compared_with_previous_record": previous is not None,
        "added": [now[k] for k in sorted(now.keys() - before.keys())],
        "removed": [before[k] for k in sorted(before.keys() - now.keys())],
        "all": current,
    }


def candidate(*, config, summary: dict, execution: str, pipeline: str, qualification: list[dict],
              emergencies: list[dict], previous: dict | None, clock=None) -> dict:
    """The release candidate: everything QA needs to decide, bound to this execution."""
    return {
        "schema": SCHEMA,
        "kind": "release-candidate",
        "estate": config.organization.name,
        "pipeline": pipeline,
        "execution_id": execution,
        "created_at": _now(clock),
        "source": summary["source"],
        "config": summary["config"],
        "assembly": summary["assembly"],
        "tests": summary["tests"],
        "synthesis": summary["synthesis"],
        "changes": summary["diff"],
        "controls_touched": summary["controls_touched"],
        "acknowledgements": acknowledgement_changes(
            summary["acknowledgements"], (previous or {}).get("acknowledgements", {}).get("all") if previous else None
        ),
        "validation": {"qualification": qualification, "passed": all(q["failed"] == 0 for q in qualification)},
        "emergencies": emergencies,
        "previous_record": (previous or {}).get("execution_id"),
    }


def complete(*, candidate_document: dict, candidate_stored: dict, release: dict, production: list[dict],
             clock=None) -> dict:
    passed = all(q["failed"] == 0 for q in production)
    released = release.get("released", False)
    outcome = (
        "released by electronic signature, deployed to production and qualified"
        if released and passed else
        "released by electronic signature and deployed; production IQ failed" if released else "not released"
    )
    return {
        **{k: v for k, v in candidate_document.items() if k not in ("kind", "created_at")},
        "kind": "change-record",
        "candidate_created_at": candidate_document.get("created_at"),
        "created_at": _now(clock),
        "release_candidate": candidate_stored,
        "release": release,
        "production": {"qualification": production, "passed": passed},
        "outcome": outcome,
    }


def qualification_entry(kind: str, account: str, region: str, stored: dict, entries: list[dict]) -> dict:
    """One IQ or OQ record as the change record cites it: where it is, its hash, and its results."""
    outcome_field = "outcome" if kind == "oq" else "passed"
    failed = sum(1 for e in entries if e.get(outcome_field) in (False, "fail"))
    chain_head = entries[-1].get("entry_hash") if entries else None
    return {
        "kind": kind, "account": account, "region": region, **stored,
        "entries": len(entries), "failed": failed, "chain_head": chain_head,
    }

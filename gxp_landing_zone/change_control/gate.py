"""The release gate: a change reaches production only with a valid Part 11 signature "approved-for-release"
on this execution's change record, by a current member of a release-approver group (Annex 11 10;
21 CFR 11.10(k), 11.50, 11.70).

The gate reads signatures through the signature service's own list and verify operations, and decides
with ``decide``: every signature it does not accept is listed with why, so the pipeline's log and the
release record say what was wrong - a signature on another change record, one carried over from another
execution, one with another meaning, one by someone who is not (or no longer) an approver, one the
service does not verify.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from ..config.change_control import RELEASE_MEANING
from .evidence import Stored

POLL_SECONDS = 60


@dataclass(frozen=True)
class Candidate:
    stored: Stored
    document: dict

    @property
    def commit(self) -> str:
        return self.document.get("source", {}).get("commit", "")

    @property
    def assembly(self) -> str:
        return self.document.get("assembly", {}).get("sha256", "")


@dataclass
class Decision:
    released: bool
    signature: dict | None = None
    refused: list[dict] = field(default_factory=list)
    summary: str = ""

    def to_dict(self) -> dict:
        return {"released": self.released, "signature": self.signature, "refused": self.refused, "summary": self.summary}


def _short(value: str | None) -> str:
    return (value or "?")[:12]


def _label(entry: dict) -> str:
    return f"seq {entry.get('seq')}: {entry.get('manifestation') or entry.get('username')}"


def _elsewhere(entry: dict, candidate: Candidate, read_version: Callable[[str], dict | None]) -> tuple[str, str]:
    """Why a signature bound to another version of the release candidate does not release this one."""
    other = read_version(entry.get("record_version_id"))
    if other is None:
        return "other_change_record", (
            f"it is bound to version {entry.get('record_version_id')} of the release candidate, which cannot be read; "
            f"this execution's change record is version {candidate.stored.version_id}"
        )
    execution = other.get("execution_id")
    same_change = (other.get("source", {}).get("commit"), other.get("assembly", {}).get("sha256")) == (
        candidate.commit, candidate.assembly)
    if not same_change:
        return "other_change_record", (
            f"it approves the change record of execution {execution} (commit {_short(other.get('source', {}).get('commit'))}, "
            f"assembly {_short(other.get('assembly', {}).get('sha256'))}), another change than this execution's "
            f"(commit {_short(candidate.commit)}, assembly {_short(candidate.assembly)})"
        )
    if execution == candidate.document.get("execution_id"):
        return "replayed", (
            f"it was given to an earlier version of this execution's change record (SHA-256 "
            f"{_short(entry.get('record_sha256'))}); the record was rewritten since (SHA-256 {_short(candidate.stored.sha256)}), "
            "so the approval does not cover what is now to be released"
        )
    return "replayed", (
        f"it was given to execution {execution}'s change record (SHA-256 {_short(entry.get('record_sha256'))}) for the "
        f"same commit; this execution's change record is SHA-256 {_short(candidate.stored.sha256)}, with its own "
        "qualification results, and an approval is never carried over to another execution"
    )


def decide(
    candidate: Candidate,
    listed: list[dict],
    verified: dict | None,
    *,
    approver_groups: list[str],
    groups_of: Callable[[str], tuple[set[str], bool] | None],
    read_version: Callable[[str], dict | None],
) -> Decision:
    """Accept the first signature that meets every requirement; explain every other one."""
    checks = {s.get("seq"): s for s in (verified or {}).get("signatures", [])}
    chain = (verified or {}).get("chain", {"valid": True, "failures": []})
    refused: list[dict] = []
    for entry in sorted(listed, key=lambda e: (e.get("seq") is None, e.get("seq") or 0)):
        label = _label(entry)
        if "error" in entry:
            refused.append({"signature": f"seq {entry.get('seq')}", "code": "not_verified", "reason": entry["error"]})
            continue
        if entry.get("record_version_id") != candidate.stored.version_id or entry.get("record_sha256") != candidate.stored.sha256:
            code, why = _elsewhere(entry, candidate, read_version)
            refused.append({"signature": label, "code": code, "reason": why})
            continue
        if entry.get("meaning") != RELEASE_MEANING:
            refused.append({"signature": label, "code": "wrong_meaning", "reason": (
                f"its meaning is '{entry.get('meaning')}'; only '{RELEASE_MEANING}' releases a change to production")})
            continue
        check = checks.get(entry.get("seq"))
        if check is None or not check.get("valid") or not chain.get("valid", False):
            problems = (check or {}).get("problems") or [p for f in chain.get("failures", []) for p in f.get("problems", [])]
            refused.append({"signature": label, "code": "not_verified", "reason": (
                "the signature service does not verify it: " + ("; ".join(problems) or "no verification result"))})
            continue
        membership = groups_of(entry.get("username", ""))
        if membership is None:
            refused.append({"signature": label, "code": "not_approver", "reason": (
                f"its signer {entry.get('username')} is no longer a user of the signature service")})
            continue
        groups, enabled = membership
        if not enabled:
            refused.append({"signature": label, "code": "not_approver", "reason": (
                f"its signer {entry.get('username')} is disabled in the signature service (11.300(c))")})
            continue
        if not groups & set(approver_groups):
            refused.append({"signature": label, "code": "not_approver", "reason": (
                f"{entry.get('printed_name')} ({entry.get('username')}) is not a member of "
                f"{', '.join(approver_groups)} (member of: {', '.join(sorted(groups)) or 'no group'})")})
            continue
        return Decision(True, {k: entry.get(k) for k in (
            "seq", "manifest_hash", "manifestation", "printed_name", "username", "signer_sub", "meaning", "signed_at",
            "record_id", "record_version_id", "record_sha256")}, refused,
            f"released: {entry.get('manifestation')}")
    where = f"{candidate.stored.key} version {candidate.stored.version_id} (SHA-256 {candidate.stored.sha256})"
    if not refused:
        return Decision(False, None, [], f"no signature yet on the change record {where}")
    return Decision(False, None, refused, f"no signature on the change record {where} releases it")


def await_release(poll: Callable[[], Decision], *, wait_seconds: float, interval: float = POLL_SECONDS,
                  sleep: Callable[[float], None] = time.sleep, clock: Callable[[], datetime] | None = None) -> Decision:
    """Poll until a signature releases the change or the wait is over; the last decision says why not."""
    clock = clock or (lambda: datetime.now(timezone.utc))
    deadline = clock().timestamp() + wait_seconds
    while True:
        decision = poll()
        if decision.released or clock().timestamp() >= deadline:
            return decision
        sleep(min(interval, max(0.0, deadline - clock().timestamp())))

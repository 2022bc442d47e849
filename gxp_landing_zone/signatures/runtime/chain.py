"""The hash chain of a record's ledger: extending it by one signature and verifying it (11.70)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .authentication import Signer
from .canonical import utc_timestamp
from .manifest import GENESIS_HASH, SignatureManifest


@dataclass(frozen=True)
class EntryCheck:
    seq: Any
    ok: bool
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class ChainReport:
    valid: bool
    entries: tuple[EntryCheck, ...]

    @property
    def failures(self) -> tuple[EntryCheck, ...]:
        return tuple(e for e in self.entries if not e.ok)

    def to_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "failures": [{"seq": e.seq, "problems": list(e.problems)} for e in self.failures],
        }


def verify_chain(entries: Sequence[Mapping[str, Any]]) -> ChainReport:
    """Check stored hashes, contiguous sequence numbers and back-links.

    Each entry is linked to the *stored* hash of its predecessor, so an edit is
    reported on the edited entry, and an edit that also rewrote the stored hash
    is reported on the successor whose back-link it broke.
    """
    checks: list[EntryCheck] = []
    prev_seq: Any = None
    prev_stored: str | None = None
    first_record: str | None = None
    for position, entry in enumerate(entries):
        seq = entry.get("seq")
        problems: list[str] = []
        stored = entry.get("manifest_hash")
        try:
            manifest = SignatureManifest.from_dict(entry)
        except (TypeError, ValueError) as exc:
            manifest = None
            problems.append(f"entry is malformed: {exc}")
        if manifest is not None:
            seq = manifest.seq
            if stored != manifest.manifest_hash:
                problems.append("stored hash does not match the recomputed manifest hash")
            first_record = first_record or manifest.record_id
            if manifest.record_id != first_record:
                problems.append(f"entry belongs to record {manifest.record_id}, not {first_record}")
            expected = 0 if position == 0 else (prev_seq + 1 if isinstance(prev_seq, int) else None)
            if expected is not None and seq != expected:
                if position == 0:
                    problems.append(f"chain starts at seq {seq}; entries 0..{seq - 1} are missing")
                elif seq > expected:
                    problems.append(f"seq {expected}..{seq - 1} missing before this entry")
                else:
                    problems.append(f"seq {seq} is duplicated or out of order (expected {expected})")
            link_target = GENESIS_HASH if position == 0 else prev_stored
            if manifest.prev_hash != link_target:
                what = "the genesis value" if position == 0 else f"the hash of entry {prev_seq}"
                problems.append(f"previous-entry hash does not match {what}")
        checks.append(EntryCheck(seq, not problems, tuple(problems)))
        prev_seq, prev_stored = seq, stored if isinstance(stored, str) else None
    return ChainReport(all(c.ok for c in checks), tuple(checks))


def build_manifest(
    signer: Signer,
    *,
    meaning: str,
    reason: str | None,
    now: datetime,
    bucket: str,
    key: str,
    version_id: str,
    record_sha256: str,
    previous: Mapping[str, Any] | None,
    request_id: str,
) -> SignatureManifest:
    """Take the next chain position after ``previous`` (the current tail entry)."""
    return SignatureManifest(
        signer_sub=signer.sub,
        username=signer.username,
        printed_name=signer.printed_name,
        meaning=meaning,
        reason=reason,
        signed_at=utc_timestamp(now),
        record_bucket=bucket,
        record_key=key,
        record_version_id=version_id,
        record_sha256=record_sha256,
        seq=0 if previous is None else int(previous["seq"]) + 1,
        prev_hash=GENESIS_HASH if previous is None else str(previous["manifest_hash"]),
        request_id=request_id,
    )

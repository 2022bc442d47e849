"""The hash chain of an IQ/OQ record's entries: each entry carries the hash of the one before it and
its own hash over its canonical JSON, so editing, removing or reordering an entry breaks the chain
from that point on. The chain has no key; the record's seal (seal.py) binds it to one."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, is_dataclass
from typing import Iterable

GENESIS_HASH = "0" * 64


def _canonical(entry: dict) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chain(results: Iterable) -> list[dict]:
    """The results (dataclasses or dicts) as chained JSON entries."""
    entries, previous = [], GENESIS_HASH
    for r in results:
        # Round-trip through JSON so the hash covers exactly what a verifier will read back.
        entry = json.loads(json.dumps(asdict(r) if is_dataclass(r) else dict(r)))
        entry["previous_hash"] = previous
        entry["entry_hash"] = previous = hashlib.sha256(_canonical(entry)).hexdigest()
        entries.append(entry)
    return entries


def verify_chain(entries: list[dict]) -> int | None:
    """Index of the first entry whose hash or link does not hold, or None if the chain is intact."""
    previous = GENESIS_HASH
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            return index
        body = {k: v for k, v in entry.items() if k != "entry_hash"}
        if entry.get("previous_hash") != previous or hashlib.sha256(_canonical(body)).hexdigest() != entry.get(
            "entry_hash"
        ):
            return index
        previous = entry["entry_hash"]
    return None


def chain_verdict(entries: list[dict]) -> str:
    broken = verify_chain(entries)
    return "intact" if broken is None else f"broken at entry {broken}"

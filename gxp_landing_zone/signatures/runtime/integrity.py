"""Whether a record's ledger can be trusted, judged the same way before a signature is appended and
when signatures are verified (11.70, 11.10(e)).

Three independent witnesses must agree for every entry: the hash chain (order and content), the
service seal (the signing function wrote it) and the retained copy under Object Lock COMPLIANCE (what
was written first, which no one can change). An entry that fails any of them is named with why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .chain import ChainReport, verify_chain
from .ledger import Ledger
from .manifest import SignatureManifest
from .manifest_copies import ManifestCopies
from .seal import Seals

COPY_MISSING = "retained manifest copy is missing"


class LedgerIntegrity(Ledger, ManifestCopies, Seals):
    def _integrity(
        self, bucket: str, key: str, entries: Sequence[Mapping[str, Any]]
    ) -> tuple[ChainReport, dict[int, dict[str, Any]], dict[Any, list[str]]]:
        """(chain report, retained copies by seq, problems by seq) for every entry and every copy."""
        chain = verify_chain(entries)
        copies = self._load_manifest_copies(bucket, key)
        seqs = {e.get("seq") for e in entries}
        problems: dict[Any, list[str]] = {
            s: [f"seq {s} has a retained manifest copy but no ledger entry"] for s in sorted(copies) if s not in seqs
        }
        for entry, check in zip(entries, chain.entries):
            copy = copies.get(check.seq)
            found = list(check.problems) + self._copy_problems(copy, entry) + self._seal_problems(entry, copy)
            if found:
                problems[check.seq] = found
        return chain, copies, problems

    @staticmethod
    def _copy_problems(copy: Mapping[str, Any] | None, entry: Mapping[str, Any]) -> list[str]:
        if copy is None:
            return [COPY_MISSING]
        problems = list(copy.get("problems", ()))
        try:
            recomputed = SignatureManifest.from_dict(entry).manifest_hash
        except (TypeError, ValueError):
            recomputed = None
        if copy.get("hash") is not None and not copy["hash"] == entry.get("manifest_hash") == recomputed:
            problems.append("ledger entry differs from its retained manifest copy")
        return problems

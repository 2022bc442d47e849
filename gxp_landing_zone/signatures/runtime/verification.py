"""Listing a record's signatures and verifying them against the record, the ledger chain and the
retained manifest copies (11.50(b), 11.70)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .api_gateway import entry_view
from .chain import verify_chain
from .errors import NotFound
from .ledger import Ledger
from .manifest import SignatureManifest, record_id
from .manifest_copies import ManifestCopies
from .records import RecordVersions


class Verification(Ledger, ManifestCopies, RecordVersions):
    """The list and verify operations of the signature service."""

    def list_signatures(self, bucket: str, key: str, version_id: str | None = None) -> dict[str, Any]:
        entries = self._load_entries(record_id(bucket, key))
        views = []
        for entry in entries:
            if version_id and entry.get("record_version_id") != version_id:
                continue
            try:
                views.append(entry_view(entry))
            except (TypeError, ValueError) as exc:
                views.append({"seq": entry.get("seq"), "error": f"malformed ledger entry: {exc}"})
        return {"record_id": record_id(bucket, key), "version_id": version_id, "signatures": views}

    def verify(self, bucket: str, key: str, version_id: str | None = None) -> dict[str, Any]:
        rid = record_id(bucket, key)
        entries = self._load_entries(rid)
        copies = self._load_manifest_copies(bucket, key)
        if not entries and not copies:
            raise NotFound(f"no signatures recorded for {rid}", "no_signatures")
        chain = verify_chain(entries)
        ledger_seqs = {e.get("seq") for e in entries}
        failures = [
            {"seq": s, "problems": [f"seq {s} has a retained manifest copy but no ledger entry"]}
            for s in sorted(copies)
            if s not in ledger_seqs
        ]
        record_hashes: dict[Any, str | None] = {}
        results = []
        for entry, check in zip(entries, chain.entries):
            problems = list(check.problems) + self._copy_problems(copies.get(check.seq), entry)
            if problems:
                failures.append({"seq": check.seq, "problems": list(problems)})
            ver = entry.get("record_version_id")
            if version_id and ver != version_id:
                continue
            problems += self._record_problems(bucket, key, ver, entry.get("record_sha256"), record_hashes)
            try:
                shown = SignatureManifest.from_dict(entry).manifestation
            except (TypeError, ValueError):
                shown = None
            results.append({
                "seq": check.seq,
                "version_id": ver,
                "manifest_hash": entry.get("manifest_hash"),
                "manifestation": shown,
                "valid": not problems,
                "problems": problems,
            })
        failures.sort(key=lambda f: (not isinstance(f["seq"], int), f["seq"] if isinstance(f["seq"], int) else 0))
        return {
            "record_id": rid,
            "version_id": version_id,
            "chain": {"valid": not failures, "failures": failures},
            "signatures": results,
            "valid": not failures and bool(results) and all(r["valid"] for r in results),
        }

    def _record_problems(
        self, bucket: str, key: str, version_id: Any, signed_sha256: Any, cache: dict[Any, str | None]
    ) -> list[str]:
        # 11.70: the signature must still match the exact bytes it was bound to.
        if version_id not in cache:
            cache[version_id] = self._hash_version_or_none(bucket, key, version_id)
        if cache[version_id] is None:
            return [f"record version {version_id} can no longer be retrieved"]
        if cache[version_id] != signed_sha256:
            return ["record content no longer matches the signed SHA-256"]
        return []

    @staticmethod
    def _copy_problems(copy: Mapping[str, Any] | None, entry: Mapping[str, Any]) -> list[str]:
        if copy is None:
            return ["retained manifest copy is missing"]
        problems = list(copy.get("problems", ()))
        try:
            recomputed = SignatureManifest.from_dict(entry).manifest_hash
        except (TypeError, ValueError):
            recomputed = None
        if copy.get("hash") is not None and not copy["hash"] == entry.get("manifest_hash") == recomputed:
            problems.append("ledger entry differs from its retained manifest copy")
        return problems

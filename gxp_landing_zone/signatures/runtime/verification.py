"""Listing a record's signatures and verifying them against the record, the ledger chain, the service
seals and the retained manifest copies (11.50(b), 11.70)."""

from __future__ import annotations

from typing import Any

from .api_gateway import entry_view
from .errors import NotFound
from .integrity import LedgerIntegrity
from .manifest import SignatureManifest, record_id
from .records import RecordVersions
from .seal import BAD_SEAL, NOT_SEALED, SealUnavailable


class Verification(LedgerIntegrity, RecordVersions):
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
        try:
            chain, copies, by_seq = self._integrity(bucket, key, entries)
        except SealUnavailable as exc:
            # A seal that cannot be checked is never reported as valid.
            chain, copies, by_seq = None, {}, {None: [f"the service seals could not be checked: {exc}"]}
        if not entries and not copies:
            raise NotFound(f"no signatures recorded for {rid}", "no_signatures")
        failures = [{"seq": s, "problems": list(p)} for s, p in by_seq.items()]
        record_hashes: dict[Any, tuple[str | None, str | None]] = {}
        results = []
        for entry in entries:
            seq = entry.get("seq")
            ver = entry.get("record_version_id")
            if version_id and ver != version_id:
                continue
            problems = list(by_seq.get(seq, ())) + list(by_seq.get(None, ()))
            problems += self._record_problems(bucket, key, ver, entry.get("record_sha256"), record_hashes)
            try:
                shown = SignatureManifest.from_dict(entry).manifestation
            except (TypeError, ValueError):
                shown = None
            results.append({
                "seq": seq,
                "version_id": ver,
                "meaning": entry.get("meaning"),
                "manifest_hash": entry.get("manifest_hash"),
                "manifestation": shown,
                # Sealed by the service and checked: a legacy entry accepted by its copy's age is not "sealed".
                "sealed": chain is not None and bool(entry.get("seal")) and not {NOT_SEALED, BAD_SEAL} & set(problems),
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
        self, bucket: str, key: str, version_id: Any, signed_sha256: Any, cache: dict[Any, tuple[str | None, str | None]]
    ) -> list[str]:
        # 11.70: the signature must still match the exact bytes it was bound to.
        if version_id not in cache:
            cache[version_id] = self._hash_or_problem(bucket, key, version_id)
        digest, problem = cache[version_id]
        if problem is not None:
            return [problem]
        if digest != signed_sha256:
            return ["record content no longer matches the signed SHA-256"]
        return []

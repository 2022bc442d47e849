"""Applying a signature: the request is checked against the rules, the record's ledger is proven
intact (chain, service seals, retained copies), the ledger is extended by one sealed, chained entry,
the manifest copy is retained and the event published."""

from __future__ import annotations

import random
import time
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from hashlib import sha256
from typing import Any

from .api_gateway import entry_view, request_body, request_claims, text_field
from .authentication import Signer, authenticate
from .canonical import canonical_json
from .chain import build_manifest
from .errors import BadRequest, Conflict, SignatureRefused
from .events import SignatureEvents
from .integrity import COPY_MISSING, LedgerIntegrity
from .manifest import SignatureManifest, record_id
from .policy import SigningPolicy, check_authority, check_meaning, check_separation, check_sequence
from .records import RecordVersions
from .seal import SealUnavailable

# Each lost conditional write means another signer took the sequence number; with n signers
# racing, the last one needs n attempts, so the bound sits well above realistic concurrency.
MAX_LEDGER_ATTEMPTS = 10
MAX_REASON_LENGTH = 1000
MAX_REQUEST_ID_LENGTH = 128


class Signing(LedgerIntegrity, RecordVersions, SignatureEvents):
    """The sign operation of the signature service."""

    policy: SigningPolicy
    auth_window_seconds: int
    is_disabled: Callable[[str, str], bool] | None
    clock: Callable[[], datetime]

    def _sign(self, event: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        claims = request_claims(event)
        try:
            signer = authenticate(
                claims, self.clock(), window_seconds=self.auth_window_seconds, is_disabled=self.is_disabled
            )
            body = request_body(event)
            bucket, key = text_field(body, "bucket"), text_field(body, "key")
            version_id = text_field(body, "version_id")
            self._check_bucket(bucket)
            meaning = check_meaning(body.get("meaning"), self.policy.meanings)
            record_class = self.policy.record_class_for(bucket, key)
            check_authority(signer.groups, meaning, record_class, self.policy.grants, self.policy.restricted_meanings)
            request = {
                "bucket": bucket,
                "key": key,
                "version_id": version_id,
                "meaning": meaning,
                "reason": self._reason(body),
                "expected_sha256": text_field(body, "expected_sha256", required=False),
                "record_class": record_class,
            }
            request["request_id"] = self._request_id(event, body, signer, request)
            self._require_version(bucket, key, version_id)
            return self._apply(signer, request)
        except SignatureRefused as refusal:
            if refusal.status_code in (401, 403):
                self._emit_refused(refusal, claims, event)
            raise

    @staticmethod
    def _reason(body: Mapping[str, Any]) -> str | None:
        reason = text_field(body, "reason", required=False)
        if reason is None or not reason.strip():
            return None
        if len(reason) > MAX_REASON_LENGTH:
            raise BadRequest(f"reason exceeds {MAX_REASON_LENGTH} characters", "invalid_field")
        # Stored NFC by the manifest; normalized here so a replay compares equal.
        return unicodedata.normalize("NFC", reason)

    @staticmethod
    def _request_id(event: Mapping[str, Any], body: Mapping[str, Any], signer: Signer, request: Mapping[str, Any]) -> str:
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        value = body.get("request_id") or headers.get("idempotency-key")
        if value is None:
            # Without a client key, the same signer asking for the same signature (version, meaning,
            # reason) is one request: a retried or double-submitted call replays, never signs twice.
            same = canonical_json([signer.sub, *(request[k] for k in ("bucket", "key", "version_id", "meaning", "reason"))])
            value = "auto-" + sha256(same).hexdigest()[:40]
        if not isinstance(value, str) or not value or len(value) > MAX_REQUEST_ID_LENGTH:
            raise BadRequest(f"request_id must be a string of 1..{MAX_REQUEST_ID_LENGTH} characters", "invalid_field")
        return value

    def _apply(self, signer: Signer, req: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        rid = record_id(req["bucket"], req["key"])
        record_sha256 = None
        for attempt in range(MAX_LEDGER_ATTEMPTS):
            if attempt:
                # Jitter keeps racing signers from colliding again in lock-step.
                time.sleep(random.uniform(0, 0.02 * attempt))
            # Nothing is appended to, or replayed from, a ledger that is not proven intact: a forged
            # entry must never satisfy the sequence, nor a forged tail carry the next link.
            entries = self._require_intact(req["bucket"], req["key"], rid)
            existing = next((e for e in entries if e.get("request_id") == req["request_id"]), None)
            if existing is not None:
                return self._replay(existing, signer, req)
            # Sequencing is judged per record version: a review of version 1
            # does not satisfy the review step for version 2.
            prior = [e for e in entries if e.get("record_version_id") == req["version_id"]]
            check_sequence(req["meaning"], [e.get("meaning") for e in prior], self.policy.sequences.get(req["record_class"]))
            check_separation(signer.sub, req["meaning"], prior, req["record_class"], self.policy)
            if record_sha256 is None:
                record_sha256 = self._hash_version(req["bucket"], req["key"], req["version_id"])
                if req["expected_sha256"] and req["expected_sha256"].lower() != record_sha256:
                    raise Conflict("record content does not match expected_sha256", "content_mismatch")
            manifest = self._build(
                signer,
                meaning=req["meaning"],
                reason=req["reason"],
                now=self.clock(),
                bucket=req["bucket"],
                key=req["key"],
                version_id=req["version_id"],
                record_sha256=record_sha256,
                previous=entries[-1] if entries else None,
                request_id=req["request_id"],
            )
            self._guard_truncation(rid, manifest)
            seal = self._sealed(manifest)
            if self._put_entry(manifest, seal):
                break
        else:
            raise Conflict(f"ledger for {rid} is busy; retry the request", "ledger_contention")
        self._put_manifest_copy(manifest, seal)
        view = entry_view({**manifest.to_dict(), "manifest_hash": manifest.manifest_hash, **seal})
        self._emit("Signature Applied", view)
        return 201, {"signature": view, "replayed": False}

    def _require_intact(self, bucket: str, key: str, rid: str) -> list[dict[str, Any]]:
        """The record's entries, proven intact; Conflict naming the first entry that is not."""
        for attempt in range(MAX_LEDGER_ATTEMPTS):
            if attempt:
                time.sleep(random.uniform(0, 0.02 * attempt))
            entries = self._load_entries(rid)
            try:
                _, _, problems = self._integrity(bucket, key, entries)
            except SealUnavailable as exc:
                raise Conflict(f"ledger for {rid} cannot be proven intact ({exc}); nothing was signed",
                               "ledger_unverifiable") from None
            # Copies are written after their entries, and entries are read before copies: a copy past
            # the tail read is a concurrent signer's, whose entry the next read shows.
            newer = [s for s in problems if isinstance(s, int) and s >= len(entries)]
            if not newer or len(newer) != len(problems):
                break
        tail = entries[-1] if entries else None
        if tail is not None and problems.get(tail.get("seq")) == [COPY_MISSING]:
            # The service sealed the tail but stopped before retaining its copy (a timeout between the
            # two writes): the seal proves the entry genuine, so the copy is completed, then appended to.
            self._put_manifest_copy(SignatureManifest.from_dict(tail), tail)
            del problems[tail.get("seq")]
        if problems:
            seq = min(problems, key=lambda s: (not isinstance(s, int), s if isinstance(s, int) else 0))
            raise Conflict(
                f"ledger for {rid} fails verification at seq {seq} ({problems[seq][0]}); signing suspended",
                "ledger_integrity",
            )
        return entries

    def _sealed(self, manifest: SignatureManifest) -> dict[str, str]:
        try:
            return self._seal(manifest)
        except SealUnavailable as exc:
            raise Conflict(f"the signature could not be sealed ({exc}); nothing was signed", "seal_unavailable") from None

    @staticmethod
    def _build(signer: Signer, **kwargs: Any) -> SignatureManifest:
        try:
            return build_manifest(signer, **kwargs)
        except ValueError as exc:
            raise BadRequest(f"cannot form a signature manifest: {exc}", "invalid_field") from None

    def _replay(self, existing: Mapping[str, Any], signer: Signer, req: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
        same = (
            existing.get("signer_sub") == signer.sub
            and existing.get("record_version_id") == req["version_id"]
            and existing.get("meaning") == req["meaning"]
            and existing.get("reason") == req["reason"]
        )
        if not same:
            raise Conflict("request_id was already used for a different signature", "request_id_reused")
        # The ledger was proven intact before the replay (a copy missing after a crash is completed there).
        return 200, {"signature": entry_view(existing), "replayed": True}

    def _guard_truncation(self, rid: str, manifest: SignatureManifest) -> None:
        # Copies are written after the ledger entry, so a copy for a sequence
        # number the ledger lacks means either a concurrent signer (its entry
        # is visible on re-read) or an entry removed from the ledger.
        if not self._object_exists(self.manifest_bucket, self._copy_key(manifest)):
            return
        if not any(e["seq"] == manifest.seq for e in self._load_entries(rid)):
            raise Conflict(
                f"ledger for {rid} lacks seq {manifest.seq} although its manifest copy exists; signing suspended",
                "ledger_integrity",
            )

"""Lambda handlers for the electronic-signature API: AWS I/O around ``core``.

Storage layout:
* DynamoDB ledger, partition key ``record_id`` ("bucket/key"), sort key ``seq``;
  one item per signature, chained by ``prev_hash`` (11.70).
* A copy of every manifest in the manifest bucket (Object Lock is set by the
  infrastructure), so an entry removed from the ledger's tail is still noticed.
* EventBridge events for applied signatures and refused attempts (11.300(d)).

Requests: sign takes a JSON body {bucket, key, version_id, meaning, reason?,
request_id? (or an Idempotency-Key header), expected_sha256?}; list and verify
take query parameters bucket, key and optionally version_id; release-record takes
bucket, key and version_id and returns the printable release record (HTML in ``html``).

Environment: LEDGER_TABLE, MANIFEST_BUCKET, RECORDS_BUCKETS (comma-separated),
EVENT_BUS_NAME, AUTH_WINDOW_SECONDS, LEDGER_SEAL_KEY (the asymmetric KMS key that seals
every entry; without it nothing can be signed and no entry verifies), and optionally
SIGNING_POLICY (JSON for ``SigningPolicy.from_dict``; without it no one holds signing
authority), SIGNING_RESTRICTIONS (JSON: restricted_meanings and same_person_may_sign),
USER_POOL_ID (check each signer's account is still enabled, 11.300(c)) and
UNSEALED_BEFORE (ISO time: entries written before sealing was deployed are accepted
unsealed when their retained copy is older than this).

The deployed functions name the entry points here (``runtime.handlers.sign_handler`` and its
siblings); the service itself is ``service.SignatureService``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .manifest_copies import manifest_object_key
from .service import SignatureService, cognito_disabled_lookup

__all__ = [
    "SignatureService",
    "cognito_disabled_lookup",
    "list_handler",
    "manifest_object_key",
    "release_record_handler",
    "sign_handler",
    "verify_handler",
]

_default_service: SignatureService | None = None


def _service() -> SignatureService:
    global _default_service
    if _default_service is None:
        _default_service = SignatureService.from_env()
    return _default_service


def sign_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    return _service().handle_sign(event)


def list_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    return _service().handle_list(event)


def verify_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    # One function serves verify and the release record, which is a verification laid out for print.
    if str(event.get("resource") or "").endswith("/release-record"):
        return _service().handle_release_record(event)
    return _service().handle_verify(event)


def release_record_handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
    return _service().handle_release_record(event)

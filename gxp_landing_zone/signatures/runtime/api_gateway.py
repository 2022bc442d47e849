"""The API Gateway proxy format: reading a request's identity and fields, shaping the response."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from typing import Any

from .errors import BadRequest
from .manifest import SignatureManifest
from .seal import SEAL_FIELDS


def response(status: int, body: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "Cache-Control": "no-store"},
        "body": json.dumps(body, sort_keys=True, default=str),
    }


def entry_view(entry: Mapping[str, Any]) -> dict[str, Any]:
    """A ledger entry as the API shows it: the manifest with its hash, manifestation (11.50(b)) and the
    service seal, so a client can keep the proof of origin with its copy of the record."""
    manifest = SignatureManifest.from_dict(entry)
    return {
        **manifest.to_dict(),
        "record_id": manifest.record_id,
        "manifest_hash": entry.get("manifest_hash"),
        "manifestation": manifest.manifestation,
        **{k: entry[k] for k in SEAL_FIELDS if k in entry},
    }


def request_claims(event: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims")


def request_body(event: Mapping[str, Any]) -> dict[str, Any]:
    raw = event.get("body") or ""
    try:
        if event.get("isBase64Encoded"):
            raw = base64.b64decode(raw).decode("utf-8")
        body = json.loads(raw) if raw else {}
    except (ValueError, binascii.Error):
        raise BadRequest("request body is not valid JSON", "invalid_body") from None
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object", "invalid_body")
    return body


def text_field(source: Mapping[str, Any], name: str, *, required: bool = True) -> str | None:
    value = source.get(name)
    if value is None or value == "":
        if required:
            raise BadRequest(f"'{name}' is required", "missing_field")
        return None
    if not isinstance(value, str):
        raise BadRequest(f"'{name}' must be a string", "invalid_field")
    return value

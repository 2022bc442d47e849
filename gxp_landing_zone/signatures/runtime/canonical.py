"""The canonical forms signatures are hashed and stamped in: deterministic JSON and UTC timestamps."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")


def _nfc(value: Any) -> Any:
    # Visually identical names or reasons must hash identically whichever
    # Unicode composition the client happened to send.
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping):
        normalized = {_nfc(k): _nfc(v) for k, v in value.items()}
        if len(normalized) != len(value):
            # Otherwise which value survives would depend on key order.
            raise ValueError("keys collide after NFC normalization")
        return normalized
    if isinstance(value, (list, tuple)):
        return [_nfc(v) for v in value]
    return value


def canonical_json(value: Any) -> bytes:
    """Deterministic JSON: NFC strings, sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        _nfc(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def utc_timestamp(now: datetime) -> str:
    """ISO 8601 UTC with millisecond precision and a ``Z`` suffix."""
    if now.tzinfo is None:
        raise ValueError("timestamp must be timezone-aware")
    now = now.astimezone(timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def parse_timestamp(value: str) -> datetime:
    if not _TIMESTAMP.match(value):
        raise ValueError(f"not an ISO 8601 UTC timestamp ending in Z: {value!r}")
    return datetime.fromisoformat(value[:-1]).replace(tzinfo=timezone.utc)

"""The signature manifest: what one signature binds, and how it is shown (11.50, 11.70)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from .canonical import canonical_json, parse_timestamp, sha256_hex

# The first ledger entry of every record links to this value instead of a
# predecessor, so "first entry" is explicit rather than an empty field.
GENESIS_HASH = "0" * 64

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_DISPLAYED_FIELDS = ("username", "printed_name", "meaning", "reason")


@dataclass(frozen=True)
class SignatureManifest:
    """Everything one signature binds (11.50(a), 11.70).

    The record is identified down to the object version and its SHA-256, and
    the entry is chained to its predecessor, so the signature cannot be
    excised, copied or transferred to another record without detection.
    """

    signer_sub: str
    username: str
    printed_name: str
    meaning: str
    reason: str | None
    signed_at: str
    record_bucket: str
    record_key: str
    record_version_id: str
    record_sha256: str
    seq: int
    prev_hash: str
    request_id: str

    def __post_init__(self) -> None:
        # Displayed text is stored NFC. Identifiers (bucket, key, version,
        # subject, request id) stay byte-exact so they still address the S3
        # object; the canonical form used for hashing normalizes everything.
        for name in _DISPLAYED_FIELDS:
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, unicodedata.normalize("NFC", value))
        self._validate()

    def _validate(self) -> None:
        for name in ("signer_sub", "username", "printed_name", "meaning", "signed_at",
                     "record_bucket", "record_key", "record_version_id", "request_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value:
                raise ValueError(f"{name} must be a non-empty string")
        if self.reason is not None and not isinstance(self.reason, str):
            raise ValueError("reason must be a string or None")
        for name in ("signer_sub", "username", "printed_name", "meaning", "reason",
                     "record_bucket", "record_key", "record_version_id", "request_id"):
            value = getattr(self, name)
            if value is None:
                continue
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ValueError(f"{name} is not valid Unicode text") from exc
        # 11.50(b): the displayed manifestation must not be forgeable by
        # embedding line breaks or control characters in free-text fields.
        for name in _DISPLAYED_FIELDS:
            value = getattr(self, name)
            if value is not None and _CONTROL.search(value):
                raise ValueError(f"{name} must not contain control characters")
        parse_timestamp(self.signed_at)
        for name in ("record_sha256", "prev_hash"):
            if not isinstance(getattr(self, name), str) or not _HEX64.match(getattr(self, name)):
                raise ValueError(f"{name} must be 64 lowercase hex characters")
        if isinstance(self.seq, bool) or not isinstance(self.seq, int) or self.seq < 0:
            raise ValueError("seq must be a non-negative integer")
        if self.seq == 0 and self.prev_hash != GENESIS_HASH:
            raise ValueError("the first entry must link to the genesis hash")

    @property
    def record_id(self) -> str:
        return record_id(self.record_bucket, self.record_key)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SignatureManifest:
        names = [f.name for f in fields(cls)]
        missing = [n for n in names if n not in data and n != "reason"]
        if missing:
            raise ValueError(f"missing manifest fields: {', '.join(missing)}")
        values = {n: data.get(n) for n in names}
        seq = values["seq"]
        # DynamoDB hands numbers back as Decimal; only exact integers qualify.
        if not isinstance(seq, bool) and not isinstance(seq, int):
            try:
                as_int = int(seq)
            except (TypeError, ValueError) as exc:
                raise ValueError("seq must be an integer") from exc
            if as_int != seq:
                raise ValueError("seq must be an integer")
            values["seq"] = as_int
        return cls(**values)

    def canonical_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @property
    def manifest_hash(self) -> str:
        return sha256_hex(self.canonical_bytes())

    @property
    def manifestation(self) -> str:
        return manifestation(self)


def record_id(bucket: str, key: str) -> str:
    # Bucket names cannot contain "/", so the first slash splits unambiguously.
    return f"{bucket}/{key}"


def manifestation(manifest: SignatureManifest) -> str:
    """Human-readable form required wherever the record is shown (11.50(b))."""
    when = parse_timestamp(manifest.signed_at).strftime("%Y-%m-%d %H:%M:%S UTC")
    text = f"Signed by {manifest.printed_name} on {when} - Meaning: {manifest.meaning}"
    if manifest.reason:
        text += f" - Reason: {manifest.reason}"
    return text

"""Electronic-signature rules of 21 CFR Part 11 Subpart C, free of any AWS I/O.

Everything here is deterministic given its inputs (claims, the clock value,
the ledger entries, the policy data), so the rules can be tested directly and
the I/O layer in ``handlers`` stays a thin shell around them.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime, timezone
from typing import Any

DEFAULT_MEANINGS: frozenset[str] = frozenset({"review", "approval", "responsibility", "authorship"})
DEFAULT_AUTH_WINDOW_SECONDS = 300
# The first ledger entry of every record links to this value instead of a
# predecessor, so "first entry" is explicit rather than an empty field.
GENESIS_HASH = "0" * 64
# RFC 8176 values that count as a second factor next to "pwd".
SECOND_FACTOR_AMR: frozenset[str] = frozenset({"mfa", "otp", "sms", "swk", "hwk", "totp"})
DISABLED_CLAIM = "custom:disabled"
# Cognito refuses to let a pre-token-generation trigger set "amr" (a reserved claim), so the
# user pool's trigger asserts the methods under this name instead. It can only be set by that
# trigger, and only truthfully because the pool requires password + TOTP on every sign-in.
POOL_AMR_CLAIM = "gxp_amr"

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_DISPLAYED_FIELDS = ("username", "printed_name", "meaning", "reason")


# --------------------------------------------------------------------------- errors


class SignatureRefused(Exception):
    """A signing (or lookup) request that must not proceed; nothing is written."""

    def __init__(self, status_code: int, reason: str, code: str = "refused") -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.reason = reason
        self.code = code

    def to_body(self) -> dict[str, Any]:
        return {"error": self.code, "reason": self.reason}


class BadRequest(SignatureRefused):
    def __init__(self, reason: str, code: str = "bad_request") -> None:
        super().__init__(400, reason, code)


class AuthenticationFailed(SignatureRefused):
    def __init__(self, reason: str, code: str = "authentication_failed") -> None:
        super().__init__(401, reason, code)


class Forbidden(SignatureRefused):
    def __init__(self, reason: str, code: str = "forbidden") -> None:
        super().__init__(403, reason, code)


class NotFound(SignatureRefused):
    def __init__(self, reason: str, code: str = "not_found") -> None:
        super().__init__(404, reason, code)


class Conflict(SignatureRefused):
    def __init__(self, reason: str, code: str = "conflict") -> None:
        super().__init__(409, reason, code)


# --------------------------------------------------------------------------- canonical form


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


# --------------------------------------------------------------------------- manifest


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


# --------------------------------------------------------------------------- signer identity


@dataclass(frozen=True)
class Signer:
    sub: str
    username: str
    printed_name: str
    groups: frozenset[str]
    auth_time: int


def _claim_list(value: Any) -> list[str]:
    # API Gateway flattens list claims to strings such as "[a b]" or "a,b".
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(v) for v in value]
    text = str(value).strip().strip("[]")
    return [part for part in re.split(r"[,\s]+", text) if part]


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in {"true", "1", "yes"}


def authenticate(
    claims: Mapping[str, Any] | None,
    now: datetime,
    *,
    window_seconds: int = DEFAULT_AUTH_WINDOW_SECONDS,
    allowed_token_uses: Iterable[str] = ("id", "access"),
    is_disabled: Callable[[str, str], bool] | None = None,
) -> Signer:
    """Apply 11.200(a)(1) and 11.300(c) to already-verified token claims.

    The authorizer proves the token is genuine; this decides whether it is
    fresh and strong enough to execute a signature right now.
    """
    if not claims:
        raise AuthenticationFailed("no authenticated identity on the request", "unauthenticated")
    sub = str(claims.get("sub") or "")
    username = str(claims.get("cognito:username") or claims.get("username") or "")
    if not sub or not username:
        raise AuthenticationFailed("token lacks a subject or username", "unauthenticated")
    if str(claims.get("token_use") or "") not in set(allowed_token_uses):
        raise AuthenticationFailed("token_use is not acceptable for signing", "wrong_token_use")

    # 11.200(a)(1): both components (password and a second factor) must have
    # been used for this authentication.
    amr = {v.lower() for v in _claim_list(claims.get("amr") or claims.get(POOL_AMR_CLAIM))}
    if "pwd" not in amr or not (amr & SECOND_FACTOR_AMR):
        raise AuthenticationFailed(
            "token does not show password plus multi-factor authentication", "mfa_required"
        )

    try:
        auth_time = int(str(claims.get("auth_time")))
    except ValueError:
        raise AuthenticationFailed("token lacks a valid auth_time", "stale_authentication") from None
    age = now.timestamp() - auth_time
    if age < 0:
        raise AuthenticationFailed("auth_time is in the future", "stale_authentication")
    if age > window_seconds:
        raise AuthenticationFailed(
            f"authentication is {int(age)} s old; re-authenticate within {window_seconds} s to sign",
            "stale_authentication",
        )

    # 11.300(c): a disabled account may still hold an unexpired token.
    if _truthy(claims.get(DISABLED_CLAIM, "false")) or (is_disabled and is_disabled(sub, username)):
        raise Forbidden("user account is disabled", "user_disabled")

    printed_name = str(claims.get("name") or "").strip()
    if not printed_name:
        given, family = claims.get("given_name") or "", claims.get("family_name") or ""
        printed_name = f"{given} {family}".strip()
    if not printed_name:
        raise BadRequest("token lacks the signer's printed name (11.50(a)(1))", "no_printed_name")
    return Signer(sub, username, printed_name, frozenset(_claim_list(claims.get("cognito:groups"))), auth_time)


# --------------------------------------------------------------------------- policy


@dataclass(frozen=True)
class SigningPolicy:
    """Plain-data signing policy.

    ``grants``: record class -> group -> meanings that group may sign (11.10(g)).
    ``sequences``: record class -> required order of meanings (11.10(f)).
    ``record_classes``: "bucket/key-prefix" -> record class; longest prefix wins.
    """

    meanings: frozenset[str] = DEFAULT_MEANINGS
    grants: Mapping[str, Mapping[str, Iterable[str]]] = field(default_factory=dict)
    sequences: Mapping[str, Sequence[str]] = field(default_factory=dict)
    record_classes: Mapping[str, str] = field(default_factory=dict)
    default_record_class: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SigningPolicy:
        return cls(
            meanings=frozenset(data.get("meanings") or DEFAULT_MEANINGS),
            grants={c: {g: frozenset(m) for g, m in gs.items()} for c, gs in (data.get("grants") or {}).items()},
            sequences={c: tuple(o) for c, o in (data.get("sequences") or {}).items()},
            record_classes=dict(data.get("record_classes") or {}),
            default_record_class=data.get("default_record_class"),
        )

    def record_class_for(self, bucket: str, key: str) -> str:
        rid = record_id(bucket, key)
        matches = [p for p in self.record_classes if rid.startswith(p)]
        if matches:
            return self.record_classes[max(matches, key=len)]
        if self.default_record_class:
            return self.default_record_class
        raise Forbidden(f"record {rid} is not covered by any signing policy", "no_record_class")


def check_meaning(meaning: Any, allowed: Iterable[str] = DEFAULT_MEANINGS) -> str:
    allowed = set(allowed)
    if not isinstance(meaning, str) or meaning not in allowed:
        raise BadRequest(
            f"unknown signature meaning {meaning!r}; expected one of {sorted(allowed)}", "unknown_meaning"
        )
    return meaning


def check_authority(
    groups: Iterable[str],
    meaning: str,
    record_class: str,
    grants: Mapping[str, Mapping[str, Iterable[str]]],
) -> None:
    """11.10(g): only a group granted this meaning for this record class may sign."""
    by_group = grants.get(record_class, {})
    if not any(meaning in set(by_group.get(g, ())) for g in groups):
        raise Forbidden(
            f"none of the signer's groups may sign '{meaning}' for record class '{record_class}'",
            "no_authority",
        )


def check_sequence(meaning: str, prior_meanings: Iterable[str], required_order: Sequence[str] | None) -> None:
    """11.10(f): every meaning earlier in the required order must already be present."""
    if not required_order or meaning not in required_order:
        return
    done = set(prior_meanings)
    for earlier in required_order[: list(required_order).index(meaning)]:
        if earlier not in done:
            raise Conflict(
                f"'{meaning}' requires a prior '{earlier}' signature on this record version",
                "out_of_sequence",
            )


# --------------------------------------------------------------------------- chain


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

"""The seal of an IQ or OQ record: an ECDSA signature, made with the estate's qualification-records
KMS key, over a short statement naming the record's account, region, protocol hash, entry count,
last entry hash and the SHA-256 of everything else in the record.

The hash chain alone has no key: whoever edits an entry can recompute every hash after it, and a
record cut after its first entries is still a valid chain. The seal closes both: an edit changes
the record's SHA-256, a cut changes the count and the last hash, and only a principal the key
policy admits can make a new signature (kms:Sign, recorded by the organization trail with its
caller and time). Verification needs only the key's public key, which the validation package files.

KMS signs a RAW message of up to 4096 bytes and hashes it itself (ECDSA_SHA_256); the statement is
a few hundred bytes. A key in another account is named by its key or alias ARN:
https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .record_chain import verify_chain

RECORD_FORMAT = "gxp-qualification-record/2"
ALGORITHM = "ECDSA_SHA_256"
STATEMENT_FIELDS = ("format", "kind", "account_role", "account_id", "region", "protocol")

VALID = "valid"
UNSIGNED = "unsigned"


def canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def body_sha256(record: dict) -> str:
    """SHA-256 over the whole record but its seal."""
    return hashlib.sha256(canonical({k: v for k, v in record.items() if k != "seal"})).hexdigest()


def statement(record: dict) -> bytes:
    """What the key signs: small enough for KMS's RAW message, complete enough that any change shows."""
    entries = record.get("entries") or []
    return canonical({
        **{k: record.get(k) for k in STATEMENT_FIELDS},
        "entries": len(entries),
        "head_hash": entries[-1].get("entry_hash") if entries else None,
        "body_sha256": body_sha256(record),
    })


class KmsSigner:
    """Signs with a KMS asymmetric key through a boto3 session (the tester's own, or QA's via a profile)."""

    def __init__(self, session, key_id: str) -> None:
        self.session, self.key_id = session, key_id

    def sign(self, message: bytes) -> dict:
        region = _region_of(self.key_id) or self.session.region_name
        answer = self.session.client("kms", region_name=region).sign(
            KeyId=self.key_id, Message=message, MessageType="RAW", SigningAlgorithm=ALGORITHM)
        caller = self.session.client("sts", region_name=region).get_caller_identity()["Arn"]
        return {"key_arn": answer["KeyId"], "algorithm": ALGORITHM, "signed_by": caller,
                "signature": base64.b64encode(answer["Signature"]).decode("ascii")}


def _region_of(key_id: str) -> str | None:
    parts = key_id.split(":")
    return parts[3] if key_id.startswith("arn:") and len(parts) > 3 else None


def seal(record: dict, signer) -> dict:
    """The record with its seal; the signer's exceptions propagate (the caller keeps the unsealed record)."""
    unsealed = {k: v for k, v in record.items() if k not in ("seal", "unsealed_reason")}
    signed = signer.sign(statement(unsealed))
    entries = unsealed.get("entries") or []
    return {**unsealed, "seal": {
        **signed,
        "entries": len(entries),
        "head_hash": entries[-1].get("entry_hash") if entries else None,
        "body_sha256": body_sha256(unsealed),
        "signed_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }}


# -- verification -------------------------------------------------------------------------------------


def load_public_key(path: str | Path) -> ec.EllipticCurvePublicKey:
    """A PEM or DER public key (aws kms get-public-key returns DER, base64-encoded by the CLI)."""
    data = Path(path).read_bytes()
    try:
        key = (serialization.load_pem_public_key(data) if data.lstrip().startswith(b"-----BEGIN")
               else serialization.load_der_public_key(data))
    except ValueError as exc:
        raise ValueError(f"{path}: not a PEM or DER public key ({exc})") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise ValueError(f"{path}: not an elliptic-curve public key; the qualification-records key is ECC_NIST_P256")
    return key


def fingerprint(key) -> str:
    der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def pem(key) -> str:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


@dataclass(frozen=True)
class SealVerdict:
    state: str  # "valid", "unsigned", or what is wrong
    detail: str = ""

    @property
    def valid(self) -> bool:
        return self.state == VALID

    def __str__(self) -> str:
        return self.state + (f" ({self.detail})" if self.detail else "")


def verify(record: dict, public_key) -> SealVerdict:
    """Whether the record is complete, unaltered and sealed by the key whose public key is given."""
    if not isinstance(record, dict) or record.get("format") != RECORD_FORMAT or not isinstance(record.get("entries"), list):
        return SealVerdict("malformed", f"not a {RECORD_FORMAT} record")
    entries = record["entries"]
    broken = verify_chain(entries)
    if broken is not None:
        return SealVerdict(f"broken chain at entry {broken}", "an entry was edited, removed or reordered")
    found = record.get("seal")
    if not isinstance(found, dict):
        return SealVerdict(UNSIGNED, str(record.get("unsealed_reason") or "the record carries no seal"))
    if found.get("entries") != len(entries):
        return SealVerdict("truncated", f"the seal counts {found.get('entries')} entries, the record holds {len(entries)}")
    if found.get("head_hash") != (entries[-1]["entry_hash"] if entries else None):
        return SealVerdict("altered", "the chain ends in another hash than the one sealed: entries were edited and "
                                      "the chain recomputed")
    if found.get("body_sha256") != body_sha256(record):
        return SealVerdict("altered", "the record's content does not match the SHA-256 its seal states")
    try:
        signature = base64.b64decode(str(found.get("signature", "")), validate=True)
        public_key.verify(signature, statement(record), ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return SealVerdict("signature invalid", f"not signed by the key with fingerprint {fingerprint(public_key)[:16]}")
    return SealVerdict(VALID, f"signed by {found.get('signed_by')} at {found.get('signed_at')} with {found.get('key_arn')}")

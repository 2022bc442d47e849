"""Electronic-signature rules of 21 CFR Part 11 Subpart C, free of any AWS I/O.

Everything here is deterministic given its inputs (claims, the clock value,
the ledger entries, the policy data), so the rules can be tested directly and
the I/O layer (``service``, entered through ``handlers``) stays a thin shell around them.

This module is the rules' single import surface; each rule lives in the module of its concern:
``errors`` (refusals), ``canonical`` (hashed and stamped forms), ``manifest`` (what a signature
binds), ``authentication`` (the signer), ``policy`` (authority and sequencing) and ``chain``
(extending and verifying the ledger).
"""

from __future__ import annotations

from .authentication import (
    DEFAULT_AUTH_WINDOW_SECONDS,
    DISABLED_CLAIM,
    POOL_AMR_CLAIM,
    SECOND_FACTOR_AMR,
    Signer,
    authenticate,
)
from .canonical import canonical_json, parse_timestamp, sha256_hex, utc_timestamp
from .chain import ChainReport, EntryCheck, build_manifest, verify_chain
from .errors import AuthenticationFailed, BadRequest, Conflict, Forbidden, NotFound, SignatureRefused
from .manifest import GENESIS_HASH, SignatureManifest, manifestation, record_id
from .policy import DEFAULT_MEANINGS, SigningPolicy, check_authority, check_meaning, check_sequence

__all__ = [
    "DEFAULT_AUTH_WINDOW_SECONDS",
    "DEFAULT_MEANINGS",
    "DISABLED_CLAIM",
    "GENESIS_HASH",
    "POOL_AMR_CLAIM",
    "SECOND_FACTOR_AMR",
    "AuthenticationFailed",
    "BadRequest",
    "ChainReport",
    "Conflict",
    "EntryCheck",
    "Forbidden",
    "NotFound",
    "SignatureManifest",
    "SignatureRefused",
    "Signer",
    "SigningPolicy",
    "authenticate",
    "build_manifest",
    "canonical_json",
    "check_authority",
    "check_meaning",
    "check_sequence",
    "manifestation",
    "parse_timestamp",
    "record_id",
    "sha256_hex",
    "utc_timestamp",
    "verify_chain",
]

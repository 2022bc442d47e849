"""The signed manifest of a record export: MANIFEST.sha256 lists the SHA-256 of every file of the bundle, and
MANIFEST.sha256.sig is a signature over the manifest's SHA-256 made with the account's export signing key, an
asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY) only the export function may sign with. A bundle edited after
the export (a file changed, added or removed, or the manifest rewritten) no longer verifies, and a signature
made with any other key is refused, whoever made it.

KMS signs a digest of at most 4096 bytes with MessageType DIGEST, and verification fails with
KMSInvalidSignatureException rather than a false answer
(https://docs.aws.amazon.com/kms/latest/APIReference/API_Sign.html,
https://docs.aws.amazon.com/kms/latest/APIReference/API_Verify.html)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from typing import Any, Mapping

MANIFEST = "MANIFEST.sha256"
SIGNATURE = "MANIFEST.sha256.sig"
SIGNATURE_INFO = "MANIFEST.sha256.sig.json"
# ECDSA with SHA-256 is the signing algorithm of an ECC_NIST_P256 key.
ALGORITHM = "ECDSA_SHA_256"


def sign_manifest(kms: Any, key_id: str, manifest: bytes, *, clock=lambda: datetime.now(timezone.utc)) -> dict[str, bytes]:
    """The signature and its description, as the two files to add beside the manifest."""
    digest = hashlib.sha256(manifest).digest()
    signed = kms.sign(KeyId=key_id, Message=digest, MessageType="DIGEST", SigningAlgorithm=ALGORITHM)
    info = {
        "key_arn": signed["KeyId"],
        "algorithm": signed.get("SigningAlgorithm", ALGORITHM),
        "message_type": "DIGEST",
        "manifest_sha256": digest.hex(),
        "signed_at": clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return {SIGNATURE: signed["Signature"], SIGNATURE_INFO: json.dumps(info, indent=2, sort_keys=True).encode()}


def _listed(manifest: bytes) -> dict[str, str] | str:
    """File name -> SHA-256 (hex) from the manifest, or why it cannot be read."""
    found: dict[str, str] = {}
    try:
        text = manifest.decode("utf-8")
    except UnicodeDecodeError:
        return "MANIFEST.sha256 is not UTF-8 text"
    for number, line in enumerate(text.splitlines(), 1):
        digest, _, name = line.partition("  ")
        if len(digest) != 64 or not name:
            return f"MANIFEST.sha256 line {number} is not '<sha256>  <file>'"
        found[name] = digest
    return found


def check_files(files: Mapping[str, bytes]) -> list[str]:
    """What is wrong with a bundle's files against its manifest (empty: every file is listed and matches)."""
    manifest = files.get(MANIFEST)
    if manifest is None:
        return [f"{MANIFEST} is missing"]
    listed = _listed(manifest)
    if isinstance(listed, str):
        return [listed]
    problems = []
    for name, digest in sorted(listed.items()):
        body = files.get(name)
        if body is None:
            problems.append(f"{name} is listed in the manifest but missing")
        elif hashlib.sha256(body).hexdigest() != digest:
            problems.append(f"{name} differs from the SHA-256 the manifest lists")
    unlisted = sorted(set(files) - set(listed) - {MANIFEST, SIGNATURE, SIGNATURE_INFO})
    problems += [f"{name} is not listed in the manifest" for name in unlisted]
    return problems


def verify_bundle(kms: Any, files: Mapping[str, bytes], expected_key: str) -> list[str]:
    """Every problem of a bundle (empty: it verifies). ``expected_key`` is the account's export signing key
    (its alias ARN): the key named in the bundle must be that key, so a bundle re-signed with another key
    fails even though its own signature is sound."""
    problems = check_files(files)
    if SIGNATURE not in files or SIGNATURE_INFO not in files:
        return problems + [f"{SIGNATURE} or {SIGNATURE_INFO} is missing: the manifest is not signed"]
    try:
        info = json.loads(files[SIGNATURE_INFO])
    except ValueError:
        return problems + [f"{SIGNATURE_INFO} is not JSON"]
    digest = hashlib.sha256(files.get(MANIFEST, b"")).digest()
    if info.get("manifest_sha256") != digest.hex():
        problems.append(f"{SIGNATURE_INFO} names a different manifest SHA-256 than {MANIFEST} has")
    expected = kms.describe_key(KeyId=expected_key)["KeyMetadata"]["Arn"]
    if info.get("key_arn") != expected:
        problems.append(f"signed with {info.get('key_arn')}, not the account's export signing key {expected}")
        return problems
    try:
        valid = kms.verify(KeyId=expected, Message=digest, MessageType="DIGEST", Signature=files[SIGNATURE],
                           SigningAlgorithm=info.get("algorithm") or ALGORITHM).get("SignatureValid")
    except kms.exceptions.KMSInvalidSignatureException:
        valid = False
    if not valid:
        problems.append(f"{SIGNATURE} is not a valid signature of {MANIFEST} by {expected}")
    return problems

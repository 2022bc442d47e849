"""The service seal: every ledger entry is signed by the signing function with an asymmetric KMS key
that only the signing function's role may use (11.70, 11.10(e)).

The hash chain alone proves order, not origin: anyone who can write the ledger table and the manifest
bucket can write an entry and a copy whose hashes agree. The seal proves the signing function wrote the
entry. It is a KMS signature (ECDSA P-256 over the manifest hash) that only the holder of kms:Sign on
the key can make, and the key policy grants kms:Sign to the signing function's role alone and denies it
to everyone else. Anyone with kms:Verify can check a seal; KMS answers for the key it holds, so a forger
cannot substitute a key of their own (the verifier names the service's key, never the entry's).
https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html
https://docs.aws.amazon.com/kms/latest/APIReference/API_Verify.html
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from .canonical import parse_timestamp
from .manifest import SignatureManifest

SEAL_ALGORITHM = "ECDSA_SHA_256"
SEAL_FIELDS = ("seal", "seal_key", "seal_algorithm")
# KMS answers an invalid signature with this error rather than SignatureValid = false.
INVALID_SIGNATURE = "KMSInvalidSignatureException"

NOT_SEALED = "entry carries no service seal: the signing function did not write it"
BAD_SEAL = "service seal does not verify: the signing function did not seal this entry, or it was changed afterwards"


class SealUnavailable(Exception):
    """KMS could not be asked; a seal that cannot be checked is never taken as valid."""


class Seals:
    """Sealing and checking ledger entries with the service's signing key."""

    kms: Any
    seal_key: str | None
    # Entries sealed before sealing existed: accepted unsealed only if their retained copy was written
    # before this instant (S3 sets LastModified; no writer can backdate it).
    unsealed_before: datetime | None
    _verified: dict[tuple[str, str], bool]

    def _seal(self, manifest: SignatureManifest) -> dict[str, str]:
        if not self.seal_key:
            raise SealUnavailable("no signing key is configured (LEDGER_SEAL_KEY)")
        try:
            answer = self.kms.sign(
                KeyId=self.seal_key,
                Message=bytes.fromhex(manifest.manifest_hash),
                MessageType="DIGEST",
                SigningAlgorithm=SEAL_ALGORITHM,
            )
        except (ClientError, BotoCoreError) as exc:
            raise SealUnavailable(f"KMS refused to seal: {exc}") from None
        return {
            "seal": base64.b64encode(answer["Signature"]).decode("ascii"),
            "seal_key": answer.get("KeyId") or self.seal_key,
            "seal_algorithm": SEAL_ALGORITHM,
        }

    def _seal_problems(self, entry: Mapping[str, Any], copy: Mapping[str, Any] | None = None) -> list[str]:
        """What is wrong with an entry's seal; empty when the service sealed exactly this manifest."""
        try:
            manifest_hash = SignatureManifest.from_dict(entry).manifest_hash
        except (TypeError, ValueError):
            return []  # the chain check already reports a malformed entry
        seal = entry.get("seal")
        if not seal:
            return [] if self._legacy(entry, copy) else [NOT_SEALED]
        if entry.get("seal_algorithm") != SEAL_ALGORITHM:
            return [BAD_SEAL]
        try:
            signature = base64.b64decode(str(seal), validate=True)
        except (binascii.Error, ValueError):
            return [BAD_SEAL]
        cache = self.__dict__.setdefault("_verified", {})
        if (manifest_hash, seal) not in cache:
            cache[(manifest_hash, seal)] = self._kms_verifies(manifest_hash, signature)
        return [] if cache[(manifest_hash, seal)] else [BAD_SEAL]

    def _kms_verifies(self, manifest_hash: str, signature: bytes) -> bool:
        if not self.seal_key:
            raise SealUnavailable("no signing key is configured (LEDGER_SEAL_KEY)")
        try:
            answer = self.kms.verify(
                KeyId=self.seal_key,
                Message=bytes.fromhex(manifest_hash),
                MessageType="DIGEST",
                Signature=signature,
                SigningAlgorithm=SEAL_ALGORITHM,
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == INVALID_SIGNATURE:
                return False
            raise SealUnavailable(f"KMS could not check a seal: {exc}") from None
        except BotoCoreError as exc:
            raise SealUnavailable(f"KMS could not check a seal: {exc}") from None
        return bool(answer.get("SignatureValid"))

    def _legacy(self, entry: Mapping[str, Any], copy: Mapping[str, Any] | None) -> bool:
        """An unsealed entry from before sealing, proven old by its retained copy's S3 timestamp."""
        if self.unsealed_before is None or not copy or not copy.get("written_at"):
            return False
        try:
            signed_at = parse_timestamp(str(entry.get("signed_at")))
        except ValueError:
            return False
        return copy["written_at"] < self.unsealed_before and signed_at < self.unsealed_before

"""A qualification-records key in moto: ECC_NIST_P256 for SIGN_VERIFY, as the Audit stack makes it.
moto signs and verifies with such a key and answers GetPublicKey with its DER public key."""

from __future__ import annotations

from pathlib import Path

RECORDS_KEY_ALIAS = "alias/gxp/qualification-records"


def make_signing_key(session, alias: str = RECORDS_KEY_ALIAS) -> str:
    """The new key's ARN (the CLIs take it with --signing-key)."""
    kms = session.client("kms")
    key = kms.create_key(KeySpec="ECC_NIST_P256", KeyUsage="SIGN_VERIFY", Description="qualification records")
    if alias:
        kms.create_alias(AliasName=alias, TargetKeyId=key["KeyMetadata"]["KeyId"])
    return key["KeyMetadata"]["Arn"]


def write_public_key(session, key_arn: str, path: Path) -> Path:
    path.write_bytes(session.client("kms").get_public_key(KeyId=key_arn)["PublicKey"])
    return path

"""Deployed customer-managed keys as ``AWS::KMS::Key``, found by their aliases."""

from __future__ import annotations

import json

from ..cfn import Resource, Unresolved
from .reader import AccountReader


def aliases(reader: AccountReader, prefix: str) -> dict[str, str] | Unresolved:
    """Alias name -> target key ID for every alias starting with ``prefix``, or why they cannot be listed."""
    return reader.once(("kms", "aliases", prefix), lambda: _aliases(reader, prefix))


def _aliases(reader: AccountReader, prefix: str) -> dict[str, str] | Unresolved:
    found: dict[str, str] = {}
    kwargs: dict = {}
    while True:
        page = reader.call("kms", "list_aliases", **kwargs)
        if not page.ok:
            return Unresolved(page.error)
        for alias in page.get("Aliases") or []:
            if alias.get("AliasName", "").startswith(prefix) and alias.get("TargetKeyId"):
                found[alias["AliasName"]] = alias["TargetKeyId"]
        if not page.get("Truncated"):
            return found
        kwargs = {"Marker": page.get("NextMarker")}


def keys(reader: AccountReader, expected: list[str], prefix: str) -> list[Resource]:
    """The keys under ``expected`` aliases (missing where an alias is absent) and any other key under
    ``prefix``: a key under the estate's alias prefix is the estate's key, whoever made it."""
    found = aliases(reader, prefix)
    if isinstance(found, Unresolved):
        return [reader.once(("kms", "unlisted"), lambda: reader.add(
            "AWS::KMS::Key", "KMS aliases", {"EnableKeyRotation": found, "KeyPolicy": found}))]
    named = list(expected) + sorted(a for a in found if a not in expected)
    return [key(reader, alias, found.get(alias)) for alias in named]


def key(reader: AccountReader, alias: str, key_id: str | None) -> Resource:
    return reader.once(("kms", alias), lambda: _read(reader, alias, key_id))


def _policy(reader: AccountReader, key_id: str) -> object:
    text = reader.call("kms", "get_key_policy", KeyId=key_id, PolicyName="default").get("Policy")
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return Unresolved("the key policy KMS returned is not JSON")


def _read(reader: AccountReader, alias: str, key_id: str | None) -> Resource:
    if key_id is None:
        return reader.add("AWS::KMS::Key", alias, {}, missing=f"no key under {alias}")
    described = reader.call("kms", "describe_key", KeyId=key_id)
    meta = described.get("KeyMetadata")
    meta = meta if isinstance(meta, dict) else {}
    rotation = reader.call("kms", "get_key_rotation_status", KeyId=key_id)
    properties = {
        # Not CloudFormation properties, but what a function names the key by (its ARN or ID).
        "Arn": meta.get("Arn"),
        "KeyId": meta.get("KeyId"),
        "Description": meta.get("Description"),
        "Enabled": meta.get("Enabled") if described.ok else described.get("KeyMetadata"),
        "KeySpec": meta.get("KeySpec"),
        "KeyUsage": meta.get("KeyUsage"),
        "Origin": meta.get("Origin"),
        "EnableKeyRotation": rotation.get("KeyRotationEnabled"),
        "RotationPeriodInDays": rotation.get("RotationPeriodInDays"),
        "KeyPolicy": _policy(reader, key_id),
    }
    return reader.add("AWS::KMS::Key", alias, {k: v for k, v in properties.items() if v is not None})

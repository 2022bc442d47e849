"""GXP-KEY-01: every customer-managed encryption key rotates its key material automatically."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, cannot_prove, cfn_bool, compliant, non_compliant, not_applicable
from ._keys import ESTATE_KEYS


def check(key, ctx):
    usage = key.get("KeyUsage")
    if isinstance(usage, Unresolved):
        return cannot_prove(f"KeyUsage: {usage.why}")
    if usage == "SIGN_VERIFY":
        # A signing key protects no record content, and KMS rotates only symmetric encryption keys
        # (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html): GXP-ESIG-13 judges it.
        return not_applicable("a SIGN_VERIFY key encrypts nothing, and KMS cannot rotate an asymmetric key")
    rotation = cfn_bool(key.get("EnableKeyRotation"))
    if isinstance(rotation, Unresolved):
        return cannot_prove(f"EnableKeyRotation: {rotation.why}")
    if rotation is True:
        return compliant("EnableKeyRotation is true")
    seen = "EnableKeyRotation is false"
    if rotation is None:
        seen = "EnableKeyRotation is not set (KMS does not rotate by default)"
    spec = key.get("KeySpec")
    if isinstance(spec, str) and spec != "SYMMETRIC_DEFAULT":
        # KMS rotates only symmetric encryption keys; any other key needs a recorded deviation.
        seen += f"; KeySpec {spec} cannot rotate automatically"
    return non_compliant(seen)


CONTROL = Control(
    id="GXP-KEY-01",
    title="Key rotation",
    statement=(
        "Every customer-managed KMS encryption key rotates its key material automatically (signing keys, which "
        "encrypt nothing and which KMS cannot rotate, are outside this control)."
    ),
    part11={
        "11.10(d)": "Key material that protects records is renewed on a schedule, limiting what a leaked key could open.",
        "11.10(c)": "Rotation keeps earlier key material for decryption, so records encrypted years ago stay retrievable while keys are renewed.",
    },
    annex11={
        "7.1": "Data stays secured electronically through the retention period, with keys renewed rather than replaced.",
        "12.1": "The logical control that restricts reading encrypted data is kept current.",
    },
    jp_eres={"3.1.3": "Preservation: records stay decryptable across key renewals for the whole retention period."},
    resource_types=("AWS::KMS::Key",),
    check=check,
    deployed=ESTATE_KEYS,
    config_rule="CMK_BACKING_KEY_ROTATION_ENABLED",
)

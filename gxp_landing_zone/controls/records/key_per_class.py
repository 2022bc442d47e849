"""GXP-REC-02: each data class is encrypted with its own customer-managed key."""

from __future__ import annotations

from ..buckets._bucket import aliases_of, key_of, kms_default
from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, compliant, non_compliant, show
from ._records import RECORDS_BUCKETS, record_class, records_bucket


def _alias(key, ctx, data_class: str):
    if ctx.names is None:
        return cannot_prove("no config: the class's key alias is not known")
    required = ctx.names.records_key_alias(data_class)
    aliases = aliases_of(key)
    if any(isinstance(a, Unresolved) for a in aliases):
        return cannot_prove(next(a for a in aliases if isinstance(a, Unresolved)))
    if required in aliases:
        return compliant(f"key {key.logical_id} is {required}")
    return non_compliant(f"key {key.logical_id} has aliases {aliases or 'none'}; the {data_class} key is {required}")


def _not_shared(bucket, key, ctx):
    for other in bucket.stack.of_type("AWS::S3::Bucket"):
        if other.logical_id == bucket.logical_id or record_class(other, ctx) is None:
            continue
        default = kms_default(other)
        shared = key_of(other, default.get("KMSMasterKeyID")) if isinstance(default, dict) and default else None
        if shared is not None and shared.logical_id == key.logical_id:
            return non_compliant(f"key {key.logical_id} also encrypts {other.logical_id}")
    return compliant(f"no other records bucket uses key {key.logical_id}")


def check(bucket, ctx):
    data_class, verdict = records_bucket(bucket, ctx)
    if verdict is not None:
        return verdict
    default = kms_default(bucket)
    if isinstance(default, Unresolved):
        return cannot_prove(f"BucketEncryption: {default.why}")
    key_id = default.get("KMSMasterKeyID") if default else None
    if isinstance(key_id, Unresolved):
        return cannot_prove(f"KMSMasterKeyID: {key_id.why}")
    key = key_of(bucket, key_id)
    if key is None:
        return non_compliant(f"encrypted with {show(key_id) if key_id else 'no customer-managed key'}, not a key of this stack")
    # The key's rotation is GXP-KEY-01's, which judges every customer-managed key of the estate.
    return all_of(_alias(key, ctx, data_class), _not_shared(bucket, key, ctx))


CONTROL = Control(
    id="GXP-REC-02",
    title="One key per data class",
    statement=(
        "Each records bucket is encrypted with its data class's own customer-managed KMS key (the key carrying "
        "the class's alias, defined beside the bucket), which no other records bucket uses: a grant on one "
        "class's key never opens another class."
    ),
    part11={
        "11.10(c)": "Each class's records are protected under a key of their own, so a key problem never exposes the whole archive.",
        "11.10(d)": "Access to a class's records needs its own key, so access is limited class by class.",
        "11.10(g)": "Authority to read one class of records does not carry over to another.",
    },
    annex11={
        "7.1": "Data is secured electronically at rest under keys separated by data class.",
        "12.1": "Logical access to each class of data is restricted through its own key policy.",
    },
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=RECORDS_BUCKETS,
    boundary=REGULATED_ONLY,
    config_rule="S3_DEFAULT_ENCRYPTION_KMS",
)

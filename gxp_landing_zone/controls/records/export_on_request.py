"""GXP-REC-07: an accurate and complete copy of any record version can be made on request, in the account and
region that keep it, and the copy carries a signature only the export can make.

Judged per records bucket: beside it, a function runs the record export handler; its role may read the
bucket's versions and may kms:Sign with the export signing key and no other key; that key is an asymmetric
signing key whose policy lets the function's role alone sign; the bucket the export writes to is under Object
Lock in COMPLIANCE mode, so a copy handed to an inspector cannot be changed afterwards."""

from __future__ import annotations

from ..buckets._bucket import covers_objects, records_buckets_by_name
from ..cfn import Resource, Unresolved
from ..deployed.kms import aliases
from ..deployed.kms import key as read_key
from ..deployed.lambda_functions import function_by_name
from ..deployed.s3 import bucket as read_bucket
from ..model import (
    REGULATED, REGULATED_ONLY, Control, DeployedCheck, all_of, cannot_prove, cfn_bool, compliant, expect, non_compliant,
    not_applicable, show,
)
from ..signatures._service import function_statements, variable
from ..signing_keys import key_named, signing_key_verdict
from ._records import RECORDS_BUCKETS, records_bucket

# The runtime entry point that writes a signed export (records/runtime/export_handler.py); its behaviour is
# proven by tests/records/test_export_function.py.
EXPORT_HANDLER = "gxp_landing_zone.records.runtime.export_handler.handler"
SIGNING_KEY = "SIGNING_KEY"
EXPORT_BUCKET = "EXPORT_BUCKET"
# What names the export in a deployed account (Names.RECORD_EXPORT_FUNCTION and its signing key's alias).
FUNCTION_NAME = "gxp-record-export"
SIGNING_KEY_ALIAS = "alias/gxp/record-export-signing"


def export_functions(stack) -> list[Resource] | Unresolved:
    found, unknown = [], None
    for function in stack.of_type("AWS::Lambda::Function"):
        handler = function.get("Handler")
        if handler == EXPORT_HANDLER:
            found.append(function)
        elif isinstance(handler, Unresolved):
            unknown = handler
    return found if found or unknown is None else unknown


def _reads(statements, bucket) -> bool:
    return any(s.is_allow and s.grants_any(["s3:GetObjectVersion"]) and covers_objects(s, bucket) for s in statements)


def _names_key(value, key) -> bool:
    return key.refers_to(value) or (isinstance(value, str) and value in (key.get("Arn"), key.get("KeyId")))


def _signs_only_with(statements, key):
    signing = [s for s in statements if s.is_allow and s.grants_any(["kms:Sign"])]
    if not signing:
        return non_compliant("the export's role may not kms:Sign with the export signing key: its manifests go unsigned")
    other = [r for s in signing for r in (s.resources() or ["(NotResource)"]) if not _names_key(r, key)]
    if other or any("NotResource" in s.raw for s in signing):
        return non_compliant(f"the export's role may kms:Sign with {', '.join(map(show, other))}, not only the export signing key")
    return compliant("the export's role may kms:Sign with the export signing key only")


def _exports_locked(function):
    name = variable(function, EXPORT_BUCKET)
    if isinstance(name, Unresolved):
        return cannot_prove(f"{EXPORT_BUCKET}: {name.why}")
    if not isinstance(name, str):
        return non_compliant(f"the export names no bucket it writes to ({EXPORT_BUCKET} is {show(name)})")
    target = next((b for b in function.stack.of_type("AWS::S3::Bucket") if b.get("BucketName") == name), None)
    if target is None:
        return cannot_prove(f"the exports bucket {name} is not in this account's template or reading")
    return all_of(
        expect(cfn_bool(target.get("ObjectLockEnabled")), True, f"{name} ObjectLockEnabled"),
        expect(target.get("ObjectLockConfiguration.Rule.DefaultRetention.Mode"), "COMPLIANCE", f"{name} default lock mode"),
    )


def _function(function, bucket):
    found = function_statements(function, "the export")
    if not isinstance(found, list):
        return found
    value = variable(function, SIGNING_KEY)
    if value is None:
        return non_compliant(f"the export sets no {SIGNING_KEY}: its manifests go unsigned")
    if isinstance(value, Unresolved):
        return cannot_prove(f"{SIGNING_KEY}: {value.why}")
    key = key_named(function, value)
    if key is None:
        return cannot_prove(f"{SIGNING_KEY} {show(value)} is not a key this account's template or reading defines")
    name = bucket.get("BucketName")
    return all_of(
        compliant(f"the export's role may read every version of {name}") if _reads(found, bucket)
        else non_compliant(f"the export's role may not read the versions of {name}"),
        _signs_only_with(found, key),
        signing_key_verdict(key, function.get("Role"), "the export function", "the export signing key"),
        _exports_locked(function),
    )


def check(bucket, ctx):
    held, verdict = records_bucket(bucket, ctx)
    if verdict is not None:
        return verdict
    if bucket.get("BucketName") not in records_buckets_by_name(ctx):
        # The export serves the buckets the config names; a class bucket under another name is GXP-REC-05's finding.
        return not_applicable("a bucket holding a data class under a name the config does not give it (GXP-REC-05)")
    functions = export_functions(bucket.stack)
    if isinstance(functions, Unresolved):
        return cannot_prove(f"whether a function here exports records: {functions.why}")
    if not functions:
        return non_compliant(f"no function here runs the record export ({EXPORT_HANDLER}): no copy of {held} records "
                             "can be made on request")
    return all_of(*(_function(f, bucket) for f in functions))


def _read(reader) -> list[Resource]:
    """The class buckets, with the export function, its role, its signing key and its exports bucket beside them."""
    buckets = RECORDS_BUCKETS.read(reader)
    function = function_by_name(reader, FUNCTION_NAME)
    exports = variable(function, EXPORT_BUCKET)
    if isinstance(exports, str):
        read_bucket(reader, exports)
    found = aliases(reader, "alias/gxp/")
    read_key(reader, SIGNING_KEY_ALIAS, None if isinstance(found, Unresolved) else found.get(SIGNING_KEY_ALIAS))
    return buckets


CONTROL = Control(
    id="GXP-REC-07",
    title="Accurate and complete copies on request",
    statement=(
        "In every regulated account and workload region, a function runs the record export: on request it copies one "
        "record version byte for byte with its SHA-256 checked against the stored checksum, renders its metadata and "
        "signatures as printable HTML and JSON, and signs the bundle's manifest. Its role may read the versions of "
        "every records bucket there and may kms:Sign with the export signing key only; that key is an asymmetric "
        "signing key whose policy lets the function's role alone sign, denies grants and denies policy changes outside "
        "a deployment; the bundles are written to a bucket under Object Lock in COMPLIANCE mode."
    ),
    part11={
        "11.10(b)": "Any record version can be copied on request in electronic form (the original bytes, checked against their stored SHA-256) and in human-readable form (metadata and signature manifestations as printable HTML), in a bundle whose signed manifest shows it is complete and unaltered.",
    },
    annex11={
        "8.1": "A clear printable copy of a stored record's data, metadata and signatures can be obtained on request, checked against the stored original.",
    },
    jp_eres={
        "3.1.2": "Readability: a stored record can be shown and printed in human-readable form on request; an archived one after the restore wait the export states.",
    },
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=DeployedCheck(read=_read, accounts=frozenset({REGULATED}), regions="workload"),
    boundary=REGULATED_ONLY,
)

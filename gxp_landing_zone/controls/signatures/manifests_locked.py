"""GXP-ESIG-07: signature manifests are written to a bucket locked for the longest record retention."""

from __future__ import annotations

from ..buckets._bucket import required_lock_days, retention_class
from ..cfn import Ref, Unresolved
from ..context import MANIFEST_RETENTION_CLASS
from ..deployed.s3 import bucket as read_bucket
from ..model import (
    REGULATED_ONLY,
    Control,
    Verdict,
    all_of,
    cannot_prove,
    cfn_bool,
    cfn_int,
    compliant,
    expect,
    non_compliant,
    not_applicable,
)
from ._service import is_signing_function, service_check, service_functions, variable

VARIABLE = "MANIFEST_BUCKET"
RETENTION = "ObjectLockConfiguration.Rule.DefaultRetention"
# Object Lock counts a retention year as a calendar year; 365 days is the least it can be.
DAYS_PER_YEAR = 365


def _bucket(function, name):
    if isinstance(name, Ref):
        return function.stack.target(name, "AWS::S3::Bucket")
    return next((b for b in function.stack.of_type("AWS::S3::Bucket") if b.get("BucketName") == name), None)


def _retention_days(bucket):
    days, years = cfn_int(bucket.get(f"{RETENTION}.Days")), cfn_int(bucket.get(f"{RETENTION}.Years"))
    for value in (days, years):
        if isinstance(value, Unresolved):
            return value
    if days is not None:
        return days
    return years * DAYS_PER_YEAR if years is not None else None


def _required_days(bucket, ctx):
    """A manifest must outlive every record it may sign: the manifest class's retention (the longest
    data class), or more if the bucket's own name or class asks for more."""
    wanted = [ctx.lock_days_by_class.get(MANIFEST_RETENTION_CLASS), required_lock_days(bucket, ctx)]
    for value in wanted:
        if isinstance(value, Unresolved):
            return value
    known = [v for v in wanted if isinstance(v, int) and v >= 0]
    return max(known) if known else Unresolved("the manifest retention comes from the config, which was not given")


def _locked(bucket, ctx):
    required = _required_days(bucket, ctx)
    days = _retention_days(bucket)
    if isinstance(required, Unresolved):
        retained = cannot_prove(f"required retention: {required.why}")
    elif isinstance(days, Unresolved):
        retained = cannot_prove(f"{RETENTION}: {days.why}")
    elif days is None or days < required:
        retained = non_compliant(f"default retention is {days or 'not set'} days; required >= {required}")
    else:
        retained = compliant(f"default retention {days} days >= {required}")
    return all_of(
        expect(retention_class(bucket), MANIFEST_RETENTION_CLASS, "retention class"),
        expect(cfn_bool(bucket.get("ObjectLockEnabled")), True, "ObjectLockEnabled"),
        expect(bucket.get(f"{RETENTION}.Mode"), "COMPLIANCE", f"{RETENTION}.Mode"),
        retained,
    )


def _reads_the_account_archive(function, name, ctx) -> bool:
    """A function outside the service (a release gate) may read the account's manifest archive by the name
    the config gives it; the signing function must always write to a bucket of its own stack."""
    account, region = function.stack.account, function.region
    if ctx.names is None or not account or not region or is_signing_function(function, ctx) is not False:
        return False
    return name == ctx.names.signature_manifest_bucket(account, region)


def check(function, ctx):
    name = variable(function, VARIABLE)
    if name is None:
        signing = is_signing_function(function, ctx)
        if isinstance(signing, Unresolved):
            return cannot_prove(f"whether the function signs: {signing.why}")
        return non_compliant(f"the signing function sets no {VARIABLE}") if signing else not_applicable()
    if isinstance(name, Unresolved):
        return cannot_prove(f"{VARIABLE}: {name.why}")
    bucket = _bucket(function, name)
    if bucket is None and _reads_the_account_archive(function, name, ctx):
        return compliant(f"{VARIABLE} {name} is this account's manifest archive, judged in the stack that defines it; "
                         "this function does not sign")
    if bucket is None:
        return non_compliant(f"{VARIABLE} {name} is not a bucket this stack defines, so its lock cannot be shown")
    verdict = _locked(bucket, ctx)
    return Verdict(verdict.outcome, f"{VARIABLE} {bucket.get('BucketName')}: {verdict.observed}")


def _read(reader):
    functions = service_functions(reader)
    for function in functions:
        name = variable(function, VARIABLE)
        if isinstance(name, str):
            read_bucket(reader, name)
    return functions


CONTROL = Control(
    id="GXP-ESIG-07",
    title="Signature manifests immutable for the record retention",
    statement=(
        "Every function that writes or reads signature manifests (MANIFEST_BUCKET) uses a bucket of its own stack "
        "that is the manifest archive (retention class esignature-manifest) under Object Lock COMPLIANCE for at "
        "least the longest data-class retention, or - for a function that does not sign - the account's archive by "
        "the name the config gives it; the signing function always names one."
    ),
    part11={
        "11.50(b)": "The manifestation (name, date and time, meaning) is kept under the same controls as the record: no one can alter or remove it.",
        "11.70": "The manifest that binds a signature to its record version cannot be excised, replaced or deleted while the record is kept.",
        "11.10(e)": "The copy of each signing action is kept at least as long as the records it concerns and cannot be obscured.",
    },
    annex11={
        "14": "Each signature stays permanently linked to its record, with the time and date it was applied.",
        "7.1": "Signature evidence is secured against alteration and loss through the whole retention period.",
    },
    jp_eres={
        "4": "Signature-record linking: the manifest that links them is immutable.",
        "3.1.3": "Preservation: signature evidence is kept as long as the records it signs.",
    },
    resource_types=("AWS::Lambda::Function",),
    check=check,
    deployed=service_check(_read),
    boundary=REGULATED_ONLY,
)

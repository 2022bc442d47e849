"""GXP-REV-01: the audit account holds saved audit-trail review queries for every data class (changes,
attempted deletions, reads by unusual principals, lock and policy changes) in a workgroup whose settings
no query can override and whose results are encrypted."""

from __future__ import annotations

from ..cfn import Ref, Unresolved
from ..deployed.athena import review_workgroup
from ..model import AUDIT, Control, DeployedCheck, all_of, cannot_prove, cfn_bool, compliant, non_compliant, \
    not_applicable

# What each kind of review must look for, as CloudTrail names the operations (the query may look for more).
KINDS = {
    "changes": ("PutObject", "CopyObject", "CompleteMultipartUpload", "PutObjectRetention", "PutObjectLegalHold"),
    "attempted deletions": ("DeleteObject", "DeleteObjects"),
    "reads by unusual principals": ("GetObject",),
    "lock and policy changes": ("PutBucketPolicy", "DeleteBucketPolicy", "PutObjectLockConfiguration",
                                "PutBucketVersioning", "PutBucketLifecycle", "PutKeyPolicy", "ScheduleKeyDeletion"),
}


def _names_workgroup(value, workgroup, name: str) -> bool:
    if isinstance(value, Ref):
        return value.logical_id == workgroup.logical_id
    return value == name


def _query_verdict(query, data_class: str, kind: str, table: str, bucket_like: str):
    text = query.get("QueryString")
    if isinstance(text, Unresolved):
        return cannot_prove(f"'{data_class}: {kind}': {text.why}")
    if not isinstance(text, str):
        return cannot_prove(f"'{data_class}: {kind}' has no literal query")
    lacking = [t for t in (table, bucket_like, *(f"'{e}'" for e in KINDS[kind])) if t not in text]
    if lacking:
        return non_compliant(f"'{data_class}: {kind}' does not look for {', '.join(lacking)}")
    return compliant(f"'{data_class}: {kind}'")


def check(workgroup, ctx):
    names = ctx.names
    if ctx.config is None or names is None:
        return cannot_prove("the data classes come from the config, which was not given")
    name = workgroup.get("Name")
    if isinstance(name, Unresolved):
        return cannot_prove(f"Name: {name.why}")
    if name != names.TRAIL_REVIEW_WORKGROUP:
        return not_applicable(f"{name} is not the audit-trail review workgroup")
    enforced = cfn_bool(workgroup.get("WorkGroupConfiguration.EnforceWorkGroupConfiguration"))
    settings = (cannot_prove(f"EnforceWorkGroupConfiguration: {enforced.why}") if isinstance(enforced, Unresolved)
                else compliant("query settings enforced") if enforced
                else non_compliant("EnforceWorkGroupConfiguration is not true: a query can send its results elsewhere"))
    key = (workgroup.get("WorkGroupConfiguration.ManagedQueryResultsConfiguration.EncryptionConfiguration.KmsKey")
           or workgroup.get("WorkGroupConfiguration.ResultConfiguration.EncryptionConfiguration.EncryptionOption"))
    encrypted = (cannot_prove(f"result encryption: {key.why}") if isinstance(key, Unresolved)
                 else compliant("results encrypted") if key else non_compliant("query results are not encrypted"))
    queries = {}
    for query in workgroup.stack.of_type("AWS::Athena::NamedQuery"):
        if _names_workgroup(query.get("WorkGroup"), workgroup, name):
            queries[query.get("Name")] = query
    table = f'"{names.TRAIL_REVIEW_DATABASE}"."{names.TRAIL_REVIEW_TABLE}"'
    found = []
    for data_class in ctx.config.data_classes:
        for kind in KINDS:
            query = queries.get(f"{data_class.name}: {kind}")
            found.append(non_compliant(f"no saved query '{data_class.name}: {kind}'") if query is None
                         else _query_verdict(query, data_class.name, kind, table, names.records_sql_like(data_class.name)))
    return all_of(settings, encrypted, *found)


CONTROL = Control(
    id="GXP-REV-01",
    title="Saved audit-trail review queries per data class",
    statement=(
        "The audit account's review workgroup enforces its settings and encrypts results, and holds, for every data "
        "class, saved queries over the organization trail for changes, attempted deletions, reads by principals "
        "other than the estate's own roles, and changes to the buckets' lock, policies and keys."
    ),
    part11={
        "11.10(e)": "The audit trail of every record class can be reviewed with queries that are part of the validated configuration.",
    },
    annex11={
        "9": "The audit trail is made reviewable per data class: changes, deletions attempted, unusual reads, protection changes.",
    },
    jp_eres={"3.1.1": "Authenticity: who changed or read a record can be established from the trail on demand."},
    resource_types=("AWS::Athena::WorkGroup",),
    check=check,
    deployed=DeployedCheck(read=review_workgroup, accounts=frozenset({AUDIT}), regions="home"),
)

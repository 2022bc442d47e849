"""GXP-REC-04: only de-identified classes replicate, only to the buckets the config names, and never
their deletions."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, compliant, expect, non_compliant
from ._records import RECORDS_BUCKETS, destinations, records_bucket

# A replicated delete marker hides the record in the replica: the copy must keep what the source
# keeps, so delete markers are never copied (the locked versions behind them are).
DELETE_MARKERS = "Disabled"


def _rule(rule, name, data_class: str, ctx):
    label = rule.get("Id") or "unnamed rule"
    status = rule.get("Status")
    parts = []
    if isinstance(name, Unresolved):
        parts.append(cannot_prove(f"{label}: destination: {name.why}"))
    elif data_class not in ctx.de_identified_classes:
        parts.append(non_compliant(f"{label}: identified class {data_class} replicates to {name}; identified classes never replicate"))
    elif name not in ctx.replication_targets.get(data_class, frozenset()):
        allowed = ", ".join(sorted(ctx.replication_targets.get(data_class, ()))) or "none"
        parts.append(non_compliant(f"{label}: replicates to {name}; the config names {allowed}"))
    else:
        parts.append(compliant(f"{label}: replicates to {name}, a target the config names"))
    if isinstance(status, Unresolved) or status != "Disabled":
        markers = rule.get("DeleteMarkerReplication")
        markers = markers.get("Status") if isinstance(markers, dict) else markers
        parts.append(expect(markers, DELETE_MARKERS, f"{label}: DeleteMarkerReplication.Status"))
    return all_of(*parts)


def check(bucket, ctx):
    data_class, verdict = records_bucket(bucket, ctx)
    if verdict is not None:
        return verdict
    found = destinations(bucket)
    if isinstance(found, Unresolved):
        return cannot_prove(f"ReplicationConfiguration: {found.why}")
    if not found:
        return compliant("no replication")
    return all_of(*(_rule(rule, name, data_class, ctx) for rule, name in found))


CONTROL = Control(
    id="GXP-REC-04",
    title="Replication only for de-identified classes",
    statement=(
        "Only de-identified classes replicate, only to the records buckets the config names for them, and no "
        "replication rule copies delete markers: a deletion in the source never hides the record in its replica."
    ),
    part11={
        "11.10(c)": "A replica keeps every record the source keeps: deletions are not propagated to it.",
        "11.10(d)": "Identified records are never copied to another account, where other people have access.",
    },
    jp_eres={"3.1.3": "Preservation: copies of records keep what the original keeps."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=RECORDS_BUCKETS,
    boundary=REGULATED_ONLY,
)

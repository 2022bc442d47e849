"""GXP-REC-06: lifecycle rules only move record versions to durable colder storage; none expires one."""

from __future__ import annotations

from ..cfn import Unresolved, contains_unresolved
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, cfn_bool, compliant, non_compliant
from ._records import RECORDS_BUCKETS, records_bucket

# Storage classes a records version may move to: each keeps S3's multi-zone durability and its Object
# Lock retention. ONEZONE_IA keeps one zone only, so it is not among them.
DURABLE_CLASSES = ("STANDARD_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")
# Expiring a current version adds a delete marker that hides the record; expiring a noncurrent one
# removes it once its lock lapses; removing delete markers erases the trace of a deletion.
EXPIRING = ("ExpirationInDays", "ExpirationDate", "NoncurrentVersionExpiration", "NoncurrentVersionExpirationInDays")


def _moves(rule) -> list:
    moves = list(rule.get("Transitions") or []) + list(rule.get("NoncurrentVersionTransitions") or [])
    return moves + [t for t in (rule.get("Transition"), rule.get("NoncurrentVersionTransition")) if t]


def _rule(rule):
    label = rule.get("Id") or "unnamed rule"
    if (why := contains_unresolved(rule)) is not None:
        return cannot_prove(f"{label}: {why.why}")
    if rule.get("Status") != "Enabled":
        return compliant(f"{label} is {rule.get('Status')}")
    expiring = [k for k in EXPIRING if rule.get(k) not in (None, "", {})]
    if cfn_bool(rule.get("ExpiredObjectDeleteMarker")) is True:
        expiring.append("ExpiredObjectDeleteMarker")
    if expiring:
        return non_compliant(f"{label} expires: {', '.join(expiring)}")
    colder = [t.get("StorageClass") for t in _moves(rule)]
    fragile = [c for c in colder if c not in DURABLE_CLASSES]
    if fragile:
        return non_compliant(f"{label} moves versions to {', '.join(map(str, fragile))}")
    return compliant(f"{label} moves versions to {', '.join(colder) or 'nothing'}")


def check(bucket, ctx):
    _, verdict = records_bucket(bucket, ctx)
    if verdict is not None:
        return verdict
    rules = bucket.get("LifecycleConfiguration.Rules")
    if isinstance(rules, Unresolved):
        return cannot_prove(f"LifecycleConfiguration: {rules.why}")
    if not rules:
        return compliant("no lifecycle rules")
    return all_of(*(_rule(rule) for rule in rules))


CONTROL = Control(
    id="GXP-REC-06",
    title="Lifecycle keeps the lock",
    statement=(
        "Lifecycle rules of a records bucket only move versions to durable colder storage (Standard-IA, "
        "Intelligent-Tiering, Glacier Instant Retrieval, Glacier, Deep Archive); none expires a version or "
        "removes delete markers."
    ),
    part11={"11.10(c)": "Records stay accurately and readily retrievable: lifecycle never deletes or hides them, only moves them."},
    annex11={
        "7.1": "Moving data to colder storage keeps it durable, accessible and readable through the retention period.",
        "17": "Archived data remains retrievable and intact after it is moved to archive storage.",
    },
    jp_eres={"3.1.3": "Preservation: moving records between storage tiers never loses them."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=RECORDS_BUCKETS,
    boundary=REGULATED_ONLY,
    config_rule="S3_VERSION_LIFECYCLE_POLICY_CHECK",
)

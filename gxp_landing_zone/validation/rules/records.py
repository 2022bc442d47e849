"""Regulated records buckets: retention per class, a key per class, residency, replication,
data-event coverage and a lifecycle that never weakens the lock."""

from __future__ import annotations

from cdk_nag import NagRuleCompliance as C

from ...constructs.records_vault import ARCHIVE_STORAGE_CLASSES
from ...constructs.tags import RETENTION_CLASS_TAG
from ._read import prop, refers_to, siblings, stack_account, stack_region, tag
from .context import RuleContext

EXPIRING = ("expirationInDays", "expirationDate", "noncurrentVersionExpiration", "noncurrentVersionExpirationInDays")


def _record_class(node, ctx: RuleContext) -> str | None:
    """The data class of a records bucket; "" for a records bucket with no known class; None otherwise."""
    data_class = tag(node, RETENTION_CLASS_TAG)
    if data_class in ctx.data_classes:
        return data_class
    name = prop(node, "bucket_name")
    if isinstance(name, str) and name.startswith(ctx.records_bucket_prefix):
        return ""
    return None


def _key_ref(node):
    for rule in (prop(node, "bucket_encryption") or {}).get("serverSideEncryptionConfiguration") or []:
        key = (rule.get("serverSideEncryptionByDefault") or {}).get("kmsMasterKeyId")
        if key:
            return key
    return None


def _destinations(node) -> list[str]:
    rules = (prop(node, "replication_configuration") or {}).get("rules") or []
    found = []
    for rule in rules:
        bucket = (rule.get("destination") or {}).get("bucket")
        found.append(bucket.removeprefix("arn:aws:s3:::") if isinstance(bucket, str) else repr(bucket))
    return found


def retention_matches_class(node, ctx: RuleContext):
    """COMPLIANCE-mode default retention equal to the class's retention: shorter breaks the predicate
    rule, longer can never be undone."""
    data_class = _record_class(node, ctx)
    if data_class is None:
        return C.NOT_APPLICABLE
    if not data_class:
        return C.NON_COMPLIANT
    retention = ((prop(node, "object_lock_configuration") or {}).get("rule") or {}).get("defaultRetention") or {}
    days = retention.get("days") or (retention.get("years") or 0) * 365
    ok = retention.get("mode") == "COMPLIANCE" and days == ctx.lock_days_by_class[data_class]
    return C.COMPLIANT if ok else C.NON_COMPLIANT


def own_key_per_class(node, ctx: RuleContext):
    """Encrypted with a customer-managed key defined beside it and used by no other class's bucket."""
    if _record_class(node, ctx) is None:
        return C.NOT_APPLICABLE
    key = _key_ref(node)
    if not isinstance(key, dict) or not any(refers_to(key, k) for k in siblings(node, "AWS::KMS::Key")):
        return C.NON_COMPLIANT
    for other in siblings(node, "AWS::S3::Bucket"):
        # jsii hands out a new proxy per lookup: compare construct paths, not identity.
        if other.node.path != node.node.path and _record_class(other, ctx) is not None and _key_ref(other) == key:
            return C.NON_COMPLIANT
    return C.COMPLIANT


def records_stay_in_jurisdiction(node, ctx: RuleContext):
    """The bucket sits in its regulated account's jurisdiction, and so does every replica unless the
    class is de-identified and allowed to leave."""
    data_class = _record_class(node, ctx)
    if data_class is None:
        return C.NOT_APPLICABLE
    jurisdiction = ctx.jurisdiction_by_account.get(stack_account(node))
    if jurisdiction is None or ctx.region_jurisdiction.get(stack_region(node)) != jurisdiction:
        return C.NON_COMPLIANT
    for bucket in _destinations(node):
        region = ctx.records_bucket_region.get(bucket)
        if region is None:
            return C.NON_COMPLIANT  # a copy somewhere the config does not know
        if ctx.region_jurisdiction.get(region) != jurisdiction and data_class not in ctx.classes_leaving_jurisdiction:
            return C.NON_COMPLIANT
    return C.COMPLIANT


def replication_only_de_identified(node, ctx: RuleContext):
    """Only a de-identified class replicates, and only to the targets the config names for it."""
    data_class = _record_class(node, ctx)
    if data_class is None:
        return C.NOT_APPLICABLE
    destinations = _destinations(node)
    if not destinations:
        return C.COMPLIANT
    allowed = ctx.replication_targets.get(data_class, frozenset())
    ok = data_class in ctx.de_identified_classes and all(d in allowed for d in destinations)
    return C.COMPLIANT if ok else C.NON_COMPLIANT


def covered_by_data_events(node, ctx: RuleContext):
    """A bucket holding a data class is named with the records prefix the organization trail's
    S3 data-event selector matches, so every read and write of a record is logged."""
    if tag(node, RETENTION_CLASS_TAG) not in ctx.data_classes:
        return C.NOT_APPLICABLE
    name = prop(node, "bucket_name")
    return C.COMPLIANT if isinstance(name, str) and name.startswith(ctx.records_bucket_prefix) else C.NON_COMPLIANT


def lifecycle_keeps_the_lock(node, ctx: RuleContext):
    """Lifecycle only moves versions to durable colder storage; it never expires a version or
    removes delete markers, so nothing is obscured before or after its retention ends."""
    if _record_class(node, ctx) is None:
        return C.NOT_APPLICABLE
    try:
        lifecycle = prop(node, "lifecycle_configuration") or {}
    except RuntimeError:
        # Bucket(lifecycle_rules=...) renders lazily and jsii cannot hand it over: unprovable, so failed.
        return C.NON_COMPLIANT
    for rule in lifecycle.get("rules") or []:
        if rule.get("status") != "Enabled":
            continue
        if any(rule.get(k) for k in EXPIRING) or rule.get("expiredObjectDeleteMarker"):
            return C.NON_COMPLIANT
        moves = (
            list(rule.get("transitions") or [])
            + list(rule.get("noncurrentVersionTransitions") or [])
            + [t for t in (rule.get("transition"), rule.get("noncurrentVersionTransition")) if t]
        )
        if any(t.get("storageClass") not in ARCHIVE_STORAGE_CLASSES for t in moves):
            return C.NON_COMPLIANT
    return C.COMPLIANT

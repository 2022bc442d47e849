"""What the records controls share: which buckets hold records, where their replicas go, and where the
IQ finds them."""

from __future__ import annotations

from ..buckets._bucket import record_class
from ..cfn import Ref, Resource, Unresolved
from ..context import RETENTION_CLASS_TAG
from ..deployed.s3 import bucket as read_bucket
from ..model import REGULATED, DeployedCheck, cannot_prove, non_compliant, not_applicable

__all__ = ["record_class", "records_bucket", "destinations", "RECORDS_BUCKETS", "RECORDS_AND_STRAYS"]


def records_bucket(bucket: Resource, ctx):
    """(data class, None) for a records bucket, or (None, the verdict to return) for any other."""
    held = record_class(bucket, ctx)
    if isinstance(held, Unresolved):
        return None, cannot_prove(held)
    if held is None:
        return None, not_applicable("the bucket holds no records")
    if held == "":
        return None, non_compliant("the bucket is named as a records bucket but holds no data class the config knows")
    return held, None


def destinations(bucket: Resource):
    """(replication rule, destination bucket name or Unresolved) for every rule, or Unresolved."""
    rules = bucket.get("ReplicationConfiguration.Rules")
    if isinstance(rules, Unresolved):
        return rules
    found = []
    for rule in rules if isinstance(rules, list) else []:
        target = rule.get("Destination", {}).get("Bucket") if isinstance(rule, dict) else None
        if isinstance(target, str) and target.startswith("arn:"):
            name = target.split(":::", 1)[-1]
        elif isinstance(target, Ref) and (other := bucket.stack.target(target, "AWS::S3::Bucket")) is not None:
            name = other.get("BucketName")
        elif isinstance(target, Unresolved):
            name = target
        else:
            name = Unresolved(f"replication destination {target!r} names no bucket")
        found.append((rule, name))
    return found


# -- where the IQ finds them ---------------------------------------------------------------------


def _class_buckets(reader) -> list[Resource]:
    """Each data class's records bucket in this regulated account and region, by the name the config
    gives it (stacks/records.py builds exactly these)."""
    return [
        read_bucket(reader, reader.names.records_bucket(c.name, reader.account.id, reader.region))
        for c in reader.config.data_classes
    ]


RECORDS_BUCKETS = DeployedCheck(read=_class_buckets, accounts=frozenset({REGULATED}), regions="workload")


def _with_strays(reader) -> list[Resource]:
    """The class buckets, and any other bucket of this region that carries a data class's tag: one
    outside the records prefix would escape the trail's data-event selector."""
    found = _class_buckets(reader)
    known = {b.get("BucketName") for b in found}
    classes = {c.name for c in reader.config.data_classes}
    listed = reader.call("s3", "list_buckets").get("Buckets")
    if isinstance(listed, Unresolved):
        # The list could not be read: a bucket whose name is the error, so REC-05 cannot prove.
        return [*found, reader.add("AWS::S3::Bucket", "(bucket list)", {"BucketName": listed})]
    for entry in listed or []:
        name = entry.get("Name")
        if name in known:
            continue
        tags = reader.call("s3", "get_bucket_tagging", Bucket=name).get("TagSet", absent_on=("NoSuchTagSet",))
        held = {t.get("Key"): t.get("Value") for t in tags} if isinstance(tags, list) else {}
        if held.get(RETENTION_CLASS_TAG) in classes:
            stray = read_bucket(reader, name)
            if stray.region == reader.region:
                found.append(stray)
    return found


RECORDS_AND_STRAYS = DeployedCheck(read=_with_strays, accounts=frozenset({REGULATED}), regions="workload")

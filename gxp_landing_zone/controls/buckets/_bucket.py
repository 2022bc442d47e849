"""Reading a bucket and the policies that govern it, in a synthesized or a deployed template."""

from __future__ import annotations

from ..cfn import Joined, Ref, Resource, Unresolved
from ..context import ACCESS_LOG_CLASS, RETENTION_CLASS_TAG, ControlContext
from ..deployed.s3 import bucket as read_bucket
from ..model import LOG_ARCHIVE, REGULATED, DeployedCheck
from ..policy import Statement, matches, statements, unreadable


def policies(bucket: Resource) -> list[Resource]:
    """The AWS::S3::BucketPolicy resources that name ``bucket`` (by Ref or by its literal name)."""
    name = bucket.get("BucketName")
    found = []
    for policy in bucket.stack.of_type("AWS::S3::BucketPolicy"):
        target = policy.get("Bucket")
        if bucket.refers_to(target) or (isinstance(name, str) and target == name):
            found.append(policy)
    return found


def policy_statements(bucket: Resource) -> list[Statement] | Unresolved:
    """Every statement of the bucket's policies, or why they cannot all be read."""
    found: list[Statement] = []
    for policy in policies(bucket):
        document = policy.get("PolicyDocument")
        if (why := unreadable(document)) is not None:
            return why
        found.extend(statements(document))
    return found


def _names_bucket(value, bucket: Resource, suffix: str) -> bool:
    """Whether a policy's Resource entry names the bucket ("") or its objects ("/*"), as a literal
    ARN (a glob IAM matches) or as the template's GetAtt on the bucket's Arn."""
    if value == "*":
        return True
    if isinstance(value, str):
        name = bucket.get("BucketName")
        return isinstance(name, str) and matches(value, f"arn:aws:s3:::{name}{suffix}")
    arn = Ref(bucket.logical_id, "Arn")
    if not suffix:
        return value == arn
    return isinstance(value, Joined) and value.parts == (arn, suffix)


def covers_bucket(statement: Statement, bucket: Resource) -> bool:
    return any(_names_bucket(r, bucket, "") for r in statement.resources())


def covers_objects(statement: Statement, bucket: Resource) -> bool:
    return any(_names_bucket(r, bucket, "/*") for r in statement.resources())


def covers_every_action_of(statement: Statement, service: str) -> bool:
    """The statement governs every action of ``service`` ("s3:*" or "*", or a NotAction naming none of it)."""
    prefix = f"{service}:"
    if "NotAction" in statement.raw:
        return not any(
            isinstance(a, str) and (a == "*" or a.lower().startswith(prefix)) for a in _listed(statement.raw["NotAction"])
        )
    return any(matches(a, f"{service}:*") for a in _listed(statement.raw.get("Action")))


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


def retention_class(bucket: Resource):
    return bucket.tag(RETENTION_CLASS_TAG)


def is_access_log_bucket(bucket: Resource) -> bool:
    return retention_class(bucket) == ACCESS_LOG_CLASS


# -- where the IQ finds buckets ----------------------------------------------------------------------


def estate_buckets(reader) -> list[Resource]:
    """The log-archive buckets (log-archive account) or a regulated account's record buckets and their
    access-log bucket, in the region being qualified."""
    names, account = reader.names, reader.account
    if reader.kind == REGULATED:
        found = [names.records_bucket(c.name, account.id, reader.region) for c in reader.config.data_classes]
        found.append(names.records_access_log_bucket(account.id, reader.region))
    else:
        found = [names.trail_bucket, names.config_bucket, names.access_log_bucket]
    return [read_bucket(reader, name) for name in found]


ESTATE_BUCKETS = DeployedCheck(read=estate_buckets, accounts=frozenset({LOG_ARCHIVE, REGULATED}), regions="workload")


def required_lock_days(bucket: Resource, ctx: ControlContext) -> int | None | Unresolved:
    """The Object Lock retention the config requires of this bucket: by its name (trail and manifest
    buckets), else by its retention-class tag. None: no retention requirement (not a locked bucket).
    A bucket named as a records bucket but with no known class is a defect (-1), never an exemption."""
    name = bucket.get("BucketName")
    if isinstance(name, Unresolved):
        return name
    if name in ctx.lock_days_by_bucket:
        return ctx.lock_days_by_bucket[name]
    tag = retention_class(bucket)
    if isinstance(tag, Unresolved):
        return tag
    if isinstance(name, str) and ctx.records_bucket_prefix and name.startswith(ctx.records_bucket_prefix):
        return ctx.lock_days_by_class.get(tag, -1)
    return ctx.lock_days_by_class.get(tag)

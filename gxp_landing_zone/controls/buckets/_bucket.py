"""Reading a bucket and the policies that govern it, in a synthesized or a deployed template."""

from __future__ import annotations

from ..cfn import Joined, Ref, Resource, Unresolved
from ..context import ACCESS_LOG_CLASS, RETENTION_CLASS_TAG, ControlContext
from ..deployed.s3 import bucket as read_bucket
from ..model import LOG_ARCHIVE, REGULATED, DeployedCheck, cfn_int
from ..policy import Statement, document, matches, statements, unreadable


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


class Readable(list):
    """The statements of the bucket's policies that the template states in full, with why the others
    cannot be read (``unresolved``)."""

    unresolved: list[Unresolved]


def readable_statements(bucket: Resource) -> Readable | Unresolved:
    """Every fully stated statement of the bucket's policies; Unresolved when a whole document cannot be
    read. An explicit Deny cannot be undone by any other statement, so a deny proven from the readable
    statements holds whatever the unreadable ones say; a control that finds no such deny reports the
    unreadable ones as "cannot prove"."""
    found = Readable()
    found.unresolved = []
    for policy in policies(bucket):
        value = policy.get("PolicyDocument")
        if isinstance(document(value), Unresolved):
            return document(value)
        for statement in statements(value):
            if (why := statement.unresolved) is not None:
                found.unresolved.append(Unresolved(f"statement {statement.sid or '(no Sid)'}: {why.why}"))
            else:
                found.append(statement)
        if (why := unreadable(value)) is not None and not found.unresolved:
            found.unresolved.append(why)  # e.g. a Statement list that is itself unresolved
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
    """The Object Lock retention the config requires of this bucket: by its name (trail, manifest and
    records buckets), else by its retention-class tag. None: no retention requirement (not a locked bucket).
    A bucket named as a records bucket but with no known class is a defect (-1), never an exemption."""
    name = bucket.get("BucketName")
    if isinstance(name, Unresolved):
        return name
    if name in ctx.lock_days_by_bucket:
        return ctx.lock_days_by_bucket[name]
    if isinstance(name, str) and (by_name := records_buckets_by_name(ctx).get(name)) is not None:
        return ctx.lock_days_by_class[by_name]
    tag = retention_class(bucket)
    if isinstance(tag, Unresolved):
        return tag
    if isinstance(name, str) and ctx.records_bucket_prefix and name.startswith(ctx.records_bucket_prefix):
        return ctx.lock_days_by_class.get(tag, -1)
    return ctx.lock_days_by_class.get(tag)


# -- records buckets and their classes ---------------------------------------------------------------

_RECORDS_BY_NAME: dict[int, tuple[object, dict[str, str]]] = {}


def records_buckets_by_name(ctx: ControlContext) -> dict[str, str]:
    """Every records bucket the config defines (all regulated accounts and workload regions) -> its data
    class. The name the config gives a bucket says which class it holds, whatever its tags say."""
    config = ctx.config
    if config is None:
        return {}
    cached = _RECORDS_BY_NAME.get(id(config))
    if cached is None or cached[0] is not config:
        names = ctx.names
        found = {
            names.records_bucket(c.name, a.id, r): c.name
            for c in config.data_classes
            for a in config.regulated_accounts
            for r in config.workload_regions(a)
        }
        cached = _RECORDS_BY_NAME[id(config)] = (config, found)
    return cached[1]


def record_class(bucket: Resource, ctx: ControlContext):
    """The data class a bucket holds: by the name the config gives it, else by its class tag. "" for a
    bucket named as a records bucket whose class is unknown (a defect, never an exemption); None for a
    bucket that holds no records; Unresolved when the template does not say."""
    name = bucket.get("BucketName")
    if isinstance(name, Unresolved):
        return name
    by_name = records_buckets_by_name(ctx).get(name) if isinstance(name, str) else None
    if by_name is not None:
        return by_name
    tag = retention_class(bucket)
    if isinstance(tag, Unresolved):
        return tag
    if tag in ctx.data_classes:
        return tag
    if isinstance(name, str) and ctx.records_bucket_prefix and name.startswith(ctx.records_bucket_prefix):
        return ""
    return None


# -- Object Lock -----------------------------------------------------------------------------------

# S3 counts a retention in Years as calendar years; the config counts a year as 365 days, so a year is
# at least this many days (a floor a ">= required" comparison may rely on).
DAYS_PER_YEAR = 365


def default_retention_days(bucket: Resource):
    """The Object Lock default retention in days (Years x 365), None when no default retention is
    set, Unresolved when the template does not say."""
    retention = bucket.get("ObjectLockConfiguration.Rule.DefaultRetention")
    if isinstance(retention, Unresolved) or retention is None:
        return retention
    if not isinstance(retention, dict):
        return Unresolved(f"DefaultRetention is {retention!r}, not an object")
    days, years = cfn_int(retention.get("Days")), cfn_int(retention.get("Years"))
    for value in (days, years):
        if isinstance(value, Unresolved):
            return value
    if days is not None and years is not None:
        return Unresolved("DefaultRetention gives both Days and Years, which S3 refuses")
    if days is not None:
        return days
    return years * DAYS_PER_YEAR if years is not None else None


# -- the bucket's encryption key -------------------------------------------------------------------

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")


def kms_default(bucket: Resource):
    """The ServerSideEncryptionByDefault of the bucket's KMS rule, {} when no rule uses KMS, or
    Unresolved."""
    rules = bucket.get("BucketEncryption.ServerSideEncryptionConfiguration")
    if isinstance(rules, Unresolved):
        return rules
    for rule in rules if isinstance(rules, list) else []:
        default = rule.get("ServerSideEncryptionByDefault") if isinstance(rule, dict) else None
        if isinstance(default, Unresolved):
            return default
        algorithm = default.get("SSEAlgorithm") if isinstance(default, dict) else None
        if isinstance(algorithm, Unresolved):
            return algorithm
        if algorithm in KMS_ALGORITHMS:
            return default
    return {}


def _alias_part(value: str) -> str | None:
    """"alias/x" from "alias/x" or "arn:aws:kms:region:account:alias/x"."""
    if value.startswith("alias/"):
        return value
    parts = value.split(":", 5)
    return parts[5] if len(parts) == 6 and parts[5].startswith("alias/") else None


def aliases_of(key: Resource) -> list:
    """The AliasName of every AWS::KMS::Alias of the template that targets ``key``."""
    return [
        alias.get("AliasName")
        for alias in key.stack.of_type("AWS::KMS::Alias")
        if key.refers_to(alias.get("TargetKeyId"))
    ]


def key_of(bucket: Resource, key_id) -> Resource | None:
    """The AWS::KMS::Key of the template a KMSMasterKeyID names: by Ref/GetAtt, or by an alias the
    template defines (a literal alias ARN must be in the template's own account and region)."""
    if isinstance(key_id, Ref):
        return bucket.stack.target(key_id, "AWS::KMS::Key")
    if not isinstance(key_id, str) or (alias := _alias_part(key_id)) is None:
        return None
    if key_id.startswith("arn:"):
        _, _, _, region, account, _ = key_id.split(":", 5)
        if (region, account) != (bucket.stack.region, bucket.stack.account):
            return None
    for candidate in bucket.stack.of_type("AWS::KMS::Alias"):
        if candidate.get("AliasName") == alias:
            return bucket.stack.target(candidate.get("TargetKeyId"), "AWS::KMS::Key")
    return None


def is_aws_managed_alias(key_id) -> bool:
    return isinstance(key_id, str) and (_alias_part(key_id) or "").startswith("alias/aws/")


# -- where the IQ finds the buckets of the audit substrate -----------------------------------------------

# The locked and KMS-encrypted buckets the IQ reads through these are the log archive's (trail and
# config-history); a regulated account's records buckets are qualified by the GXP-REC controls, its
# manifest bucket by the e-signature controls.
LOG_ARCHIVE_BUCKETS = DeployedCheck(read=estate_buckets, accounts=frozenset({LOG_ARCHIVE}), regions="home")


def _not_access_logs(reader) -> list[Resource]:
    # The access-log bucket is SSE-S3 by necessity (S3 server access log delivery supports no other
    # default encryption); the stacks record that as an acknowledged deviation of GXP-S3-08.
    access_logs = reader.names.access_log_bucket
    return [b for b in estate_buckets(reader) if b.get("BucketName") != access_logs]


LOG_ARCHIVE_KMS_BUCKETS = DeployedCheck(read=_not_access_logs, accounts=frozenset({LOG_ARCHIVE}), regions="home")

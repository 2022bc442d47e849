"""A deployed S3 bucket as ``AWS::S3::Bucket`` (plus its ``AWS::S3::BucketPolicy``)."""

from __future__ import annotations

import json

from ..cfn import Resource, Unresolved
from .reader import AccountReader

# Error codes S3 answers with when a setting is simply not configured.
NOT_CONFIGURED = (
    "ObjectLockConfigurationNotFoundError",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchPublicAccessBlockConfiguration",
    "NoSuchLifecycleConfiguration",
    "ReplicationConfigurationNotFoundError",
    "NoSuchTagSet",
    "NoSuchBucketPolicy",
)


def _lock(reader: AccountReader, name: str) -> tuple[object, object]:
    answer = reader.call("s3", "get_object_lock_configuration", Bucket=name)
    lock = answer.get("ObjectLockConfiguration", absent_on=NOT_CONFIGURED)
    if not isinstance(lock, dict):
        return lock, lock
    return lock.get("ObjectLockEnabled") == "Enabled", lock


def _encryption(reader: AccountReader, name: str) -> object:
    answer = reader.call("s3", "get_bucket_encryption", Bucket=name)
    rules = answer.get("ServerSideEncryptionConfiguration", "Rules", absent_on=NOT_CONFIGURED)
    if not isinstance(rules, list):
        return rules
    return {
        "ServerSideEncryptionConfiguration": [
            {
                "ServerSideEncryptionByDefault": r.get("ApplyServerSideEncryptionByDefault") and {
                    "SSEAlgorithm": r["ApplyServerSideEncryptionByDefault"].get("SSEAlgorithm"),
                    "KMSMasterKeyID": r["ApplyServerSideEncryptionByDefault"].get("KMSMasterKeyID"),
                },
                "BucketKeyEnabled": r.get("BucketKeyEnabled"),
            }
            for r in rules
        ]
    }


def _logging(reader: AccountReader, name: str) -> object:
    answer = reader.call("s3", "get_bucket_logging", Bucket=name)
    enabled = answer.get("LoggingEnabled")
    if not isinstance(enabled, dict):
        return enabled
    return {"DestinationBucketName": enabled.get("TargetBucket"), "LogFilePrefix": enabled.get("TargetPrefix")}


def _lifecycle_rule(rule: dict) -> dict:
    expiration = rule.get("Expiration") or {}
    noncurrent = rule.get("NoncurrentVersionExpiration")
    return {
        "Id": rule.get("ID"),
        "Status": rule.get("Status"),
        "ExpirationInDays": expiration.get("Days"),
        "ExpirationDate": expiration.get("Date") and str(expiration["Date"]),
        "ExpiredObjectDeleteMarker": expiration.get("ExpiredObjectDeleteMarker"),
        "Transitions": [
            {"StorageClass": t.get("StorageClass"), "TransitionInDays": t.get("Days")} for t in rule.get("Transitions") or []
        ],
        "NoncurrentVersionTransitions": [
            {"StorageClass": t.get("StorageClass"), "TransitionInDays": t.get("NoncurrentDays")}
            for t in rule.get("NoncurrentVersionTransitions") or []
        ],
        "NoncurrentVersionExpiration": noncurrent and {"NoncurrentDays": noncurrent.get("NoncurrentDays")},
    }


def _lifecycle(reader: AccountReader, name: str) -> object:
    rules = reader.call("s3", "get_bucket_lifecycle_configuration", Bucket=name).get("Rules", absent_on=NOT_CONFIGURED)
    if not isinstance(rules, list):
        return rules
    return {"Rules": [{k: v for k, v in _lifecycle_rule(r).items() if v not in (None, [])} for r in rules]}


def _replication(reader: AccountReader, name: str) -> object:
    config = reader.call("s3", "get_bucket_replication", Bucket=name).get(
        "ReplicationConfiguration", absent_on=NOT_CONFIGURED
    )
    if not isinstance(config, dict):
        return config
    return {
        "Role": config.get("Role"),
        "Rules": [{("Id" if k == "ID" else k): v for k, v in rule.items()} for rule in config.get("Rules") or []],
    }


def _tags(reader: AccountReader, name: str) -> object:
    tags = reader.call("s3", "get_bucket_tagging", Bucket=name).get("TagSet", absent_on=NOT_CONFIGURED)
    return [{"Key": t["Key"], "Value": t["Value"]} for t in tags] if isinstance(tags, list) else tags


def _region(reader: AccountReader, name: str) -> object:
    answer = reader.call("s3", "get_bucket_location", Bucket=name)
    location = answer.get("LocationConstraint")
    if isinstance(location, Unresolved):
        return location
    return location or "us-east-1"  # S3 reports us-east-1 as no constraint


def bucket(reader: AccountReader, name: str) -> Resource:
    return reader.once(("s3", name), lambda: _read(reader, name))


def _read(reader: AccountReader, name: str) -> Resource:
    head = reader.call("s3", "head_bucket", Bucket=name)
    if not head.ok and head.code in ("404", "NoSuchBucket", "NotFound"):
        return reader.add("AWS::S3::Bucket", name, {"BucketName": name}, missing=f"no bucket named {name}")
    enabled, lock = _lock(reader, name)
    versioning = reader.call("s3", "get_bucket_versioning", Bucket=name)
    block = reader.call("s3", "get_public_access_block", Bucket=name).get(
        "PublicAccessBlockConfiguration", absent_on=NOT_CONFIGURED
    )
    properties = {
        "BucketName": name,
        "ObjectLockEnabled": enabled,
        "ObjectLockConfiguration": lock,
        "VersioningConfiguration": {"Status": versioning.get("Status")} if versioning.ok else versioning.get("Status"),
        "BucketEncryption": _encryption(reader, name),
        "PublicAccessBlockConfiguration": block,
        "LoggingConfiguration": _logging(reader, name),
        "LifecycleConfiguration": _lifecycle(reader, name),
        "ReplicationConfiguration": _replication(reader, name),
        "Tags": _tags(reader, name),
    }
    resource = reader.add(
        "AWS::S3::Bucket", name, {k: v for k, v in properties.items() if v is not None}, __region__=_region(reader, name)
    )
    policy = reader.call("s3", "get_bucket_policy", Bucket=name).get("Policy", absent_on=NOT_CONFIGURED)
    if policy is not None:
        try:
            document = json.loads(policy) if isinstance(policy, str) else policy
        except ValueError:
            document = Unresolved("the bucket policy S3 returned is not JSON")
        reader.add(
            "AWS::S3::BucketPolicy", f"{name}-policy", {"Bucket": {"Ref": resource.logical_id}, "PolicyDocument": document}
        )
    return resource


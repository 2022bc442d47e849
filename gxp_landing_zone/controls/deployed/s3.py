"""A deployed S3 bucket as ``AWS::S3::Bucket`` (plus its ``AWS::S3::BucketPolicy``, and the customer
managed ``AWS::KMS::Key`` its default encryption names, with that key's aliases)."""

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
    "OwnershipControlsNotFoundError",
)


def _lock(reader: AccountReader, name: str) -> tuple[object, object]:
    answer = reader.call("s3", "get_object_lock_configuration", Bucket=name)
    lock = answer.get("ObjectLockConfiguration", absent_on=NOT_CONFIGURED)
    if not isinstance(lock, dict):
        return lock, lock
    retention = (lock.get("Rule") or {}).get("DefaultRetention")
    if isinstance(retention, dict):
        # S3 takes only a positive Days or Years; a 0 beside the other is that field's absence, as
        # some S3 implementations render it.
        lock["Rule"]["DefaultRetention"] = {k: v for k, v in retention.items() if not (k in ("Days", "Years") and v == 0)}
    return lock.get("ObjectLockEnabled") == "Enabled", lock


def _encryption(reader: AccountReader, name: str) -> object:
    answer = reader.call("s3", "get_bucket_encryption", Bucket=name)
    rules = answer.get("ServerSideEncryptionConfiguration", "Rules", absent_on=NOT_CONFIGURED)
    if not isinstance(rules, list):
        return rules
    configuration = []
    for rule in rules:
        default = rule.get("ApplyServerSideEncryptionByDefault")
        if default:
            key_id = default.get("KMSMasterKeyID")
            default = {
                "SSEAlgorithm": default.get("SSEAlgorithm"),
                "KMSMasterKeyID": _key(reader, key_id) if key_id else None,
            }
        configuration.append({"ServerSideEncryptionByDefault": default, "BucketKeyEnabled": rule.get("BucketKeyEnabled")})
    return {"ServerSideEncryptionConfiguration": configuration}


def _key(reader: AccountReader, key_id: str) -> object:
    """What KMSMasterKeyID names, as a template would name it: a customer managed key becomes an
    ``AWS::KMS::Key`` of the synthetic template (with its ``AWS::KMS::Alias``es) and
    the bucket refers to it by GetAtt, so buckets sharing a key share one resource, however each names
    it (key ID, key ARN, alias). An AWS managed key stays a literal: its alias/aws/... name."""
    metadata = reader.call("kms", "describe_key", KeyId=key_id).get("KeyMetadata")
    if not isinstance(metadata, dict):
        return metadata if isinstance(metadata, Unresolved) else key_id
    aliases = reader.call("kms", "list_aliases", KeyId=metadata["KeyId"]).get("Aliases")
    if metadata.get("KeyManager") != "CUSTOMER":
        names = [a.get("AliasName") for a in aliases] if isinstance(aliases, list) else []
        return next((n for n in names if n and n.startswith("alias/aws/")), metadata.get("Arn") or key_id)
    key = reader.once(("s3-encryption-key", metadata["Arn"]), lambda: _customer_key(reader, metadata, aliases))
    return {"Fn::GetAtt": [key.logical_id, "Arn"]}


def _customer_key(reader: AccountReader, metadata: dict, aliases: object) -> Resource:
    # What a bucket control needs of its key: which key it is and what it is called. The key's own
    # settings (rotation, policy) are read where the key controls read them (deployed/kms.py).
    key = reader.add("AWS::KMS::Key", metadata["Arn"], {"Description": metadata.get("Description")})
    listed = aliases if isinstance(aliases, list) else [{"AliasName": aliases}]
    for alias in listed:
        name = alias.get("AliasName")
        reader.add("AWS::KMS::Alias", str(name), {"AliasName": name, "TargetKeyId": {"Ref": key.logical_id}})
    return key


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
    # S3 reports us-east-1 as no constraint, and eu-west-1 by its legacy name EU.
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(location, location)


def _notifications(reader: AccountReader, name: str) -> object:
    answer = reader.call("s3", "get_bucket_notification_configuration", Bucket=name)
    if not answer.ok:
        return answer.get("EventBridgeConfiguration")
    # S3 answers an empty EventBridgeConfiguration object when events go to EventBridge.
    enabled = answer.get("EventBridgeConfiguration") is not None
    return {"EventBridgeConfiguration": {"EventBridgeEnabled": enabled}}


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
        "OwnershipControls": reader.call("s3", "get_bucket_ownership_controls", Bucket=name).get(
            "OwnershipControls", absent_on=NOT_CONFIGURED
        ),
        "NotificationConfiguration": _notifications(reader, name),
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


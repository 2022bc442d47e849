"""A deployed SNS topic as ``AWS::SNS::Topic``."""

from __future__ import annotations

from ..cfn import Resource
from .reader import AccountReader

# Who manages the topic's key (CUSTOMER or AWS), as KMS reports it. A template names a key only by
# reference; the account can say whose it is. Kept beside the properties.
KEY_MANAGER = "__key_manager__"
NO_TOPIC = ("NotFound", "NotFoundException")


def topic(reader: AccountReader, arn: str) -> Resource:
    return reader.once(("sns", arn), lambda: _read(reader, arn))


def _read(reader: AccountReader, arn: str) -> Resource:
    answer = reader.call("sns", "get_topic_attributes", TopicArn=arn)
    if not answer.ok and answer.code in NO_TOPIC:
        return reader.add("AWS::SNS::Topic", arn, {}, missing=f"no topic {arn}")
    attributes = answer.get("Attributes")
    if not isinstance(attributes, dict):
        return reader.add("AWS::SNS::Topic", arn, {"KmsMasterKeyId": attributes})
    key = attributes.get("KmsMasterKeyId")
    extra = {}
    if key:
        described = reader.call("kms", "describe_key", KeyId=key)
        manager = described.get("KeyMetadata", "KeyManager")
        extra[KEY_MANAGER] = manager
    properties = {"TopicName": arn.rsplit(":", 1)[-1], "KmsMasterKeyId": key or None}
    return reader.add("AWS::SNS::Topic", arn, {k: v for k, v in properties.items() if v is not None}, **extra)

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


# A subscription SNS lists but the subscriber has not confirmed: it delivers nothing (an e-mail
# recipient confirms from the first message). Kept beside the properties, as KEY_MANAGER is.
PENDING = "__pending_confirmation__"


def topic_with_subscriptions(reader: AccountReader, arn: str) -> Resource:
    """The topic, and each of its subscriptions as an ``AWS::SNS::Subscription`` whose TopicArn is a
    Ref to the topic, as a template writes it."""
    found = topic(reader, arn)
    reader.once(("sns-subscriptions", arn), lambda: _subscriptions(reader, arn, found))
    return found


def _subscriptions(reader: AccountReader, arn: str, topic_resource: Resource) -> Resource:
    if topic_resource.raw.get("__missing__"):
        return topic_resource
    answer = reader.call("sns", "list_subscriptions_by_topic", TopicArn=arn)
    listed = answer.get("Subscriptions")
    if not isinstance(listed, list):
        # The API did not answer: a subscription whose every property is the API's error (cannot prove).
        reader.add("AWS::SNS::Subscription", f"subscriptions of {arn}",
                   {"TopicArn": {"Ref": topic_resource.logical_id}, "Protocol": listed, "Endpoint": listed})
        return topic_resource
    for item in listed:
        sub_arn = str(item.get("SubscriptionArn", ""))
        properties = {"TopicArn": {"Ref": topic_resource.logical_id}, "Protocol": item.get("Protocol"),
                      "Endpoint": item.get("Endpoint")}
        extra = {}
        if sub_arn.startswith("arn:"):
            attributes = reader.call("sns", "get_subscription_attributes", SubscriptionArn=sub_arn).get("Attributes")
            if isinstance(attributes, dict):
                if attributes.get("FilterPolicy"):
                    properties["FilterPolicy"] = attributes["FilterPolicy"]
            else:
                properties["FilterPolicy"] = attributes
        else:
            extra[PENDING] = sub_arn or "no subscription ARN"
        reader.add("AWS::SNS::Subscription", sub_arn if sub_arn.startswith("arn:") else f"{item.get('Endpoint')} (pending)",
                   properties, **extra)
    return topic_resource

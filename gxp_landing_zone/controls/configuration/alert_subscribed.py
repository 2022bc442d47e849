"""GXP-ALERT-02: the compliance alert topic delivers to every subscriber the config names."""

from __future__ import annotations

from ..cfn import Ref, Unresolved, partition_of
from ..deployed.sns import PENDING, topic_with_subscriptions
from ..model import AUDIT, Control, DeployedCheck, all_of, cannot_prove, compliant, non_compliant, not_applicable, show
from .alert_topic import ALERT_TOPIC_NAME


def _points_at(topic, value) -> bool | Unresolved:
    """A subscription's TopicArn names this topic: a Ref to it (Ref of a topic is its ARN), or its literal ARN."""
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, Ref):
        return value.logical_id == topic.logical_id and value.attribute in (None, "TopicArn")
    name = topic.get("TopicName")
    return isinstance(value, str) and isinstance(name, str) and value.endswith(f":{name}")


def _subscribers(topic) -> tuple[dict[tuple[str, str], object], list]:
    """(protocol, endpoint) -> the subscription's state ("ok", why it delivers nothing); verdicts for
    subscriptions that cannot be read."""
    found: dict[tuple[str, str], object] = {}
    unreadable = []
    inline = topic.get("Subscription")
    entries = [("inline", item, None) for item in inline] if isinstance(inline, list) else []
    if isinstance(inline, Unresolved):
        unreadable.append(cannot_prove(f"Subscription: {inline.why}"))
    for sub in topic.stack.of_type("AWS::SNS::Subscription"):
        aimed = _points_at(topic, sub.get("TopicArn"))
        if isinstance(aimed, Unresolved):
            unreadable.append(cannot_prove(f"{sub.logical_id}.TopicArn: {aimed.why}"))
        elif aimed:
            entries.append((sub.logical_id, sub.properties, sub))
    for where, item, sub in entries:
        protocol, endpoint = (item.get("Protocol"), item.get("Endpoint")) if isinstance(item, dict) else (None, None)
        if isinstance(protocol, Unresolved) or isinstance(endpoint, Unresolved):
            why = protocol.why if isinstance(protocol, Unresolved) else endpoint.why
            unreadable.append(cannot_prove(f"{where}: {why}"))
            continue
        if not isinstance(protocol, str) or not isinstance(endpoint, str):
            continue
        state: object = "ok"
        if sub is not None and sub.raw.get(PENDING):
            state = "not confirmed by the subscriber: SNS delivers nothing to it"
        elif sub is not None and sub.get("FilterPolicy") not in (None, "", {}):
            # A filter policy drops every message it does not match, so an alert could silently not arrive.
            state = f"filtered by {show(sub.get('FilterPolicy'))}: alerts it does not match are dropped"
        found.setdefault((protocol.lower(), endpoint.lower()), state)
    return found, unreadable


def check(topic, ctx):
    # The audit account's home region holds the alert topic (stacks/audit.py); topics elsewhere carry other traffic.
    if not ctx.alert_subscribers or ctx.account_kind(topic.stack.account) != AUDIT or topic.region != ctx.home_region:
        return not_applicable("not the audit account's alert topic")
    found, unreadable = _subscribers(topic)
    verdicts = list(unreadable)
    for protocol, endpoint in sorted(ctx.alert_subscribers):
        state = found.get((protocol.lower(), endpoint.lower()))
        if state is None:
            verdicts.append(non_compliant(f"no {protocol} subscription for {endpoint}: that subscriber is never alerted"))
        elif state != "ok":
            verdicts.append(non_compliant(f"{protocol} subscription for {endpoint} is {state}"))
        else:
            verdicts.append(compliant(f"{protocol} subscription for {endpoint}"))
    return all_of(*verdicts)


def _alert_topic(reader):
    arn = f"arn:{partition_of(reader.region)}:sns:{reader.region}:{reader.account.id}:{ALERT_TOPIC_NAME}"
    return [topic_with_subscriptions(reader, arn)]


CONTROL = Control(
    id="GXP-ALERT-02",
    title="Compliance alerts reach their subscribers",
    statement=(
        "The audit account's compliance alert topic has a subscription, without a filter policy, for every "
        "subscriber the config names, and each deployed subscription is confirmed."
    ),
    part11={
        "11.300(d)": "Refused signatures and attempts to weaken the estate are reported at once to the people the "
                     "config names, not only recorded where no one looks.",
    },
    annex11={"13": "Compliance incidents reach the people who must assess them as they happen."},
    resource_types=("AWS::SNS::Topic",),
    check=check,
    deployed=DeployedCheck(read=_alert_topic, accounts=frozenset({AUDIT}), regions="home"),
    config_rule=None,
)

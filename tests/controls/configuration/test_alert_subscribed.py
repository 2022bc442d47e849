"""GXP-ALERT-02: the compliance alert topic delivers to every subscriber the config names."""

from __future__ import annotations

import pytest
from aws_cdk import aws_sns as sns

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, resources_of, the, variant
from gxp_landing_zone.stacks import audit
from gxp_landing_zone.stacks.audit import AuditStack

CONTROL = "GXP-ALERT-02"
STACK = "Audit-audit-us-east-1"


def subscription(template: dict) -> dict:
    return the(template, "AWS::SNS::Subscription")["Properties"]


def drop_subscriptions(template: dict) -> None:
    for lid in [lid for lid, r in template["Resources"].items() if r["Type"] == "AWS::SNS::Subscription"]:
        del template["Resources"][lid]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def test_the_reference_config_names_one_subscriber(reference, ctx):
    assert ctx.alert_subscribers == {("email", "gxp-qa-alerts@example.com")}
    assert len(resources_of(reference[STACK].template, "AWS::SNS::Subscription")) == 1


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(drop_subscriptions, id="no-subscription"),
        pytest.param(lambda t: subscription(t).update(Endpoint="someone-else@example.com"), id="another-recipient"),
        pytest.param(lambda t: subscription(t).update(TopicArn="arn:aws:sns:us-east-1:333333333333:other-topic"),
                     id="subscribes-another-topic"),
        pytest.param(lambda t: subscription(t).update(FilterPolicy={"control": ["GXP-NONE"]}), id="filtered-away"),
        pytest.param(lambda t: subscription(t).update(Endpoint={"Ref": "AlertRecipient"}), id="unprovable-endpoint"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_an_inline_subscription_on_the_topic_counts(reference, ctx):
    def inline(t):
        drop_subscriptions(t)
        the(t, "AWS::SNS::Topic")["Properties"]["Subscription"] = [
            {"Protocol": "email", "Endpoint": "GXP-QA-Alerts@example.com"}]

    assert CONTROL not in fired(variant(reference[STACK], inline), ctx)


def test_a_deployed_subscription_not_yet_confirmed_fails(reference, ctx):
    # What the IQ's reader records for a subscription SNS lists as PendingConfirmation (controls/deployed/sns.py).
    from gxp_landing_zone.controls.deployed.sns import PENDING

    pending = lambda t: the(t, "AWS::SNS::Subscription").update({PENDING: "PendingConfirmation"})  # noqa: E731
    assert fired(variant(reference[STACK], pending), ctx) == {CONTROL}


def test_a_topic_outside_the_audit_account_is_not_judged(reference, ctx):
    evaluated = [s for s in reference.values() if s.name.startswith("Signatures-")]
    assert all(CONTROL not in fired(s, ctx) for s in evaluated)


def _subscription(stack):
    return next(c for c in stack.node.find_all() if isinstance(c, sns.CfnSubscription))


CHANNELS = Channels(
    build=lambda app, config: AuditStack(app, config=config, account=config.audit, region=config.home_region),
    construct=lambda mp: mp.setattr(audit.sns, "Subscription", forcing(sns.Subscription, endpoint="nobody@example.com")),
    l1=lambda stack: setattr(_subscription(stack), "endpoint", "nobody@example.com"),
    overrides=(
        lambda stack: _subscription(stack).add_property_override("Endpoint", "nobody@example.com"),
        lambda stack: _subscription(stack).add_override("Properties.FilterPolicy", {"control": ["GXP-NONE"]}),
        lambda stack: _subscription(stack).add_property_override("TopicArn", "arn:aws:sns:us-east-1:333333333333:x"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-ALERT-01: compliance alerts go through a topic encrypted with a customer-managed key."""

from __future__ import annotations

import pytest
from aws_cdk import aws_sns as sns

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.stacks import audit
from gxp_landing_zone.stacks.audit import AuditStack

CONTROL = "GXP-ALERT-01"
STACK = "Audit-audit-us-east-1"


def topic(template: dict) -> dict:
    return properties(template, "AWS::SNS::Topic")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: topic(t).pop("KmsMasterKeyId"), id="unencrypted"),
        pytest.param(lambda t: topic(t).update(KmsMasterKeyId="alias/aws/sns"), id="aws-managed-key"),
        pytest.param(lambda t: topic(t).update(KmsMasterKeyId="arn:aws:kms:us-east-1:333333333333:alias/aws/sns"),
                     id="aws-managed-key-arn"),
        pytest.param(lambda t: topic(t).update(KmsMasterKeyId={"Fn::GetAtt": ["ComplianceEventBus5F4FA95C", "Arn"]}),
                     id="not-a-key"),
        pytest.param(lambda t: topic(t).update(KmsMasterKeyId={"Fn::If": ["Encrypt", "alias/gxp/audit-alerts", ""]}),
                     id="unprovable-condition"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_a_customer_key_by_alias_arn_is_compliant(reference, ctx):
    edit = lambda t: topic(t).update(KmsMasterKeyId="arn:aws:kms:us-east-1:333333333333:alias/gxp/audit-alerts")  # noqa: E731
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _topic(stack):
    return stack.alerts.node.default_child


CHANNELS = Channels(
    build=lambda app, config: AuditStack(app, config=config, account=config.audit, region=config.home_region),
    construct=lambda mp: mp.setattr(audit.sns, "Topic", forcing(sns.Topic, master_key=None)),
    l1=lambda stack: setattr(_topic(stack), "kms_master_key_id", "alias/aws/sns"),
    overrides=(
        lambda stack: _topic(stack).add_property_override("KmsMasterKeyId", "arn:aws:kms:us-east-1:333333333333:alias/aws/sns"),
        lambda stack: _topic(stack).add_deletion_override("Properties.KmsMasterKeyId"),
        lambda stack: _topic(stack).add_override("Properties.KmsMasterKeyId", {"Fn::If": ["Encrypt", "alias/gxp/audit-alerts", ""]}),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

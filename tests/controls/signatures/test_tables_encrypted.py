"""GXP-DDB-02: DynamoDB tables are encrypted with a customer-managed KMS key."""

from __future__ import annotations

import pytest
from aws_cdk import aws_dynamodb as dynamodb

from controls.signatures._stack import STACK, build, ledger
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-DDB-02"


def sse(template: dict) -> dict:
    return ledger(template)["SSESpecification"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: ledger(t).pop("SSESpecification"), id="aws-owned-key"),
        pytest.param(lambda t: sse(t).update(SSEEnabled=False), id="sse-off"),
        pytest.param(lambda t: sse(t).pop("KMSMasterKeyId"), id="aws-managed-key-by-default"),
        pytest.param(lambda t: sse(t).update(KMSMasterKeyId="alias/aws/dynamodb"), id="aws-managed-key-named"),
        pytest.param(
            lambda t: sse(t).update(KMSMasterKeyId="arn:aws:kms:us-east-1:444444444444:key/1234abcd-0000-0000-0000-000000000000"),
            id="key-from-outside-the-template",
        ),
        pytest.param(lambda t: sse(t).update(SSEEnabled={"Ref": "EncryptParameter"}), id="unprovable-ref"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_string_true_cloudformation_accepts_is_compliant(reference, ctx):
    assert fired(variant(reference[STACK], lambda t: sse(t).update(SSEEnabled="true")), ctx) == set()


def _table(stack):
    return stack.service.ledger.node.default_child


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.dynamodb, "Table", forcing(
        dynamodb.Table, encryption=dynamodb.TableEncryption.AWS_MANAGED, encryption_key=None
    )),
    l1=lambda stack: setattr(
        _table(stack), "sse_specification", dynamodb.CfnTable.SSESpecificationProperty(sse_enabled=True, sse_type="KMS")
    ),
    overrides=(
        lambda stack: _table(stack).add_property_override("SSESpecification.SSEEnabled", False),
        lambda stack: _table(stack).add_override("Properties.SSESpecification.KMSMasterKeyId", "alias/aws/dynamodb"),
        lambda stack: _table(stack).add_deletion_override("Properties.SSESpecification"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

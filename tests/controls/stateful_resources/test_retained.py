"""GXP-RET-01: stateful resources survive the deletion of their stack and their own replacement."""

from __future__ import annotations

import pytest
from aws_cdk import CfnDeletionPolicy, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, the, variant
from gxp_landing_zone.signatures import infrastructure
from gxp_landing_zone.stacks.signatures import SignatureServiceStack

CONTROL = "GXP-RET-01"
STACK = "Signatures-regulated-us-us-east-1"


def ledger(template: dict) -> dict:
    return the(template, "AWS::DynamoDB::Table")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def test_retained_except_on_create_is_compliant(reference, ctx):
    # A rolled-back first create may remove the table; once created it is kept like Retain.
    assert fired(variant(reference[STACK], lambda t: ledger(t).update(DeletionPolicy="RetainExceptOnCreate")), ctx) == set()


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: ledger(t).update(DeletionPolicy="Delete"), id="delete"),
        pytest.param(lambda t: ledger(t).update(DeletionPolicy="Snapshot"), id="snapshot"),
        pytest.param(lambda t: ledger(t).pop("DeletionPolicy"), id="absent-means-delete"),
        pytest.param(lambda t: ledger(t).update(UpdateReplacePolicy="Delete"), id="replaced-away"),
        pytest.param(lambda t: ledger(t).update(UpdateReplacePolicy="RetainExceptOnCreate"), id="not-a-replace-policy"),
        pytest.param(lambda t: the(t, "AWS::Cognito::UserPool").update(DeletionPolicy="Delete"), id="signer-pool"),
        pytest.param(lambda t: the(t, "AWS::S3::BucketPolicy", "Manifest").pop("DeletionPolicy"), id="bucket-policy"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _ledger(stack):
    return stack.service.ledger.node.default_child


CHANNELS = Channels(
    build=lambda app, config: SignatureServiceStack(
        app, config=config, account=config.account("regulated-us"), region=config.home_region
    ),
    construct=lambda mp: mp.setattr(
        infrastructure.dynamodb, "Table", forcing(dynamodb.Table, removal_policy=RemovalPolicy.DESTROY)
    ),
    l1=lambda stack: setattr(_ledger(stack).cfn_options, "deletion_policy", CfnDeletionPolicy.DELETE),
    overrides=(
        lambda stack: _ledger(stack).add_override("DeletionPolicy", "Delete"),
        lambda stack: _ledger(stack).add_deletion_override("DeletionPolicy"),
        lambda stack: _ledger(stack).add_override("UpdateReplacePolicy", "Delete"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

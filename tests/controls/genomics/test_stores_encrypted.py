"""GXP-OMICS-01: HealthOmics stores are encrypted with a customer-managed key."""

from __future__ import annotations

import pytest
from aws_cdk import aws_omics as omics

from controls.compute._builders import COMPUTE, compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant

CONTROL = "GXP-OMICS-01"
STACK = COMPUTE


def sequences(template: dict) -> dict:
    return properties(template, "AWS::Omics::SequenceStore")


def references(template: dict) -> dict:
    return properties(template, "AWS::Omics::ReferenceStore")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: sequences(t).pop("SseConfig"), id="aws-owned-key"),
        pytest.param(lambda t: sequences(t)["SseConfig"].pop("KeyArn"), id="kms-without-key"),
        pytest.param(lambda t: sequences(t)["SseConfig"].update(KeyArn="alias/aws/omics"), id="aws-managed-alias"),
        pytest.param(lambda t: references(t)["SseConfig"].update(Type="AWS_OWNED"), id="reference-store-type"),
        pytest.param(lambda t: references(t)["SseConfig"].update(
            KeyArn="arn:aws:kms:us-east-1:444444444444:key/1234abcd-12ab-34cd-56ef-1234567890ab"), id="key-not-in-template"),
        pytest.param(lambda t: sequences(t)["SseConfig"].update(KeyArn={"Ref": "KeyParameter"}), id="unprovable-key"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _sequences(stack):
    return stack.genomics.sequence_store


CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(
        omics.CfnSequenceStore, "SseConfigProperty", forcing(omics.CfnSequenceStore.SseConfigProperty, key_arn=None)),
    l1=lambda stack: setattr(_sequences(stack), "sse_config", omics.CfnSequenceStore.SseConfigProperty(type="KMS")),
    overrides=(
        lambda stack: _sequences(stack).add_property_override("SseConfig.KeyArn", "alias/aws/omics"),
        lambda stack: stack.genomics.reference_store.add_override("Properties.SseConfig.Type", "AWS_OWNED"),
        lambda stack: _sequences(stack).add_deletion_override("Properties.SseConfig"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-KEY-01: every customer-managed key rotates its key material automatically."""

from __future__ import annotations

import pytest
from aws_cdk import aws_kms as kms

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import managed_key
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-KEY-01"
STACK = "LogArchive-log-archive-us-east-1"


def key(template: dict) -> dict:
    return properties(template, "AWS::KMS::Key")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: key(t).update(EnableKeyRotation=False), id="false"),
        pytest.param(lambda t: key(t).update(EnableKeyRotation="false"), id="string-false"),
        pytest.param(lambda t: key(t).pop("EnableKeyRotation"), id="absent-means-never"),
        pytest.param(lambda t: key(t).update(EnableKeyRotation={"Ref": "Rotate"}), id="unprovable-ref"),
        pytest.param(lambda t: key(t).update(EnableKeyRotation=False, KeySpec="RSA_2048"), id="asymmetric"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_string_true_cloudformation_accepts_is_compliant(reference, ctx):
    assert CONTROL not in fired(variant(reference[STACK], lambda t: key(t).update(EnableKeyRotation="true")), ctx)


def _key(stack):
    return stack.key.key.node.default_child


CHANNELS = Channels(
    build=lambda app, config: LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region),
    construct=lambda mp: mp.setattr(
        managed_key.kms, "Key", forcing(kms.Key, enable_key_rotation=False, rotation_period=None)
    ),
    l1=lambda stack: setattr(_key(stack), "enable_key_rotation", False),
    overrides=(
        lambda stack: _key(stack).add_property_override("EnableKeyRotation", False),
        lambda stack: _key(stack).add_override("Properties.EnableKeyRotation", "false"),
        lambda stack: _key(stack).add_property_deletion_override("EnableKeyRotation"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-ESIG-04: a signer's username is unique whatever its case, and the register is never deleted."""

from __future__ import annotations

import pytest
from aws_cdk import aws_cognito as cognito

from controls.signatures._stack import STACK, build, cfn_pool, pool
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-04"


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: pool(t).update(UsernameConfiguration={"CaseSensitive": True}), id="case-sensitive"),
        pytest.param(lambda t: pool(t).update(UsernameConfiguration={"CaseSensitive": "true"}), id="string-true"),
        pytest.param(lambda t: pool(t).pop("UsernameConfiguration"), id="absent-means-case-sensitive"),
        pytest.param(lambda t: pool(t).update(DeletionProtection="INACTIVE"), id="deletable"),
        pytest.param(lambda t: pool(t).pop("DeletionProtection"), id="protection-not-stated"),
        pytest.param(lambda t: pool(t).update(UsernameConfiguration={"CaseSensitive": {"Ref": "CaseParameter"}}), id="unprovable-ref"),
        pytest.param(lambda t: pool(t).update(DeletionProtection={"Fn::If": ["Prod", "ACTIVE", "INACTIVE"]}), id="unprovable-condition"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_string_false_cloudformation_accepts_is_compliant(reference, ctx):
    assert fired(variant(reference[STACK], lambda t: pool(t).update(UsernameConfiguration={"CaseSensitive": "false"})), ctx) == set()


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        infrastructure.cognito, "UserPool", forcing(cognito.UserPool, sign_in_case_sensitive=True)
    ),
    l1=lambda stack: setattr(cfn_pool(stack), "deletion_protection", "INACTIVE"),
    overrides=(
        lambda stack: cfn_pool(stack).add_property_override("UsernameConfiguration.CaseSensitive", True),
        lambda stack: cfn_pool(stack).add_override("Properties.DeletionProtection", "INACTIVE"),
        lambda stack: cfn_pool(stack).add_deletion_override("Properties.UsernameConfiguration"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

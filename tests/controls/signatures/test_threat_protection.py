"""GXP-ESIG-05: compromised credentials and risky sign-ins to the signer pool are blocked and logged."""

from __future__ import annotations

import pytest
from aws_cdk import aws_cognito as cognito

from controls.signatures._stack import STACK, build, cfn_pool, pool
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-05"


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: pool(t).update(UserPoolAddOns={"AdvancedSecurityMode": "AUDIT"}), id="audit-only"),
        pytest.param(lambda t: pool(t).update(UserPoolAddOns={"AdvancedSecurityMode": "OFF"}), id="off"),
        pytest.param(lambda t: pool(t).pop("UserPoolAddOns"), id="absent"),
        pytest.param(lambda t: pool(t).update(UserPoolAddOns={"AdvancedSecurityMode": {"Ref": "ModeParameter"}}), id="unprovable-ref"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.cognito, "UserPool", forcing(
        cognito.UserPool, standard_threat_protection_mode=cognito.StandardThreatProtectionMode.AUDIT_ONLY
    )),
    l1=lambda stack: setattr(
        cfn_pool(stack), "user_pool_add_ons", cognito.CfnUserPool.UserPoolAddOnsProperty(advanced_security_mode="AUDIT")
    ),
    overrides=(
        lambda stack: cfn_pool(stack).add_property_override("UserPoolAddOns.AdvancedSecurityMode", "OFF"),
        lambda stack: cfn_pool(stack).add_override("Properties.UserPoolAddOns.AdvancedSecurityMode", "AUDIT"),
        lambda stack: cfn_pool(stack).add_deletion_override("Properties.UserPoolAddOns"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

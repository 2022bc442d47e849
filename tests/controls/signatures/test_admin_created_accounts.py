"""GXP-ESIG-02: signer accounts are created by administrators only."""

from __future__ import annotations

import pytest
from aws_cdk import aws_cognito as cognito

from controls.signatures._stack import STACK, build, cfn_pool, pool
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-02"


def admin_config(template: dict) -> dict:
    return pool(template)["AdminCreateUserConfig"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: admin_config(t).update(AllowAdminCreateUserOnly=False), id="self-sign-up"),
        pytest.param(lambda t: admin_config(t).update(AllowAdminCreateUserOnly="false"), id="string-false"),
        pytest.param(lambda t: admin_config(t).pop("AllowAdminCreateUserOnly"), id="absent-flag"),
        pytest.param(lambda t: pool(t).pop("AdminCreateUserConfig"), id="absent-config"),
        pytest.param(lambda t: admin_config(t).update(AllowAdminCreateUserOnly={"Ref": "SignUpParameter"}), id="unprovable-ref"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_string_true_cloudformation_accepts_is_compliant(reference, ctx):
    assert fired(variant(reference[STACK], lambda t: admin_config(t).update(AllowAdminCreateUserOnly="true")), ctx) == set()


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        infrastructure.cognito, "UserPool", forcing(cognito.UserPool, self_sign_up_enabled=True)
    ),
    l1=lambda stack: setattr(
        cfn_pool(stack), "admin_create_user_config",
        cognito.CfnUserPool.AdminCreateUserConfigProperty(allow_admin_create_user_only=False),
    ),
    overrides=(
        lambda stack: cfn_pool(stack).add_property_override("AdminCreateUserConfig.AllowAdminCreateUserOnly", False),
        lambda stack: cfn_pool(stack).add_override("Properties.AdminCreateUserConfig.AllowAdminCreateUserOnly", "false"),
        lambda stack: cfn_pool(stack).add_deletion_override("Properties.AdminCreateUserConfig"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

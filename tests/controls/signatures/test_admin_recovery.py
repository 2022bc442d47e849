"""GXP-ESIG-11: a signer's lost credentials are recovered only by an administrator."""

from __future__ import annotations

import pytest
from aws_cdk import aws_cognito as cognito

from controls.signatures._stack import STACK, build, cfn_pool, pool
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-11"


def mechanisms(*names: str) -> dict:
    return {"RecoveryMechanisms": [{"Name": n, "Priority": i + 1} for i, n in enumerate(names)]}


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: pool(t).update(AccountRecoverySetting=mechanisms("verified_email")), id="by-e-mail"),
        pytest.param(
            lambda t: pool(t).update(AccountRecoverySetting=mechanisms("verified_email", "verified_phone_number")),
            id="by-e-mail-or-phone",
        ),
        pytest.param(lambda t: pool(t).update(AccountRecoverySetting=mechanisms("verified_phone_number")), id="by-phone"),
        pytest.param(lambda t: pool(t).update(AccountRecoverySetting=mechanisms("admin_only", "verified_email")), id="admin-plus-e-mail"),
        pytest.param(lambda t: pool(t).pop("AccountRecoverySetting"), id="absent-means-phone-or-e-mail"),
        pytest.param(lambda t: pool(t).update(AccountRecoverySetting={"RecoveryMechanisms": []}), id="empty"),
        pytest.param(
            lambda t: pool(t)["AccountRecoverySetting"]["RecoveryMechanisms"][0].update(Name={"Ref": "RecoveryParameter"}),
            id="unprovable-ref",
        ),
        pytest.param(
            lambda t: pool(t).update(AccountRecoverySetting={"Fn::If": ["Strict", mechanisms("admin_only"), mechanisms("verified_email")]}),
            id="unprovable-condition",
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_construct_deploys_admin_only_recovery(reference):
    assert pool(reference[STACK].template)["AccountRecoverySetting"] == mechanisms("admin_only")


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        infrastructure.cognito, "UserPool", forcing(cognito.UserPool, account_recovery=cognito.AccountRecovery.EMAIL_ONLY)
    ),
    l1=lambda stack: setattr(cfn_pool(stack), "account_recovery_setting", cognito.CfnUserPool.AccountRecoverySettingProperty(
        recovery_mechanisms=[cognito.CfnUserPool.RecoveryOptionProperty(name="verified_email", priority=1)]
    )),
    overrides=(
        lambda stack: cfn_pool(stack).add_property_override("AccountRecoverySetting.RecoveryMechanisms.0.Name", "verified_email"),
        lambda stack: cfn_pool(stack).add_override(
            "Properties.AccountRecoverySetting.RecoveryMechanisms", [{"Name": "verified_phone_number", "Priority": 1}]
        ),
        lambda stack: cfn_pool(stack).add_deletion_override("Properties.AccountRecoverySetting"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

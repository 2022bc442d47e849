"""GXP-ESIG-01: every sign-in to the signer pool needs a password and a TOTP code."""

from __future__ import annotations

import pytest
from aws_cdk import aws_cognito as cognito

from controls.signatures._stack import STACK, build, cfn_pool, pool
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-01"


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: pool(t).update(MfaConfiguration="OPTIONAL"), id="optional"),
        pytest.param(lambda t: pool(t).update(MfaConfiguration="OFF"), id="off"),
        pytest.param(lambda t: pool(t).pop("MfaConfiguration"), id="absent-means-off"),
        pytest.param(lambda t: pool(t).update(EnabledMfas=["SMS_MFA", "SOFTWARE_TOKEN_MFA"]), id="sms-offered"),
        pytest.param(lambda t: pool(t).update(EnabledMfas=["EMAIL_OTP"]), id="email-codes"),
        pytest.param(lambda t: pool(t).pop("EnabledMfas"), id="no-factor-named"),
        pytest.param(
            lambda t: pool(t).update(DeviceConfiguration={"ChallengeRequiredOnNewDevice": "true"}), id="remembered-device"
        ),
        pytest.param(lambda t: pool(t).update(MfaConfiguration={"Ref": "MfaParameter"}), id="unprovable-ref"),
        pytest.param(
            lambda t: pool(t).update(EnabledMfas={"Fn::If": ["Strict", ["SOFTWARE_TOKEN_MFA"], ["SMS_MFA"]]}),
            id="unprovable-condition",
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_device_tracking_that_still_asks_for_the_code_is_compliant(reference, ctx):
    def edit(template):
        pool(template).update(DeviceConfiguration={"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": True})

    assert fired(variant(reference[STACK], edit), ctx) == set()


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.cognito, "UserPool", forcing(cognito.UserPool, mfa=cognito.Mfa.OPTIONAL)),
    l1=lambda stack: setattr(cfn_pool(stack), "mfa_configuration", "OPTIONAL"),
    overrides=(
        lambda stack: cfn_pool(stack).add_property_override("MfaConfiguration", "OFF"),
        lambda stack: cfn_pool(stack).add_override("Properties.EnabledMfas", ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]),
        lambda stack: cfn_pool(stack).add_property_override("DeviceConfiguration.ChallengeRequiredOnNewDevice", True),
        lambda stack: cfn_pool(stack).add_deletion_override("Properties.MfaConfiguration"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

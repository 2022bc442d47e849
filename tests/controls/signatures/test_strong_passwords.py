"""GXP-ESIG-03: signer passwords are long, mixed, and temporary passwords lapse quickly."""

from __future__ import annotations

import pytest
from aws_cdk import Duration
from aws_cdk import aws_cognito as cognito

from controls.signatures._stack import STACK, build, cfn_pool, pool
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-03"


def password_policy(template: dict) -> dict:
    return pool(template)["Policies"]["PasswordPolicy"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: password_policy(t).update(MinimumLength=8), id="8-characters"),
        pytest.param(lambda t: password_policy(t).update(MinimumLength="11"), id="string-11"),
        pytest.param(lambda t: password_policy(t).pop("MinimumLength"), id="length-not-stated"),
        pytest.param(lambda t: password_policy(t).update(RequireSymbols=False), id="no-symbols"),
        pytest.param(lambda t: password_policy(t).pop("RequireUppercase"), id="upper-case-not-required"),
        pytest.param(lambda t: password_policy(t).update(TemporaryPasswordValidityDays=30), id="temporary-for-a-month"),
        pytest.param(lambda t: password_policy(t).update(TemporaryPasswordValidityDays=0), id="temporary-zero-days"),
        pytest.param(lambda t: password_policy(t).pop("TemporaryPasswordValidityDays"), id="temporary-not-stated"),
        pytest.param(lambda t: pool(t).pop("Policies"), id="no-policy"),
        pytest.param(lambda t: password_policy(t).update(MinimumLength={"Ref": "LengthParameter"}), id="unprovable-ref"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_string_values_cloudformation_accepts_are_read_as_numbers_and_booleans(reference, ctx):
    def edit(template):
        password_policy(template).update(MinimumLength="12", RequireSymbols="true", TemporaryPasswordValidityDays="7")

    assert fired(variant(reference[STACK], edit), ctx) == set()


def _weak_policy(stack):
    return cognito.CfnUserPool.PoliciesProperty(password_policy=cognito.CfnUserPool.PasswordPolicyProperty(
        minimum_length=8, require_lowercase=True, require_uppercase=True, require_numbers=True, require_symbols=True,
        temporary_password_validity_days=3,
    ))


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.cognito, "UserPool", forcing(
        cognito.UserPool,
        password_policy=cognito.PasswordPolicy(min_length=8, temp_password_validity=Duration.days(3)),
    )),
    l1=lambda stack: setattr(cfn_pool(stack), "policies", _weak_policy(stack)),
    overrides=(
        lambda stack: cfn_pool(stack).add_property_override("Policies.PasswordPolicy.MinimumLength", 8),
        lambda stack: cfn_pool(stack).add_override("Properties.Policies.PasswordPolicy.TemporaryPasswordValidityDays", 30),
        lambda stack: cfn_pool(stack).add_deletion_override("Properties.Policies.PasswordPolicy.RequireSymbols"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

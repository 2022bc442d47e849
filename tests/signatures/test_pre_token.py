"""The user pool's pre-token-generation trigger and the claim it writes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from gxp_landing_zone.signatures.runtime import pre_token
from gxp_landing_zone.signatures.runtime.core import AuthenticationFailed, POOL_AMR_CLAIM, authenticate

NOW = datetime(2026, 11, 23, 19, 30, 0, tzinfo=timezone.utc)


def _event(source):
    return {"version": "1", "triggerSource": source, "request": {"userAttributes": {}}, "response": {}}


@pytest.mark.parametrize("source", sorted(pre_token.BOTH_FACTORS))
def test_password_and_mfa_sign_ins_are_asserted(source):
    out = pre_token.handler(_event(source), None)
    assert out["response"]["claimsOverrideDetails"]["claimsToAddOrOverride"] == {POOL_AMR_CLAIM: "pwd mfa"}


@pytest.mark.parametrize("source", ["TokenGeneration_AuthenticateDevice", "TokenGeneration_RefreshTokens"])
def test_remembered_device_and_refreshed_sessions_get_no_claim(source):
    out = pre_token.handler(_event(source), None)
    assert "claimsOverrideDetails" not in out["response"]


def test_other_claim_overrides_are_kept():
    event = _event("TokenGeneration_Authentication")
    event["response"] = {"claimsOverrideDetails": {"claimsToAddOrOverride": {"dept": "QA"}}}
    claims = pre_token.handler(event, None)["response"]["claimsOverrideDetails"]["claimsToAddOrOverride"]
    assert claims == {"dept": "QA", POOL_AMR_CLAIM: "pwd mfa"}


def _claims(**extra):
    return {
        "sub": "s-1",
        "cognito:username": "jdoe",
        "name": "Jane Doe",
        "token_use": "id",
        "auth_time": str(int(NOW.timestamp()) - 60),
        **extra,
    }


def test_the_pool_claim_satisfies_authentication():
    assert authenticate(_claims(**{POOL_AMR_CLAIM: "pwd mfa"}), NOW).username == "jdoe"


def test_a_token_without_either_claim_is_refused():
    with pytest.raises(AuthenticationFailed, match="multi-factor"):
        authenticate(_claims(), NOW)

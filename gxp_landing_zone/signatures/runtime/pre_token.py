"""Cognito pre-token-generation trigger: state in the ID token how the user authenticated.

Cognito ID tokens carry no ``amr`` claim and a trigger may not set it, so the trigger writes
``gxp_amr`` ("pwd mfa"), which ``core.authenticate`` reads (11.200(a)(1): both components at
every signing). That is true by construction of the user pool the infrastructure builds: MFA
is required for every user, the app client allows only SRP password sign-in, and no device is
remembered, so no token is issued without a password and a TOTP code.

A token issued after authenticating a remembered device, or by refreshing a session, gets no
claim: such sessions cannot sign rather than signing on less than a fresh two-factor sign-in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .core import POOL_AMR_CLAIM

# Trigger sources where the user has just presented the password and the second factor. A
# refreshed token gets no claim: signing always follows a real sign-in, whatever a refresh
# does to auth_time.
BOTH_FACTORS = frozenset(
    {
        "TokenGeneration_Authentication",
        "TokenGeneration_HostedAuth",
        "TokenGeneration_NewPasswordChallenge",
    }
)
METHODS = "pwd mfa"


def handler(event: Mapping[str, Any], context: Any) -> Mapping[str, Any]:
    event = dict(event)
    response = dict(event.get("response") or {})
    if event.get("triggerSource") in BOTH_FACTORS:
        details = dict(response.get("claimsOverrideDetails") or {})
        claims = dict(details.get("claimsToAddOrOverride") or {})
        claims[POOL_AMR_CLAIM] = METHODS
        details["claimsToAddOrOverride"] = claims
        response["claimsOverrideDetails"] = details
    event["response"] = response
    return event

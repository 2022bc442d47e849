"""Who is signing: freshness and strength of the signer's authentication (11.200(a)(1), 11.300)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .errors import AuthenticationFailed, BadRequest, Forbidden

DEFAULT_AUTH_WINDOW_SECONDS = 300
# RFC 8176 values that count as a second factor next to "pwd".
SECOND_FACTOR_AMR: frozenset[str] = frozenset({"mfa", "otp", "sms", "swk", "hwk", "totp"})
DISABLED_CLAIM = "custom:disabled"
# Cognito refuses to let a pre-token-generation trigger set "amr" (a reserved claim), so the
# user pool's trigger asserts the methods under this name instead. It can only be set by that
# trigger, and only truthfully because the pool requires password + TOTP on every sign-in.
POOL_AMR_CLAIM = "gxp_amr"


@dataclass(frozen=True)
class Signer:
    sub: str
    username: str
    printed_name: str
    groups: frozenset[str]
    auth_time: int


def _claim_list(value: Any) -> list[str]:
    # API Gateway flattens list claims to strings such as "[a b]" or "a,b".
    if value is None:
        return []
    if isinstance(value, (list, tuple, set, frozenset)):
        return [str(v) for v in value]
    text = str(value).strip().strip("[]")
    return [part for part in re.split(r"[,\s]+", text) if part]


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in {"true", "1", "yes"}


def authenticate(
    claims: Mapping[str, Any] | None,
    now: datetime,
    *,
    window_seconds: int = DEFAULT_AUTH_WINDOW_SECONDS,
    allowed_token_uses: Iterable[str] = ("id", "access"),
    is_disabled: Callable[[str, str], bool] | None = None,
) -> Signer:
    """Apply 11.200(a)(1) and 11.300(c) to already-verified token claims.

    The authorizer proves the token is genuine; this decides whether it is
    fresh and strong enough to execute a signature right now.
    """
    if not claims:
        raise AuthenticationFailed("no authenticated identity on the request", "unauthenticated")
    sub = str(claims.get("sub") or "")
    username = str(claims.get("cognito:username") or claims.get("username") or "")
    if not sub or not username:
        raise AuthenticationFailed("token lacks a subject or username", "unauthenticated")
    if str(claims.get("token_use") or "") not in set(allowed_token_uses):
        raise AuthenticationFailed("token_use is not acceptable for signing", "wrong_token_use")

    # 11.200(a)(1): both components (password and a second factor) must have
    # been used for this authentication.
    amr = {v.lower() for v in _claim_list(claims.get("amr") or claims.get(POOL_AMR_CLAIM))}
    if "pwd" not in amr or not (amr & SECOND_FACTOR_AMR):
        raise AuthenticationFailed(
            "token does not show password plus multi-factor authentication", "mfa_required"
        )

    try:
        auth_time = int(str(claims.get("auth_time")))
    except ValueError:
        raise AuthenticationFailed("token lacks a valid auth_time", "stale_authentication") from None
    age = now.timestamp() - auth_time
    if age < 0:
        raise AuthenticationFailed("auth_time is in the future", "stale_authentication")
    if age > window_seconds:
        raise AuthenticationFailed(
            f"authentication is {int(age)} s old; re-authenticate within {window_seconds} s to sign",
            "stale_authentication",
        )

    # 11.300(c): a disabled account may still hold an unexpired token.
    if _truthy(claims.get(DISABLED_CLAIM, "false")) or (is_disabled and is_disabled(sub, username)):
        raise Forbidden("user account is disabled", "user_disabled")

    printed_name = str(claims.get("name") or "").strip()
    if not printed_name:
        given, family = claims.get("given_name") or "", claims.get("family_name") or ""
        printed_name = f"{given} {family}".strip()
    if not printed_name:
        raise BadRequest("token lacks the signer's printed name (11.50(a)(1))", "no_printed_name")
    return Signer(sub, username, printed_name, frozenset(_claim_list(claims.get("cognito:groups"))), auth_time)

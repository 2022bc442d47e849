"""IAM Identity Center: humans sign in through it and reach accounts only through the permission
sets assigned to their groups; there are no IAM users (11.10(d), 11.10(g))."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from .base import Strict

# IAM Identity Center group IDs, with the pattern the Identity Store API Reference gives for
# GroupId (and SSO Admin for an assignment's PrincipalId): a UUID, optionally after the
# 10-character identity store ID (1234567890-UUID); 47 characters at most. Anything else -
# blank, a display name, an ID with an invisible character pasted along - is no group.
GROUP_ID = re.compile(r"([0-9a-f]{10}-|)[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}")


PERMISSION_SET = Literal["auditor", "platform-admin", "regulated-data-operator"]
DEFAULT_SESSION_HOURS = {"auditor": 4, "platform-admin": 1, "regulated-data-operator": 8}


class AccessAssignment(Strict):
    group_id: str = Field(description="Identity Center group ID, e.g. 90670000-aaaa-4bbb-8ccc-000000000001")
    permission_set: PERMISSION_SET
    accounts: list[str] = Field(min_length=1, description="account roles, or ['*'] for every account")

    @field_validator("group_id")
    @classmethod
    def _group_id(cls, value: str) -> str:
        if not GROUP_ID.fullmatch(value):
            shown = repr(value) if len(value) <= 60 else repr(value[:60]) + "..."
            raise ValueError(
                f"{shown} is not an IAM Identity Center group ID; copy the Group ID from Identity Center "
                "(Groups > the group), e.g. 90670000-aaaa-4bbb-8ccc-000000000001 or "
                "1234567890-90670000-aaaa-4bbb-8ccc-000000000001"
            )
        return value

    @field_validator("accounts")
    @classmethod
    def _accounts(cls, value: list[str]) -> list[str]:
        if "*" in value and len(value) > 1:
            raise ValueError("'*' already means every account; give either ['*'] or a list of account roles")
        twice = sorted({role for role in value if value.count(role) > 1})
        if twice:
            raise ValueError(f"account role {', '.join(twice)} is listed twice")
        return value


class Access(Strict):
    """IAM Identity Center: humans sign in through it; there are no IAM users (11.10(d), 11.10(g))."""

    instance_arn: str = Field(pattern=r"^arn:aws:sso:::instance/ssoins-[0-9a-f]{16}$")
    session_hours: dict[PERMISSION_SET, int] = Field(
        default_factory=dict, validate_default=True, description="hours per permission set"
    )
    assignments: list[AccessAssignment] = Field(default_factory=list)

    @field_validator("session_hours")
    @classmethod
    def _session(cls, value: dict[str, int]) -> dict[str, int]:
        for name, hours in value.items():
            if not 1 <= hours <= 12:
                raise ValueError(f"session for {name} is {hours} h; Identity Center allows 1 to 12 hours")
        return {**DEFAULT_SESSION_HOURS, **value}

"""Who may seal an IQ or OQ record.

Each record the IQ and OQ runners write is signed with the estate's qualification-records KMS key
(an asymmetric key in the audit account), so an edited or truncated record no longer verifies
against the key's public key. The key policy lets only the roles of the permission sets named here
sign: by default the auditors (QA), who did not build the estate they qualify.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from .base import Strict

SIGNER = Literal["auditor", "platform-admin", "regulated-data-operator"]


class Qualification(Strict):
    record_signers: list[SIGNER] = Field(
        default_factory=lambda: ["auditor"],
        validate_default=True,
        description="permission sets whose roles may sign IQ/OQ records with the qualification-records key, e.g. [auditor]",
    )

    @field_validator("record_signers")
    @classmethod
    def _signers(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("name at least one permission set, e.g. [auditor]: an unsignable record cannot be filed")
        if len(set(value)) != len(value):
            raise ValueError("a permission set is listed twice")
        return value

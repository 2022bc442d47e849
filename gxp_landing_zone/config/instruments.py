"""Laboratory instruments: the only sources an instrument-data class accepts writes from (21 CFR 11.10(h)
device checks; Annex 11 5).

Each instrument is registered by ID with the data class it writes and how it authenticates: an IAM role
in the regulated account that its acquisition gateway assumes, or an X.509 certificate presented to IAM
Roles Anywhere (the session then carries the certificate's subject CN as the principal tag
``x509Subject/CN``, which the bucket policy matches:
https://docs.aws.amazon.com/rolesanywhere/latest/userguide/trust-model.html).

The checks that need the accounts and data classes run from ``check_instruments``, called by
EstateConfig.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import Field, field_validator, model_validator

from .base import Strict

if TYPE_CHECKING:  # pragma: no cover
    from .model import EstateConfig

# IAM role names: letters, digits and +=,.@_- up to 64 characters (IAM User Guide, IAM quotas).
ROLE_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]{1,64}")
INSTRUMENT_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
# A certificate subject common name as instruments are named: host-like, never a wildcard.
COMMON_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9.:_-]{0,63}")


def _role_name(value: str) -> str:
    if not ROLE_NAME.fullmatch(value):
        raise ValueError(
            f"'{value}' is not an IAM role name (letters, digits and +=,.@_- up to 64 characters); give the role's "
            "name, not its ARN"
        )
    return value


class Certificate(Strict):
    """An instrument that signs in with its own X.509 certificate through IAM Roles Anywhere."""

    role: str = Field(
        description="the IAM role the Roles Anywhere profile assumes, e.g. gxp-instruments-roles-anywhere; it must "
        "trust only rolesanywhere.amazonaws.com, so no one else can set the session's principal tags"
    )
    subject_cn: str = Field(description="the certificate's subject common name, e.g. ms-qtof-02.lab.example.eu")

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        return _role_name(value)

    @field_validator("subject_cn")
    @classmethod
    def _cn(cls, value: str) -> str:
        if not COMMON_NAME.fullmatch(value):
            raise ValueError(
                f"'{value}' is not a certificate common name this product accepts (letters, digits, . : _ -, no "
                "wildcard); give the exact subject CN of the instrument's certificate"
            )
        return value


class Instrument(Strict):
    """One registered instrument: what it writes, where, and the identity its writes must carry."""

    id: str = Field(description="the instrument's inventory ID, e.g. hplc-07 (lower-case letters, digits, -)")
    data_class: str = Field(description="the instrument-data class it writes, e.g. raw-lab-data")
    account: str = Field(description="the regulated account whose records bucket it writes to, e.g. regulated-us")
    region: str | None = Field(default=None, description="one of that account's regions; default its first")
    role: str | None = Field(
        default=None, description="the IAM role its acquisition gateway assumes in that account, e.g. gxp-instrument-hplc-07"
    )
    certificate: Certificate | None = Field(default=None, description="or: its X.509 certificate via IAM Roles Anywhere")

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not INSTRUMENT_ID.fullmatch(value):
            raise ValueError(f"'{value}' is not an instrument ID: 2-63 lower-case letters, digits or -, e.g. hplc-07")
        return value

    @field_validator("role")
    @classmethod
    def _role(cls, value: str | None) -> str | None:
        return value if value is None else _role_name(value)

    @model_validator(mode="after")
    def _one_identity(self):
        if (self.role is None) == (self.certificate is None):
            raise ValueError("give exactly one of role (an IAM role) or certificate (X.509 via IAM Roles Anywhere)")
        return self


def check_instruments(config: "EstateConfig") -> None:
    """Raise ValueError naming the field for an instrument the estate cannot admit."""
    classes = {c.name: c for c in config.data_classes}
    seen: set[str] = set()
    for index, instrument in enumerate(config.instruments):
        where = f"instruments[{index}] ({instrument.id})"
        if instrument.id in seen:
            raise ValueError(f"{where}.id: instrument {instrument.id} is registered twice")
        seen.add(instrument.id)
        data_class = classes.get(instrument.data_class)
        if data_class is None:
            raise ValueError(f"{where}.data_class: '{instrument.data_class}' is not in data_classes")
        if not data_class.instrument_data:
            raise ValueError(
                f"{where}.data_class: '{instrument.data_class}' is not an instrument-data class; set "
                f"instrument_data: true on it, so only registered instruments may write it"
            )
        try:
            account = config.account(instrument.account)
        except KeyError:
            account = None
        if account is None or account.jurisdiction is None:
            raise ValueError(f"{where}.account: '{instrument.account}' is not a regulated account in accounts")
        regions = config.workload_regions(account)
        if instrument.region is not None and instrument.region not in regions:
            raise ValueError(f"{where}.region: {instrument.account} keeps no records in {instrument.region}; use one of "
                             f"{', '.join(regions)}")


def instruments_at(config: "EstateConfig", account_role: str, region: str, data_class: str) -> list[Instrument]:
    """The instruments that write ``data_class`` in this account and region."""
    account = config.account(account_role)
    first = config.workload_regions(account)[0]
    return [
        i for i in config.instruments
        if i.account == account_role and i.data_class == data_class and (i.region or first) == region
    ]

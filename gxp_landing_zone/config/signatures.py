"""Electronic signatures (21 CFR Part 11 Subpart C): which meanings exist, how fresh an
authentication must be to sign, and who may sign what, in which order.

A record class is a part of one data class's records buckets (the whole bucket, or the keys
under a prefix). For each record class the config names the user-pool groups that may sign it
and with which meanings (11.10(g) authority checks), and optionally the order the meanings must
be applied in (11.10(f) sequencing, e.g. review before approval). A person signs a version with one
meaning only unless the record class allows several. A meaning can be reserved to named groups
whatever a record class grants, e.g. batch release to the Qualified Persons (Annex 11 15).

The checks that need the data classes run from ``check_signatures``, called by EstateConfig.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pydantic import Field, field_validator, model_validator

from .base import CalendarDate
from .base import Strict as _Strict

if TYPE_CHECKING:  # pragma: no cover
    from .model import EstateConfig

DEFAULT_MEANINGS = ("review", "approval", "responsibility", "authorship")
# Long enough to read the record and type the password and code, short enough that the
# person signing is the person who authenticated (11.200(a)(1)).
MIN_AUTH_WINDOW_SECONDS = 30
MAX_AUTH_WINDOW_SECONDS = 900
# All three are used with fullmatch: with match, a Python `$` also matches before a trailing newline.
MEANING = re.compile(r"[a-z][a-z0-9-]{1,31}")
# Cognito group names: letters, digits and a few separators, at most 128 characters.
GROUP = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}")
KEY_PREFIX = re.compile(r"([A-Za-z0-9!_.*'()-]+/)*")


class RecordClass(_Strict):
    """Records that share signing rules, e.g. batch records or IND modules."""

    data_class: str = Field(description="the data class whose records buckets hold these records")
    key_prefix: str = Field(default="", description="e.g. batch-records/; empty for the whole bucket")
    signers: dict[str, list[str]] = Field(
        min_length=1, description="user-pool group -> the meanings its members may sign with"
    )
    sequence: list[str] | None = Field(
        default=None, description="meanings in the order they must be applied, e.g. [review, approval]"
    )
    same_person_may_sign: bool = Field(
        default=False,
        description="true lets one person sign a version with several meanings (e.g. review and approval); by "
        "default a person signs a version with one meaning only, so a reviewer never approves their own review",
    )

    @field_validator("key_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if value and not KEY_PREFIX.fullmatch(value):
            raise ValueError(
                f"'{value}' is not a key prefix: use folder names of letters, digits, - _ . ending in '/', "
                "e.g. batch-records/ (leave it out for the whole bucket)"
            )
        return value

    @field_validator("signers")
    @classmethod
    def _signers(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for group, meanings in value.items():
            if not GROUP.fullmatch(group):
                raise ValueError(
                    f"group '{group}' is not a valid user-pool group name (letters, digits, _ . @ + -; at most 128)"
                )
            if not meanings:
                raise ValueError(f"group '{group}' lists no meanings; give at least one or remove the group")
            if len(set(meanings)) != len(meanings):
                raise ValueError(f"group '{group}' lists a meaning twice")
        return value

    @field_validator("sequence")
    @classmethod
    def _sequence(cls, value: list[str] | None) -> list[str] | None:
        if value is not None:
            if len(value) < 2:
                raise ValueError("a sequence needs at least two meanings (e.g. [review, approval]); remove it otherwise")
            if len(set(value)) != len(value):
                raise ValueError("a meaning appears twice in the sequence")
        return value


class Signatures(_Strict):
    meanings: list[str] = Field(
        default_factory=lambda: list(DEFAULT_MEANINGS),
        min_length=1,
        description="meanings a signature can carry (11.50(a)(3)); extend for your procedures",
    )
    auth_window_seconds: int = Field(
        default=300,
        description=f"how recent the sign-in must be to sign, {MIN_AUTH_WINDOW_SECONDS}..{MAX_AUTH_WINDOW_SECONDS} s",
    )
    record_classes: dict[str, RecordClass] = Field(default_factory=dict)
    restricted_meanings: dict[str, list[str]] = Field(
        default_factory=dict,
        description="meaning -> the only user-pool groups that may ever sign it, whatever a record class grants, "
        "e.g. batch-release: [qualified-persons] (Annex 11 15)",
    )
    unsealed_before: CalendarDate | None = Field(
        default=None,
        description="only for a ledger written before entries were sealed: the date sealing was deployed, "
        "e.g. 2026-12-01; an unsealed entry counts only if its retained copy is older. Leave out otherwise",
    )

    @field_validator("meanings")
    @classmethod
    def _meanings(cls, value: list[str]) -> list[str]:
        for meaning in value:
            if not MEANING.fullmatch(meaning):
                raise ValueError(
                    f"meaning '{meaning}' must be 2-32 lower-case letters, digits or hyphens, starting with a letter"
                )
        if len(set(value)) != len(value):
            raise ValueError("a meaning is listed twice")
        return value

    @field_validator("auth_window_seconds")
    @classmethod
    def _window(cls, value: int) -> int:
        if not MIN_AUTH_WINDOW_SECONDS <= value <= MAX_AUTH_WINDOW_SECONDS:
            raise ValueError(
                f"{value} s is outside {MIN_AUTH_WINDOW_SECONDS}..{MAX_AUTH_WINDOW_SECONDS} s; a signature must follow "
                "a fresh sign-in (11.200(a)(1)), so keep the window to a few minutes (300 is usual)"
            )
        return value

    @field_validator("record_classes")
    @classmethod
    def _names(cls, value: dict[str, RecordClass]) -> dict[str, RecordClass]:
        for name in value:
            if not MEANING.fullmatch(name):
                raise ValueError(f"record class '{name}' must be 2-32 lower-case letters, digits or hyphens")
        return value

    @model_validator(mode="after")
    def _known_meanings(self):
        known = set(self.meanings)
        for name, record_class in self.record_classes.items():
            where = f"record_classes.{name}"
            for group, meanings in record_class.signers.items():
                unknown = sorted(set(meanings) - known)
                if unknown:
                    raise ValueError(
                        f"{where}.signers.{group}: unknown meaning {', '.join(unknown)}; "
                        f"use one of {', '.join(self.meanings)} or add it to signatures.meanings"
                    )
            if record_class.sequence:
                unknown = sorted(set(record_class.sequence) - known)
                if unknown:
                    raise ValueError(f"{where}.sequence: unknown meaning {', '.join(unknown)}")
                grantable = {m for meanings in record_class.signers.values() for m in meanings}
                orphans = [m for m in record_class.sequence if m not in grantable]
                if orphans:
                    raise ValueError(
                        f"{where}.sequence: no group in signers may sign '{orphans[0]}', so no record of this class "
                        "could ever complete the sequence; grant it to a group or remove it from the sequence"
                    )
        self._check_restricted(known)
        return self

    def _check_restricted(self, known: set[str]) -> None:
        for meaning, groups in self.restricted_meanings.items():
            where = f"restricted_meanings.{meaning}"
            if meaning not in known:
                raise ValueError(f"{where}: unknown meaning {meaning}; add it to signatures.meanings or remove it")
            if not groups:
                raise ValueError(f"{where}: name at least one group, e.g. [qualified-persons]")
            for group in groups:
                if not GROUP.fullmatch(group):
                    raise ValueError(f"{where}: group '{group}' is not a valid user-pool group name")
            for name, record_class in self.record_classes.items():
                wider = sorted(g for g, ms in record_class.signers.items() if meaning in ms and g not in groups)
                if wider:
                    raise ValueError(
                        f"record_classes.{name}.signers.{wider[0]}: '{meaning}' is reserved to "
                        f"{', '.join(groups)} by signatures.{where}; grant it to one of those groups instead"
                    )

    def groups(self) -> list[str]:
        """Every user-pool group the policy names, once each, in a stable order."""
        granted = {g for rc in self.record_classes.values() for g in rc.signers}
        return sorted(granted | {g for groups in self.restricted_meanings.values() for g in groups})


def check_signatures(config: "EstateConfig") -> None:
    """Raise ValueError naming the field for a record class that refers to what does not exist."""
    classes = {c.name for c in config.data_classes}
    seen: dict[tuple[str, str], str] = {}
    for name, record_class in config.signatures.record_classes.items():
        where = f"signatures.record_classes.{name}"
        if record_class.data_class not in classes:
            raise ValueError(
                f"{where}.data_class: '{record_class.data_class}' is not in data_classes "
                f"({', '.join(sorted(classes))})"
            )
        place = (record_class.data_class, record_class.key_prefix)
        if place in seen:
            raise ValueError(
                f"{where}: covers the same records as record class '{seen[place]}' "
                f"({record_class.data_class}/{record_class.key_prefix}); give it another key_prefix"
            )
        seen[place] = name

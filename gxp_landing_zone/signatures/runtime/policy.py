"""Who may sign what, and in which order: signing authority (11.10(g)) and sequencing (11.10(f))."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import BadRequest, Conflict, Forbidden
from .manifest import record_id

DEFAULT_MEANINGS: frozenset[str] = frozenset({"review", "approval", "responsibility", "authorship"})


@dataclass(frozen=True)
class SigningPolicy:
    """Plain-data signing policy.

    ``grants``: record class -> group -> meanings that group may sign (11.10(g)).
    ``sequences``: record class -> required order of meanings (11.10(f)).
    ``record_classes``: "bucket/key-prefix" -> record class; longest prefix wins.
    """

    meanings: frozenset[str] = DEFAULT_MEANINGS
    grants: Mapping[str, Mapping[str, Iterable[str]]] = field(default_factory=dict)
    sequences: Mapping[str, Sequence[str]] = field(default_factory=dict)
    record_classes: Mapping[str, str] = field(default_factory=dict)
    default_record_class: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SigningPolicy:
        return cls(
            meanings=frozenset(data.get("meanings") or DEFAULT_MEANINGS),
            grants={c: {g: frozenset(m) for g, m in gs.items()} for c, gs in (data.get("grants") or {}).items()},
            sequences={c: tuple(o) for c, o in (data.get("sequences") or {}).items()},
            record_classes=dict(data.get("record_classes") or {}),
            default_record_class=data.get("default_record_class"),
        )

    def record_class_for(self, bucket: str, key: str) -> str:
        rid = record_id(bucket, key)
        matches = [p for p in self.record_classes if rid.startswith(p)]
        if matches:
            return self.record_classes[max(matches, key=len)]
        if self.default_record_class:
            return self.default_record_class
        raise Forbidden(f"record {rid} is not covered by any signing policy", "no_record_class")


def check_meaning(meaning: Any, allowed: Iterable[str] = DEFAULT_MEANINGS) -> str:
    allowed = set(allowed)
    if not isinstance(meaning, str) or meaning not in allowed:
        raise BadRequest(
            f"unknown signature meaning {meaning!r}; expected one of {sorted(allowed)}", "unknown_meaning"
        )
    return meaning


def check_authority(
    groups: Iterable[str],
    meaning: str,
    record_class: str,
    grants: Mapping[str, Mapping[str, Iterable[str]]],
) -> None:
    """11.10(g): only a group granted this meaning for this record class may sign."""
    by_group = grants.get(record_class, {})
    if not any(meaning in set(by_group.get(g, ())) for g in groups):
        raise Forbidden(
            f"none of the signer's groups may sign '{meaning}' for record class '{record_class}'",
            "no_authority",
        )


def check_sequence(meaning: str, prior_meanings: Iterable[str], required_order: Sequence[str] | None) -> None:
    """11.10(f): every meaning earlier in the required order must already be present."""
    if not required_order or meaning not in required_order:
        return
    done = set(prior_meanings)
    for earlier in required_order[: list(required_order).index(meaning)]:
        if earlier not in done:
            raise Conflict(
                f"'{meaning}' requires a prior '{earlier}' signature on this record version",
                "out_of_sequence",
            )

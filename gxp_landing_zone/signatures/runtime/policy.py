"""Who may sign what, and in which order: signing authority (11.10(g)), sequencing (11.10(f)), meanings
reserved to named groups (batch release by a Qualified Person, Annex 11 15) and separation of duties
(one person does not both review and approve a version)."""

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
    ``restricted_meanings``: meaning -> the only groups that may ever sign it, whatever a class grants.
    ``same_person_may_sign``: record classes where one person may sign a version with several meanings;
    everywhere else a person signs a version with one meaning only.
    """

    meanings: frozenset[str] = DEFAULT_MEANINGS
    grants: Mapping[str, Mapping[str, Iterable[str]]] = field(default_factory=dict)
    sequences: Mapping[str, Sequence[str]] = field(default_factory=dict)
    record_classes: Mapping[str, str] = field(default_factory=dict)
    default_record_class: str | None = None
    restricted_meanings: Mapping[str, frozenset[str]] = field(default_factory=dict)
    same_person_may_sign: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SigningPolicy:
        return cls(
            meanings=frozenset(data.get("meanings") or DEFAULT_MEANINGS),
            grants={c: {g: frozenset(m) for g, m in gs.items()} for c, gs in (data.get("grants") or {}).items()},
            sequences={c: tuple(o) for c, o in (data.get("sequences") or {}).items()},
            record_classes=dict(data.get("record_classes") or {}),
            default_record_class=data.get("default_record_class"),
            restricted_meanings={m: frozenset(g) for m, g in (data.get("restricted_meanings") or {}).items()},
            same_person_may_sign=frozenset(data.get("same_person_may_sign") or ()),
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
    restricted: Mapping[str, Iterable[str]] | None = None,
) -> None:
    """11.10(g): only a group granted this meaning for this record class may sign; a restricted meaning
    (batch release) only by the groups it is reserved to (Annex 11 15), even if a class grants it wider."""
    reserved = set((restricted or {}).get(meaning, ()))
    if reserved and not reserved & set(groups):
        raise Forbidden(
            f"'{meaning}' may be signed only by members of {', '.join(sorted(reserved))}", "restricted_meaning"
        )
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


def check_separation(
    signer_sub: str, meaning: str, prior: Iterable[Mapping[str, Any]], record_class: str, policy: SigningPolicy
) -> None:
    """One person signs a version with one meaning only (a reviewer does not approve their own review),
    unless the config lets this record class's signers hold several meanings on one version."""
    if record_class in policy.same_person_may_sign:
        return
    own = sorted({e.get("meaning") for e in prior if e.get("signer_sub") == signer_sub} - {meaning})
    if own:
        raise Conflict(
            f"you already signed this record version as '{own[0]}'; '{meaning}' must be signed by someone else",
            "same_signer",
        )

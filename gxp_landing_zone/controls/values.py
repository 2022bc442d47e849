"""The values a template can hold besides plain JSON: a reference to a resource, a string assembled at
deploy time, and a value nobody can know before deployment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class Unresolved:
    """A value that cannot be known from the template (or, in the IQ, could not be read).

    Truth-testing it raises, so a predicate that forgets to handle it fails loudly (the engine turns
    that into "cannot prove") instead of treating an unknown value as false or true.
    """

    __slots__ = ("why",)

    def __init__(self, why: str):
        self.why = why

    def __bool__(self):
        raise TypeError(f"cannot decide on an unresolved value ({self.why})")

    def __repr__(self) -> str:
        return f"<unresolved: {self.why}>"

    __str__ = __repr__


@dataclass(frozen=True)
class Ref:
    """``{"Ref": id}`` or ``{"Fn::GetAtt": [id, attribute]}`` to a resource of the same template."""

    logical_id: str
    attribute: str | None = None

    def __str__(self) -> str:
        return f"{self.logical_id}.{self.attribute}" if self.attribute else f"Ref({self.logical_id})"


@dataclass(frozen=True)
class Joined:
    """A string CloudFormation assembles at deploy time from literals and resource attributes
    (``arn_for_objects("*")`` renders as ``{"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}``).
    Its shape is known, its final text is not."""

    parts: tuple

    @property
    def refs(self) -> list[Ref]:
        return [p for p in self.parts if isinstance(p, Ref)]

    def __str__(self) -> str:
        return "".join(p if isinstance(p, str) else "${%s}" % p for p in self.parts)


def is_unresolved(value: Any) -> bool:
    return isinstance(value, Unresolved)


def contains_unresolved(value: Any) -> Unresolved | None:
    """The first unresolved value anywhere inside ``value``."""
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, dict):
        for item in value.values():
            if (found := contains_unresolved(item)) is not None:
                return found
    elif isinstance(value, list):
        for item in value:
            if (found := contains_unresolved(item)) is not None:
                return found
    return None


def partition_of(region: str | None) -> str | None:
    if region is None:
        return None
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"

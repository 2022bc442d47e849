"""Reading IAM policy documents (bucket, key and endpoint policies, SCPs, role policies) the way IAM
reads them, not the way our constructs happen to write them.

- Action names are case-insensitive and may use ``*`` and ``?`` wildcards; ``NotAction`` applies a
  statement to every action it does not name.
- ``"Principal": "*"`` and ``{"AWS": "*"}`` both mean everyone; ``NotPrincipal`` narrows that.
- Condition keys are case-insensitive; a statement with any condition applies only when it holds.
- A document may arrive as an object or as a JSON string (SCP ``Content``, some L1 properties).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

from .cfn import Unresolved, contains_unresolved


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


@lru_cache(maxsize=4096)
def _pattern(glob: str) -> re.Pattern:
    return re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in glob), re.IGNORECASE)


def matches(glob: str, name: str) -> bool:
    """IAM wildcard match, case-insensitive: ``s3:Delete*`` matches ``s3:DeleteObjectVersion``."""
    return isinstance(glob, str) and bool(_pattern(glob).fullmatch(name))


@dataclass(frozen=True)
class Statement:
    raw: dict

    @property
    def sid(self) -> str | None:
        return self.raw.get("Sid")

    @property
    def effect(self) -> str:
        return str(self.raw.get("Effect", ""))

    @property
    def is_deny(self) -> bool:
        return self.effect == "Deny"

    @property
    def is_allow(self) -> bool:
        return self.effect == "Allow"

    @property
    def unresolved(self) -> Unresolved | None:
        return contains_unresolved(self.raw)

    # -- actions -------------------------------------------------------------------------------

    def applies_to_action(self, action: str) -> bool:
        """Whether a request for ``action`` is governed by this statement (Action or NotAction)."""
        if "NotAction" in self.raw:
            return not any(matches(a, action) for a in as_list(self.raw["NotAction"]))
        return any(matches(a, action) for a in as_list(self.raw.get("Action")))

    def covers_actions(self, actions: Iterable[str]) -> bool:
        return all(self.applies_to_action(a) for a in actions)

    def grants_any(self, actions: Iterable[str]) -> set[str]:
        """Which of ``actions`` this statement names (for allow statements: what it grants)."""
        return {a for a in actions if self.applies_to_action(a)}

    # -- principals ----------------------------------------------------------------------------

    def principals(self, kind: str = "AWS") -> list:
        principal = self.raw.get("Principal")
        if principal == "*":
            return ["*"]
        if isinstance(principal, dict):
            return as_list(principal.get(kind))
        return []

    @property
    def applies_to_everyone(self) -> bool:
        """Principal is everyone (``*`` or ``AWS: *``) and no NotPrincipal carves anyone out."""
        return "*" in self.principals("AWS") and "NotPrincipal" not in self.raw

    # -- conditions ----------------------------------------------------------------------------

    @property
    def conditions(self) -> dict:
        condition = self.raw.get("Condition")
        return condition if isinstance(condition, dict) else {}

    @property
    def unconditional(self) -> bool:
        return not self.raw.get("Condition")

    def condition(self, operator: str, key: str) -> list | None:
        """The values of ``operator`` for ``key`` (key case-insensitive), or None when absent."""
        block = self.conditions.get(operator)
        if not isinstance(block, dict):
            return None
        for name, values in block.items():
            if isinstance(name, str) and name.lower() == key.lower():
                # JSON booleans read as IAM reads them: "true" / "false".
                return [str(v).lower() if isinstance(v, bool) else str(v) for v in as_list(values)]
        return None

    def condition_keys(self) -> set[str]:
        return {k.lower() for block in self.conditions.values() if isinstance(block, dict) for k in block}

    # -- resources -----------------------------------------------------------------------------

    def resources(self) -> list:
        return as_list(self.raw.get("Resource"))


def document(value: Any) -> dict | Unresolved | None:
    """A policy document from a property that may hold an object or its JSON text."""
    if isinstance(value, Unresolved) or value is None:
        return value
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return Unresolved("the policy is not valid JSON")
    return value if isinstance(value, dict) else Unresolved(f"the policy is a {type(value).__name__}, not an object")


def statements(value: Any) -> list[Statement]:
    """The statements of a policy document (object or JSON text); unreadable parts are skipped, so
    callers that need proof must also check ``unreadable(value)``."""
    doc = document(value)
    if not isinstance(doc, dict):
        return []
    return [Statement(s) for s in as_list(doc.get("Statement")) if isinstance(s, dict)]


def unreadable(value: Any) -> Unresolved | None:
    """Why the document cannot be read in full, or None when it can."""
    doc = document(value)
    if doc is None:
        return None
    if isinstance(doc, Unresolved):
        return doc
    return contains_unresolved(doc)

"""Reading a bucket policy's deny statements as IAM evaluates them.

A deny protects only if it reaches everyone (no NotPrincipal), names the action (wildcards and
NotAction as IAM reads them), covers the right resource (the bucket for bucket actions, its objects
for object actions) and has no condition that lets a request slip past it - or only the exemption
the control itself allows.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..cfn import Resource
from ..policy import Statement
from ._bucket import covers_bucket, covers_objects

BUCKET, OBJECTS = "bucket", "objects"


def denies_everyone(statement: Statement, action: str, bucket: Resource, level: str) -> bool:
    """A Deny that reaches every principal for ``action`` on the bucket (``level`` "bucket") or its
    objects ("objects"), whatever its condition."""
    covered = covers_bucket(statement, bucket) if level == BUCKET else covers_objects(statement, bucket)
    return statement.is_deny and statement.applies_to_everyone and statement.applies_to_action(action) and covered


def sole_condition(statement: Statement) -> tuple[str, str, list] | None:
    """(operator, key, values) when the condition is exactly one operator on exactly one key, else None.
    Several operators or keys are ANDed by IAM: each one narrows the deny."""
    conditions = statement.conditions
    if len(conditions) != 1:
        return None
    (operator, block), = conditions.items()
    if not isinstance(block, dict) or len(block) != 1:
        return None
    (key, values), = block.items()
    values = values if isinstance(values, list) else [values]
    return str(operator), str(key), values


def sid(statement: Statement) -> str:
    return statement.sid or "(no Sid)"


# -- whether one IAM pattern matches only what another matches -----------------------------------


def glob_within(narrow: str, wide: str) -> bool:
    """Whether every ARN ``narrow`` matches is also matched by ``wide`` (both IAM ARN patterns with
    ``*`` and ``?``, compared case-sensitively as ArnLike does). Decided on the patterns themselves:
    a wildcard of ``wide`` may stand for any run of ``narrow`` (its wildcards included), a literal
    only for the same literal. IAM matches ARNs component by component, so neither wildcard is let
    across a ``:``. The answer errs towards "not within": an exemption it cannot show to be narrow
    does not count."""
    return _within(tuple(narrow), tuple(wide))


@lru_cache(maxsize=1024)
def _within(narrow: tuple[str, ...], wide: tuple[str, ...]) -> bool:
    if not wide:
        return not narrow
    head, rest = wide[0], wide[1:]
    if head == "*":
        return _within(narrow, rest) or (bool(narrow) and narrow[0] != ":" and _within(narrow[1:], wide))
    if not narrow:
        return False
    if head == "?":
        return narrow[0] not in ("*", ":") and _within(narrow[1:], rest)
    return narrow[0] == head and _within(narrow[1:], rest)


def glob_matches(pattern: str, value: str) -> bool:
    """Case-sensitive IAM wildcard match (StringLike, ArnLike)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value) is not None

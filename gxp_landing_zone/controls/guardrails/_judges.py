"""Judging one Deny statement of an SCP: whether it protects what a control needs, everywhere and
always, or only for some resources, or only while a condition holds.

Each judge answers (True: it protects; False: it does not; None: cannot tell) and why, in words the
IQ record and the synthesis finding repeat.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Iterable

from ..cfn import contains_unresolved
from ..policy import Statement, as_list

Judgement = tuple[bool | None, str]
Judge = Callable[[Statement], Judgement]


@lru_cache(maxsize=4096)
def within(value: str, pattern: str, glob: bool = True, fold: bool = False) -> bool:
    """Whether every string ``value`` stands for (an IAM pattern if ``glob``, else itself) also
    matches ``pattern``. Sufficient, not complete: a doubtful case answers False, never True."""
    if fold:
        value, pattern = value.lower(), pattern.lower()
    wanted = tuple(c if glob and c in "*?" else "=" + c for c in value)
    given = tuple(c if c in "*?" else "=" + c for c in pattern)

    @lru_cache(maxsize=None)
    def covers(i: int, j: int) -> bool:
        if i == len(given):
            return j == len(wanted)
        if given[i] == "*":
            return covers(i + 1, j) or (j < len(wanted) and covers(i, j + 1))
        if j == len(wanted):
            return False
        if given[i] == "?":
            return wanted[j] != "*" and covers(i + 1, j + 1)
        return wanted[j] == given[i] and covers(i + 1, j + 1)

    return covers(0, 0)


def everywhere(statement: Statement) -> Judgement:
    """The statement applies to every resource (``*``)."""
    if "NotResource" in statement.raw:
        return False, "it uses NotResource"
    resources = statement.raw.get("Resource")
    if contains_unresolved(resources) is not None:
        return None, "its Resource is known only at deploy time"
    if any(isinstance(r, str) and r and set(r) == {"*"} for r in as_list(resources)):
        return True, ""
    return False, f"it applies only to {resources}"


def unconditional(statement: Statement) -> Judgement:
    condition = condition_of(statement)
    if isinstance(condition, tuple):
        return condition
    return (False, f"it applies only when {condition} holds") if condition else (True, "")


def both(*judges: Judge) -> Judge:
    def judge(statement: Statement) -> Judgement:
        notes, doubt = [], False
        for one in judges:
            ok, why = one(statement)
            if ok is False:
                return False, why
            doubt = doubt or ok is None
            if why:
                notes.append(why)
        return (None if doubt else True), "; ".join(notes)

    return judge


# -- what a statement's condition leaves open -------------------------------------------------------

# Operators whose values exempt the principals they match from a Deny, and whether they take
# wildcards: ArnEquals and ArnLike behave alike; StringNotEquals compares literally.
_EXEMPTING = {"ArnNotLike": True, "ArnNotEquals": True, "StringNotLike": True, "StringNotEquals": False}


def condition_of(statement: Statement) -> dict | Judgement:
    condition = statement.raw.get("Condition")
    if contains_unresolved(condition) is not None:
        return None, "its Condition is known only at deploy time"
    if not condition:
        return {}
    if not isinstance(condition, dict) or not all(isinstance(b, dict) for b in condition.values()):
        return False, f"its Condition {condition!r} is not a map of operators"
    return condition


def exempting_at_most(pattern: str, *more: str) -> Judge:
    """The Deny holds for every principal except those whose ARN matches an exemption no wider than
    ``pattern`` (or one of ``more``) - an ``ArnNotLike aws:PrincipalArn`` condition, or its equivalents;
    any other condition narrows the Deny and is refused."""
    patterns = (pattern, *more)

    def judge(statement: Statement) -> Judgement:
        condition = condition_of(statement)
        if isinstance(condition, tuple):
            return condition
        exempt = []
        for operator, block in condition.items():
            glob = _EXEMPTING.get(operator.removesuffix("IfExists"))
            for key, values in block.items():
                if glob is None or key.lower() != "aws:principalarn":
                    return False, f"it applies only when {operator} {key} {values} holds"
                for value in as_list(values):
                    if not isinstance(value, str) or not any(within(value, p, glob) for p in patterns):
                        return False, f"it exempts {value}, wider than {' or '.join(patterns)}"
                    exempt.append(value)
        return True, f"exempt: {', '.join(exempt)}" if exempt else ""

    return judge


def confined(key: str, inside: Iterable[str], tolerated: tuple[tuple[str, str, str], ...] = ()) -> Judge:
    """The Deny holds whenever ``key`` names a region outside ``inside``: unconditional, or
    ``StringNotEquals key`` with values all inside. ``tolerated``: (operator, key, value) entries that
    narrow nothing the control needs; any other condition narrows the Deny and is refused."""
    inside = frozenset(inside)

    def judge(statement: Statement) -> Judgement:
        condition = condition_of(statement)
        if isinstance(condition, tuple):
            return condition
        allowed: list[str] = []
        for operator, block in condition.items():
            for name, values in block.items():
                if all((operator, name.lower(), str(v).lower()) in tolerated for v in as_list(values)):
                    continue
                if operator.removesuffix("IfExists") != "StringNotEquals" or name.lower() != key.lower():
                    return False, f"it applies only when {operator} {name} {values} holds"
                outside = [v for v in as_list(values) if v not in inside]
                if outside:
                    return False, f"it lets {key} be {', '.join(map(str, outside))}"
                allowed += as_list(values)
        return True, f"{key} only {', '.join(allowed)}" if allowed else ""

    return judge


def covering(arns: Iterable[str]) -> Judge:
    """The statement's Resource covers every one of ``arns`` (patterns such as ``bucket/*`` included)."""
    arns = tuple(arns)

    def judge(statement: Statement) -> Judgement:
        if "NotResource" in statement.raw:
            return False, "it uses NotResource"
        resources = statement.raw.get("Resource")
        if contains_unresolved(resources) is not None:
            return None, "its Resource is known only at deploy time"
        named = [r for r in as_list(resources) if isinstance(r, str)]
        left = [a for a in arns if not any(within(a, r) for r in named)]
        return (False, f"its Resource leaves out {', '.join(left)}") if left else (True, "")

    return judge

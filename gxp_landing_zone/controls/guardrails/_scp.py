"""Reading the service control policies that bind an organizational unit, as Organizations applies them.

An SCP binds every account below the target it is attached to: the root, an OU (and the OUs under it),
or one account. A Deny in any of them overrides every Allow, so what an OU's accounts cannot do is the
union of the Deny statements of the SCPs on the OU, on the OUs above it and on the root. A Deny
protects only where it applies: for the actions it names (Action, or all that NotAction leaves out),
on the resources it names, and only while its Condition holds - an exemption written as a condition
is exactly as wide as its values, so each control says how wide it may be.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from ...naming import REGULATED_OU
from ..cfn import Ref, Resource, Unresolved, contains_unresolved
from ..deployed.organizations import organizational_units, regulated_unit
from ..model import MANAGEMENT, DeployedCheck, Verdict, all_of, cannot_prove, compliant, non_compliant, not_applicable
from ..policy import Statement, as_list, document
from ._judges import Judge

UNIT = "AWS::Organizations::OrganizationalUnit"
POLICY = "AWS::Organizations::Policy"
SCP = "SERVICE_CONTROL_POLICY"
# Every organization has exactly one root, and every unit and account sits below it.
ROOT_ID = re.compile(r"^r-[0-9a-z]{4,32}$")
# Organizations nests units at most five levels below the root.
MAX_DEPTH = 5

# Where the IQ reads the organization: the management account; Organizations answers from us-east-1.
EVERY_UNIT = DeployedCheck(read=organizational_units, accounts=frozenset({MANAGEMENT}), regions="home")
REGULATED_UNIT = DeployedCheck(read=regulated_unit, accounts=frozenset({MANAGEMENT}), regions="home")

@dataclass
class Reach:
    statements: list[tuple[str, Statement]] = field(default_factory=list)  # (policy/Sid, statement)
    unknown: list[str] = field(default_factory=list)  # why a policy that may bind cannot be read


def is_regulated(unit: Resource) -> bool | Unresolved:
    name = unit.get("Name")
    return name if isinstance(name, Unresolved) else name == REGULATED_OU


def _above(unit: Resource) -> tuple[list[Resource], set[str]]:
    """The unit and the units above it in the template, and the literal ID where the chain leaves it."""
    chain, literal, current = [unit], set(), unit
    for _ in range(MAX_DEPTH):
        parent = current.get("ParentId")
        above = current.stack.target(parent, UNIT)
        if above is None:
            if isinstance(parent, str):
                literal.add(parent)
            break
        chain.append(above)
        current = above
    return chain, literal


def _binds(targets, chain: list[Resource], literal: set[str], accounts: set[str]) -> bool | Unresolved:
    if isinstance(targets, Unresolved):
        return targets
    doubt = None
    for target in as_list(targets):
        if isinstance(target, str) and (ROOT_ID.match(target) or target in literal or target in accounts):
            return True
        if isinstance(target, Ref) and any(u.refers_to(target) for u in chain):
            return True
        if not isinstance(target, (str, Ref)):
            doubt = Unresolved(f"target {target} is known only at deploy time")
    return doubt if doubt is not None else False


def reaching(unit: Resource, accounts: Iterable[str] = ()) -> Reach:
    """The statements of every SCP on the unit, above it, or on one of ``accounts`` (which sit in it)."""
    chain, literal = _above(unit)
    reach = Reach()
    for policy in unit.stack.of_type(POLICY):
        name = policy.get("Name")
        label = name if isinstance(name, str) else policy.logical_id
        kind = policy.get("Type")
        if isinstance(kind, Unresolved):
            reach.unknown.append(f"{label}: Type {kind.why}")
            continue
        if kind != SCP:
            continue
        binds = _binds(policy.get("TargetIds"), chain, literal, set(accounts))
        if binds is False:
            continue
        if isinstance(binds, Unresolved):
            reach.unknown.append(f"{label}: TargetIds {binds.why}")
        elif policy.raw.get("Condition"):
            reach.unknown.append(f"{label} exists only when condition {policy.raw['Condition']} holds")
        else:
            _read_statements(label, policy.get("Content"), reach)
    return reach


def each_regulated_account(unit: Resource, ctx, judge: Callable[[Reach, str, str, set[str]], Verdict]) -> Verdict:
    """On the Regulated unit, ``judge(reach, account, jurisdiction, regions inside it)`` for every regulated
    account of the config, each with the SCPs that reach that account."""
    regulated = is_regulated(unit)
    if isinstance(regulated, Unresolved):
        return cannot_prove(f"whether this is the Regulated unit: Name {regulated.why}")
    if not regulated:
        return not_applicable()
    if not ctx.has_config:
        return cannot_prove("the regulated accounts and their jurisdictions are known only from the config")
    if not ctx.jurisdiction_by_account:
        return compliant("the config names no regulated account")
    return all_of(*(
        judge(reaching(unit, [account]), account, jurisdiction,
              {r for r, j in ctx.region_jurisdiction.items() if j == jurisdiction})
        for account, jurisdiction in sorted(ctx.jurisdiction_by_account.items())
    ))

def _read_statements(label: str, content, reach: Reach) -> None:
    doc = document(content)
    items = doc.get("Statement") if isinstance(doc, dict) else doc
    if doc is None or isinstance(items, Unresolved):
        reach.unknown.append(f"{label}: Content {'is absent' if doc is None else items.why}")
        return
    for item in as_list(items):
        if isinstance(item, dict):
            sid = item.get("Sid")
            reach.statements.append((f"{label}/{sid if isinstance(sid, str) and sid else '(no Sid)'}", Statement(item)))
        elif isinstance(item, Unresolved):
            reach.unknown.append(f"{label}: a statement {item.why}")


# -- what the statements that bind a unit deny ------------------------------------------------------


def _applies(statement: Statement, action: str) -> bool | None:
    effect = statement.raw.get("Effect")
    if isinstance(effect, Unresolved):
        return None
    if effect != "Deny":
        return False
    if contains_unresolved([statement.raw.get("Action"), statement.raw.get("NotAction")]) is not None:
        return None
    return statement.applies_to_action(action)


def require(reach: Reach, actions: Iterable[str], judge: Judge | dict[str, Judge], what: str) -> Verdict:
    """Every one of ``actions`` is denied by a statement that binds the unit and that ``judge`` accepts.
    ``judge`` may be a map scope -> judge (one per resource, say): then every action in every scope."""
    scopes = judge if isinstance(judge, dict) else {"": judge}
    proof: dict[str, str] = {}
    missing, unclear, notes = [], [], []
    for action in actions:
        for scope, accepts in scopes.items():
            doubt = bool(reach.unknown)
            for label, statement in reach.statements:
                applies = _applies(statement, action)
                if applies is False:
                    continue
                ok, why = accepts(statement) if applies else (None, "its Effect or actions are known only at deploy time")
                if ok:
                    proof[label] = why
                    break
                doubt = doubt or ok is None
                note = f"{label}: {why}"
                if note not in notes:
                    # What kept each statement from proving it, the undecidable ones first.
                    notes.insert(0 if ok is None else len(notes), note)
            else:
                (unclear if doubt else missing).append(f"{action} on {scope}" if scope else action)
    seen = "; ".join(notes + reach.unknown)
    if missing:
        return non_compliant(f"{what}: nothing denies {', '.join(missing)}" + (f" ({seen})" if seen else ""))
    if unclear:
        return cannot_prove(f"{what}: cannot prove {', '.join(unclear)} denied ({seen})")
    return compliant(f"{what}: denied by " + "; ".join(f"{label}{f' ({why})' if why else ''}" for label, why in proof.items()))

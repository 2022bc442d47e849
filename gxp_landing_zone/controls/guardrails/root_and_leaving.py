"""GXP-SCP-04: no member account's root user can act, and no member account can leave the organization."""

from __future__ import annotations

from ..model import Control, all_of
from ._judges import Judgement, both, condition_of, everywhere, unconditional, within
from ._scp import EVERY_UNIT, UNIT, reaching, require

# Every account's root user: a shared credential that names no person.
ROOT_USERS = "arn:aws:iam::*:root"
# Condition entries under which a Deny still reaches every root user (operator, key): positive
# matches on the principal's ARN, or the principal type IAM gives the root user.
_ROOT_MATCHES = {("StringLike", "aws:principalarn"), ("ArnLike", "aws:principalarn"), ("ArnEquals", "aws:principalarn")}
LEAVING = ("organizations:LeaveOrganization",)


def every_action(statement) -> Judgement:
    if "NotAction" in statement.raw:
        return False, "it uses NotAction, so some actions stay open"
    return True, ""


def every_root_user(statement) -> Judgement:
    """The Deny holds for every root user: unconditional, or one condition that matches them all."""
    condition = condition_of(statement)
    if isinstance(condition, tuple):
        return condition
    entries = [(op, key, values) for op, block in condition.items() for key, values in block.items()]
    if not entries:
        return True, ""
    if len(entries) > 1:
        return False, f"it applies only when all of {condition} hold"
    operator, key, values = entries[0]
    values = values if isinstance(values, list) else [values]
    if (operator.removesuffix("IfExists"), key.lower()) in _ROOT_MATCHES:
        if any(isinstance(v, str) and within(ROOT_USERS, v) for v in values):
            return True, f"for {ROOT_USERS}"
    elif operator == "StringEquals" and key.lower() == "aws:principaltype" and "Account" in values:
        return True, "for principal type Account"
    return False, f"its condition {operator} {key} {values} does not match every root user"


def check(unit, ctx):
    reach = reaching(unit)
    return all_of(
        require(reach, ("*",), both(every_action, everywhere, every_root_user), "every action of a root user"),
        require(reach, LEAVING, both(everywhere, unconditional), "leaving the organization"),
    )


CONTROL = Control(
    id="GXP-SCP-04",
    title="No root user, no leaving the organization",
    statement=(
        "The SCPs that bind each organizational unit deny every action to the root user of every member account, "
        "and deny every principal leaving the organization."
    ),
    part11={
        "11.10(d)": "The shared root credential, which bypasses Identity Center, cannot be used to reach the system.",
        "11.10(g)": "Every action goes through an identity whose authority is checked, never the all-powerful root user.",
        "11.300(a)": "No identity that several people could share acts on the system.",
        "11.10(e)": "No account can leave the organization and with it the organization trail and these guardrails.",
    },
    annex11={"12.1": "Logical access is restricted to named, authorised identities; the root user is locked out."},
    jp_eres={"3.1.1": "Authenticity: every action is attributable to a named person, never an anonymous root user."},
    resource_types=(UNIT,),
    check=check,
    deployed=EVERY_UNIT,
)

from __future__ import annotations

import re

from cdk_nag import NagRuleCompliance as C

from ._read import as_list, prop, statements
from .context import RuleContext

AUDITOR_PERMISSION_SET = "GxpAuditor"
READ_ONLY_MANAGED_POLICIES = {
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/SecurityAudit",
    "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AWSConfigUserAccess",
    "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",
}
READ_VERBS = re.compile(r"^[a-z0-9-]+:(Get|List|Describe|View|BatchGet|Lookup|Search|Select)[A-Za-z0-9*]*$")


def no_iam_users(node, ctx: RuleContext):
    """People sign in through Identity Center with their own identity; IAM users are shared secrets."""
    return C.NON_COMPLIANT


def session_limited(node, ctx: RuleContext):
    duration = prop(node, "session_duration")
    match = re.fullmatch(r"PT(\d+)H", duration or "")
    return C.COMPLIANT if match and 1 <= int(match.group(1)) <= ctx.max_session_hours else C.NON_COMPLIANT


def auditor_read_only(node, ctx: RuleContext):
    if prop(node, "name") != AUDITOR_PERMISSION_SET:
        return C.NOT_APPLICABLE
    if not set(prop(node, "managed_policies") or []) <= READ_ONLY_MANAGED_POLICIES:
        return C.NON_COMPLIANT
    if prop(node, "customer_managed_policy_references"):
        return C.NON_COMPLIANT
    for statement in statements(prop(node, "inline_policy")):
        if statement.get("Effect") == "Allow" and not all(
            READ_VERBS.match(a) for a in as_list(statement.get("Action"))
        ):
            return C.NON_COMPLIANT
    return C.COMPLIANT

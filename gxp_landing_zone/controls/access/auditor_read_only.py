"""GXP-IAM-03: the auditor permission set can read everything and change nothing."""

from __future__ import annotations

import re

from ..cfn import Unresolved, contains_unresolved
from ..model import Control, all_of, cannot_prove, compliant, non_compliant, not_applicable
from ..policy import as_list, matches, statements, unreadable
from ._permission_sets import IDENTITY_CENTER, PERMISSION_SET

AUDITOR = "GxpAuditor"
# The config's permission-set key whose groups are the auditors (access.assignments).
AUDITOR_KEY = "auditor"
# AWS managed policies that grant only reads (the partition varies, the name does not).
READ_ONLY_MANAGED_POLICIES = frozenset({
    "ReadOnlyAccess",
    "SecurityAudit",
    "AWSCloudTrail_ReadOnlyAccess",
    "AWSConfigUserAccess",
    "job-function/ViewOnlyAccess",
})
MANAGED_POLICY = re.compile(r"^arn:aws[a-z-]*:iam::aws:policy/(.+)$")
# Action names IAM gives only to reads; a wildcard may follow the verb (s3:Get*), never replace it.
READ_VERBS = re.compile(r"^[a-z0-9-]+:(Get|List|Describe|View|BatchGet|Lookup|Search|Select)[a-z0-9*]*$", re.IGNORECASE)
# The one thing auditors may start: the record export (GXP-REC-07), which reads a record version and writes a
# locked, signed copy for them (11.10(b)). Only this function, by name; no other function and no wildcard. And
# reading those copies: decrypting through S3 with the exports key alone, named by its alias.
EXPORT_INVOKE = "lambda:InvokeFunction"
EXPORT_FUNCTION = "arn:aws:lambda:*:*:function:gxp-record-export"
EXPORT_KEY_ALIAS = "alias/gxp/record-exports"


def _requests_exports(statement) -> bool:
    if "NotResource" in statement.raw or as_list(statement.raw.get("Action")) != [EXPORT_INVOKE]:
        return False
    resources = as_list(statement.raw.get("Resource"))
    return bool(resources) and all(isinstance(r, str) and matches(EXPORT_FUNCTION, r) for r in resources)


def _reads_exports(statement) -> bool:
    """kms:Decrypt through S3 on the exports key alone: reading the copies the export wrote."""
    if "NotResource" in statement.raw or as_list(statement.raw.get("Action")) != ["kms:Decrypt"]:
        return False
    via = statement.condition("StringLike", "kms:ViaService") or statement.condition("StringEquals", "kms:ViaService")
    aliases = statement.condition("ForAnyValue:StringEquals", "kms:ResourceAliases")
    return bool(via) and all(v.startswith("s3.") for v in via) and aliases == [EXPORT_KEY_ALIAS]


def _auditor_groups(ctx) -> set[str]:
    config = ctx.config
    if config is None:
        return set()
    return {a.group_id for a in config.access.assignments if a.permission_set == AUDITOR_KEY}


def _assigned_to_auditors(permission_set, ctx) -> bool:
    """An assignment in the same template gives this permission set to an auditors' group: whatever it
    is called, what auditors hold must be read-only."""
    groups = _auditor_groups(ctx)
    for assignment in permission_set.stack.of_type("AWS::SSO::Assignment"):
        if permission_set.refers_to(assignment.get("PermissionSetArn")) and assignment.get("PrincipalId") in groups:
            return True
    return False


def _managed(permission_set):
    arns = permission_set.get("ManagedPolicies")
    if (why := contains_unresolved(arns)) is not None:
        return cannot_prove(f"ManagedPolicies: {why.why}")
    other = [a for a in as_list(arns) if not (isinstance(a, str) and (m := MANAGED_POLICY.match(a))
                                               and m.group(1) in READ_ONLY_MANAGED_POLICIES)]
    if other:
        return non_compliant(f"managed policies beyond the read-only ones: {', '.join(map(str, other))}")
    return compliant(f"managed policies {', '.join(as_list(arns)) or 'none'}")


def _customer_managed(permission_set):
    references = permission_set.get("CustomerManagedPolicyReferences")
    if isinstance(references, Unresolved):
        return cannot_prove(f"CustomerManagedPolicyReferences: {references.why}")
    if references:
        # Their content lives in each account and can change without this permission set changing.
        return non_compliant(f"customer managed policies referenced: {references}")
    return compliant("no customer managed policies")


def _inline(permission_set):
    document = permission_set.get("InlinePolicy")
    if document in (None, ""):
        return compliant("no inline policy")
    if (why := unreadable(document)) is not None:
        return cannot_prove(f"InlinePolicy: {why.why}")
    writes = []
    for statement in statements(document):
        if statement.effect != "Allow" or _requests_exports(statement) or _reads_exports(statement):
            continue
        if "NotAction" in statement.raw:
            writes.append(f"NotAction {statement.raw['NotAction']}")
            continue
        writes += [a for a in as_list(statement.raw.get("Action")) if not (isinstance(a, str) and READ_VERBS.match(a))]
    if writes:
        return non_compliant(f"the inline policy allows more than reads: {', '.join(map(str, writes))}")
    return compliant("the inline policy allows only reads")


def check(permission_set, ctx):
    name = permission_set.get("Name")
    if not _assigned_to_auditors(permission_set, ctx):
        if isinstance(name, Unresolved):
            return cannot_prove(f"whether this is the auditor permission set: Name {name.why}")
        if name != AUDITOR:
            return not_applicable()
    return all_of(_managed(permission_set), _customer_managed(permission_set), _inline(permission_set))


CONTROL = Control(
    id="GXP-IAM-03",
    title="Auditors cannot change what they audit",
    statement=(
        f"The auditor permission set ({AUDITOR}, and any permission set assigned to the auditors' groups) holds only "
        "read-only AWS managed policies, no customer managed policy, and an inline policy that allows only reads, "
        "the invocation of the record export function, which copies a record for them and changes nothing, and "
        "decrypting those copies through S3."
    ),
    part11={
        "11.10(d)": "Auditors' access is limited to what reviewing needs: reading.",
        "11.10(g)": "An auditor's authority excludes altering records, the trail or the configuration they review.",
    },
    annex11={
        "12.1": "The auditors' logical access is restricted to reading.",
        "2": "Auditors hold the access level their role needs, and no more.",
    },
    resource_types=(PERMISSION_SET,),
    check=check,
    deployed=IDENTITY_CENTER,
)

"""GXP-CHG-03: in regulated and validation accounts, stacks change only through the pipeline."""

from __future__ import annotations

from ..cfn import Unresolved
from ..guardrails._judges import both, covering, everywhere, exempting_at_most
from ..guardrails._scp import POLICY, REGULATED_UNIT, SCP, UNIT, Reach, _binds, _read_statements, is_regulated, reaching, require
from ..model import Control, all_of, cannot_prove, compliant, not_applicable

STACK_CHANGES = (
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "cloudformation:DeleteStack",
    "cloudformation:CreateChangeSet",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:ContinueUpdateRollback",
    "cloudformation:RollbackStack",
    "cloudformation:CancelUpdateStack",
    "cloudformation:SetStackPolicy",
    "cloudformation:UpdateTerminationProtection",
)
ROLE_EDITS = (
    "iam:CreateRole", "iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy",
    "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
)
# Who may still change stacks: the CDK bootstrap's deploy role (which the pipeline assumes), the role
# service-managed StackSets create in member accounts (stacksets-exec-*), and the break-glass permission set.
CDK_DEPLOY_ROLE = "arn:aws:iam::*:role/cdk-*-deploy-role-*"
STACKSETS_EXECUTION_ROLE = "arn:aws:iam::*:role/stacksets-exec-*"
BREAK_GLASS = "arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_GxpBreakGlass_*"


def _account_reach(unit, account: str) -> Reach:
    """The SCPs that bind an account outside the unit's chain: those on the root and on the account itself."""
    reach = Reach()
    for policy in unit.stack.of_type(POLICY):
        name = policy.get("Name")
        label = name if isinstance(name, str) else policy.logical_id
        if policy.get("Type") != SCP:
            continue
        binds = _binds(policy.get("TargetIds"), [], set(), {account})
        if isinstance(binds, Unresolved):
            reach.unknown.append(f"{label}: TargetIds {binds.why}")
        elif binds:
            _read_statements(label, policy.get("Content"), reach)
    return reach


def _regulated(reach, account: str):
    cdk_roles = [f"arn:aws:iam::{account}:role/cdk-*"]
    return all_of(
        require(reach, STACK_CHANGES, both(everywhere, exempting_at_most(CDK_DEPLOY_ROLE, STACKSETS_EXECUTION_ROLE, BREAK_GLASS)),
                f"{account} stack changes"),
        require(reach, ("sts:AssumeRole",), both(covering(cdk_roles), exempting_at_most(BREAK_GLASS)),
                f"{account} CDK roles assumed from inside"),
        require(reach, ROLE_EDITS, both(covering(cdk_roles), exempting_at_most(BREAK_GLASS)), f"{account} CDK roles remade"),
    )


def check(unit, ctx):
    regulated = is_regulated(unit)
    if isinstance(regulated, Unresolved):
        return cannot_prove(f"whether this is the Regulated unit: Name {regulated.why}")
    if not regulated:
        return not_applicable()
    if ctx.names is None or ctx.deployment_account is None:
        return cannot_prove("the regulated, validation and deployment accounts are known only from the config")
    accounts = sorted(ctx.jurisdiction_by_account)
    if not accounts:
        return compliant("the config names no regulated or validation account")
    pipeline = exempting_at_most(ctx.names.pipeline_role_pattern())
    return all_of(
        *(_regulated(reaching(unit, [account]), account) for account in accounts),
        require(_account_reach(unit, ctx.deployment_account), ("sts:AssumeRole",),
                both(covering([f"arn:aws:iam::{a}:role/cdk-*" for a in accounts]), pipeline),
                f"the regulated accounts' CDK roles assumed from the deployment account {ctx.deployment_account}"),
    )


CONTROL = Control(
    id="GXP-CHG-03",
    title="Stacks change only through the pipeline",
    statement=(
        "For each regulated and validation account, the SCPs that bind it deny changing CloudFormation stacks to every "
        f"principal but the CDK deploy role ({CDK_DEPLOY_ROLE}), the StackSets execution role and the break-glass "
        "permission set, and deny assuming or remaking the account's CDK roles from inside it; the SCPs that bind "
        "the deployment account let only the pipeline's roles assume those CDK roles."
    ),
    part11={
        "11.10(k)": "Revision and change control (11.10(k)(2)) cannot be stepped around: the pipeline is the only way a change is deployed.",
        "11.10(a)": "The validated configuration changes only by the path that qualifies every change.",
    },
    annex11={
        "10": "Changes are made only in the controlled manner the procedure defines; the emergency path is the one exception, and it is alerted.",
    },
    jp_eres={"3.1.1": "Authenticity: no one can change the validated system outside the recorded, approved path."},
    resource_types=(UNIT,),
    check=check,
    deployed=REGULATED_UNIT,
)

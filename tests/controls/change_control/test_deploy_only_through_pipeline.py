"""GXP-CHG-03: in regulated and validation accounts, stacks change only through the pipeline."""

from __future__ import annotations

import pytest

from controls.guardrails._organization import STACK, build, content, drop, scp, set_content, statement, without_action
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.constructs import guardrails

CONTROL = "GXP-CHG-03"
POLICY, DEPLOYMENT = "DeployOnlyThroughPipeline", "DeploymentRolesOnlyForPipeline"
STACKS, ASSUME, REMAKE = "DenyStackChangesOutsideThePipeline", "DenyAssumingDeploymentRoles", "DenyRemakingDeploymentRoles"
FROM_DEPLOYMENT = "DenyRegulatedDeploymentRolesOutsideThePipeline"


def exempt(template, policy, sid) -> dict:
    return statement(template, policy, sid)["Condition"]["ArnNotLike"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: drop(t, POLICY, STACKS), id="stack-changes-not-denied"),
        pytest.param(lambda t: without_action(t, POLICY, STACKS, "cloudformation:ExecuteChangeSet"), id="change-sets-executable"),
        pytest.param(lambda t: exempt(t, POLICY, STACKS).update({"aws:PrincipalArn": "arn:aws:iam::*:role/*"}),
                     id="stack-exemption-widened-to-every-role"),
        pytest.param(lambda t: drop(t, POLICY, ASSUME), id="cdk-roles-assumable-from-inside"),
        pytest.param(lambda t: statement(t, POLICY, REMAKE).update(Resource="arn:aws:iam::*:role/cdk-x-*"), id="cdk-roles-remakeable"),
        pytest.param(lambda t: exempt(t, DEPLOYMENT, FROM_DEPLOYMENT).update({"aws:PrincipalArn": "arn:aws:iam::888888888888:role/*"}),
                     id="any-deployment-account-role-may-deploy"),
        pytest.param(lambda t: drop(t, DEPLOYMENT, FROM_DEPLOYMENT), id="deployment-account-unrestricted"),
        pytest.param(lambda t: statement(t, POLICY, STACKS).update(Condition={"Fn::If": ["Strict", {}, {}]}),
                     id="unprovable-condition"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: statement(t, POLICY, STACKS).update(Action="cloudformation:*"), id="every-cloudformation-action"),
        pytest.param(lambda t: exempt(t, POLICY, STACKS).update({"aws:PrincipalArn": "arn:aws:iam::*:role/cdk-*-deploy-role-*"}),
                     id="exempting-only-the-deploy-role"),
    ],
)
def test_compliant_as_iam_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        guardrails, "STACK_CHANGE_ACTIONS", [a for a in guardrails.STACK_CHANGE_ACTIONS if a != "cloudformation:ExecuteChangeSet"]
    ),
    l1=lambda stack: set_content(
        stack, POLICY + "Policy",
        lambda d: d["Statement"][0]["Condition"]["ArnNotLike"].update({"aws:PrincipalArn": "arn:aws:iam::*:role/*"}),
    ),
    overrides=(
        lambda stack: scp(stack, POLICY + "Policy").add_property_override(
            "Content.Statement.1.Condition.ArnNotLike.aws:PrincipalArn", "arn:aws:iam::*:role/*"
        ),
        lambda stack: scp(stack, DEPLOYMENT + "Policy").add_override(
            "Properties.Content.Statement.0.Resource", ["arn:aws:iam::444444444444:role/cdk-*"]
        ),
        lambda stack: scp(stack, POLICY + "Policy").add_deletion_override("Properties.Content.Statement.2.Resource"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)


def test_every_regulated_and_validation_account_is_bound(reference):
    targets = set(next(r for lid, r in reference[STACK].template["Resources"].items() if lid.startswith(POLICY))
                  ["Properties"]["TargetIds"][1:])
    assert {"444444444444", "999999999901", "999999999902", "999999999903"} <= targets
    assert content(reference[STACK].template, DEPLOYMENT)["Statement"][0]["Sid"] == FROM_DEPLOYMENT

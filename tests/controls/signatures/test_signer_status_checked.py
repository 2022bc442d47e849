"""GXP-ESIG-10: the signing function asks the signer pool, at every signature, whether the signer is
still enabled."""

from __future__ import annotations

import pytest

from controls.signatures._stack import (
    STACK, build, cfn_function, check_signer_statement, function, redirecting_function, set_variables,
    sign_policy_statements, variables,
)
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-10"
OTHER_POOL = "arn:aws:cognito-idp:us-east-1:444444444444:userpool/us-east-1_Elsewhere"


def drop_check_statement(template: dict) -> None:
    statements = sign_policy_statements(template)
    statements.remove(check_signer_statement(template))


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: variables(t, "sign").pop("USER_POOL_ID"), id="no-pool-named"),
        pytest.param(lambda t: variables(t, "sign").update(USER_POOL_ID="us-east-1_Elsewhere"), id="another-pool"),
        pytest.param(lambda t: function(t, "sign").update(Handler="runtime.handlers.list_handler"), id="handler-replaced"),
        pytest.param(drop_check_statement, id="may-not-ask-the-pool"),
        pytest.param(lambda t: check_signer_statement(t).update(Resource=OTHER_POOL), id="may-ask-another-pool"),
        pytest.param(lambda t: check_signer_statement(t).update(Action="cognito-idp:AdminGetDevice"), id="another-action"),
        pytest.param(
            lambda t: sign_policy_statements(t).append({"Effect": "Deny", "Action": "cognito-idp:*", "Resource": "*"}),
            id="denied",
        ),
        pytest.param(
            lambda t: check_signer_statement(t).update(Condition={"Bool": {"aws:ViaAWSService": "true"}}),
            id="only-under-a-condition",
        ),
        pytest.param(lambda t: variables(t, "sign").update(USER_POOL_ID={"Ref": "PoolParameter"}), id="unprovable-ref"),
        pytest.param(
            lambda t: check_signer_statement(t).update(Resource={"Fn::ImportValue": "SignerPoolArn"}), id="unprovable-resource"
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: check_signer_statement(t).update(Action="Cognito-IDP:adminGetUser"), id="action-case"),
        pytest.param(lambda t: check_signer_statement(t).update(Action="cognito-idp:Admin*", Resource="*"), id="wildcards"),
        pytest.param(
            lambda t: check_signer_statement(t).update(Resource="arn:aws:cognito-idp:us-east-1:444444444444:userpool/*"),
            id="every-pool-of-the-account",
        ),
        pytest.param(
            lambda t: check_signer_statement(t).update(NotAction="cognito-idp:Delete*", Action=None) or check_signer_statement(t).pop("Action"),
            id="not-action",
        ),
    ],
)
def test_what_iam_reads_as_the_same_grant_is_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == set()


def _sign_policy(stack):
    return stack.service.node.find_child("SignPolicy").node.default_child


def _check_index(stack) -> int:
    statements = stack.resolve(_sign_policy(stack).policy_document)["Statement"]
    return next(i for i, s in enumerate(statements) if s.get("Sid") == "CheckSignerEnabled")


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.lambda_, "Function", redirecting_function(USER_POOL_ID=None)),
    l1=lambda stack: set_variables(stack, "sign", USER_POOL_ID=None),
    overrides=(
        lambda stack: cfn_function(stack).add_deletion_override("Properties.Environment.Variables.USER_POOL_ID"),
        lambda stack: cfn_function(stack).add_property_override("Environment.Variables.USER_POOL_ID", "us-east-1_Elsewhere"),
        lambda stack: _sign_policy(stack).add_override(
            f"Properties.PolicyDocument.Statement.{_check_index(stack)}.Resource", OTHER_POOL
        ),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

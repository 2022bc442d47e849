"""GXP-ESIG-13: every ledger entry is sealed with an asymmetric key only the signing function may use."""

from __future__ import annotations

import pytest

from controls.signatures._stack import STACK, build, cfn_function, variables
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.signatures import infrastructure
from gxp_landing_zone.signatures.deployment import storage

CONTROL = "GXP-ESIG-13"


def seal_key(template: dict) -> dict:
    return properties(template, "AWS::KMS::Key", "SealKey")


def statement(template: dict, sid: str) -> dict:
    return next(s for s in seal_key(template)["KeyPolicy"]["Statement"] if s.get("Sid") == sid)


def drop(sid: str):
    def edit(template):
        policy = seal_key(template)["KeyPolicy"]
        policy["Statement"] = [s for s in policy["Statement"] if s.get("Sid") != sid]

    return edit


def verify_role(template: dict) -> dict:
    return next(s for s in seal_key(template)["KeyPolicy"]["Statement"] if s.get("Sid") == "ServiceChecksSeals1")["Principal"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: seal_key(t).update(KeySpec="SYMMETRIC_DEFAULT"), id="symmetric-spec"),
        pytest.param(lambda t: statement(t, "SigningFunctionSeals").update(Principal=verify_role(t)),
                     id="another-role-may-seal"),
        pytest.param(lambda t: statement(t, "SigningFunctionSeals").update(Principal={"AWS": "*"}), id="anyone-may-seal"),
        pytest.param(drop("OnlySigningFunctionSeals"), id="sign-not-denied-to-others"),
        pytest.param(drop("NoGrantsOnSealKey"), id="grants-allowed"),
        pytest.param(lambda t: statement(t, "SealKeyPolicyOnlyByDeployment")["Condition"]["ArnNotLike"].update(
            {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}), id="policy-changes-by-any-role"),
        pytest.param(lambda t: variables(t, "sign").pop("LEDGER_SEAL_KEY"), id="entries-unsealed"),
        pytest.param(lambda t: variables(t, "sign").update(LEDGER_SEAL_KEY={"Ref": "SealKeyParameter"}),
                     id="unprovable-key"),
        pytest.param(lambda t: seal_key(t).update(KeySpec={"Ref": "KeySpecParameter"}), id="unprovable-spec"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _grant_sealing_to_everyone(key, *, sealer_arn, checker_arns):
    original(key, sealer_arn="*", checker_arns=checker_arns)


original = storage.grant_sealing


def _cfn_key(stack):
    return stack.service.seal_key.key.node.default_child


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure, "grant_sealing", _grant_sealing_to_everyone),
    l1=lambda stack: setattr(_cfn_key(stack), "key_spec", "RSA_2048_BUT_NOT_A_SIGNING_SPEC"),
    overrides=(
        lambda stack: _cfn_key(stack).add_property_override("KeySpec", "SYMMETRIC_DEFAULT"),
        lambda stack: _cfn_key(stack).add_override("Properties.KeyPolicy.Statement.5.Action", "kms:Decrypt"),
        lambda stack: cfn_function(stack).add_deletion_override("Properties.Environment.Variables.LEDGER_SEAL_KEY"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

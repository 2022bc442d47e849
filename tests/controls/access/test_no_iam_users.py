"""GXP-IAM-01: the estate defines no IAM users; people sign in through IAM Identity Center."""

from __future__ import annotations

import pytest
from aws_cdk import aws_iam as iam

from controls.access._identity_center import STACK, build, l1
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.constructs import permission_sets

CONTROL = "GXP-IAM-01"


def add_user(template: dict, properties: dict | None = None, **attributes) -> None:
    template["Resources"]["BreakGlassUser"] = {"Type": "AWS::IAM::User", **({"Properties": properties} if properties else {}),
                                               **attributes}


def test_compliant(reference, ctx):
    assert CONTROL not in fired(list(reference.values()), ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: add_user(t), id="bare-user"),
        pytest.param(lambda t: add_user(t, {"UserName": "break-glass", "LoginProfile": {"Password": "x"}}), id="console-user"),
        pytest.param(lambda t: add_user(t, {"UserName": "ci", "Groups": ["Deployers"]}), id="user-in-a-group"),
        pytest.param(lambda t: add_user(t, {"UserName": {"Ref": "UserNameParameter"}}), id="unprovable-name"),
        pytest.param(lambda t: add_user(t, {"UserName": "later"}, Condition="CreateUser"), id="conditional-user"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _also_makes_a_user(mp) -> None:
    """PermissionSets as if its code also made a shared IAM user."""
    original = permission_sets.PermissionSets.__init__

    def __init__(self, scope, id, **kwargs):
        original(self, scope, id, **kwargs)
        iam.User(self, "SharedUser")

    mp.setattr(permission_sets.PermissionSets, "__init__", __init__)


def _as_user(resource) -> None:
    resource.add_override("Type", "AWS::IAM::User")
    resource.add_deletion_override("Properties")


CHANNELS = Channels(
    build=build,
    construct=_also_makes_a_user,
    # An L1 resource has no property that makes a user; the L1 channel is declaring one.
    l1=lambda stack: iam.CfnUser(stack, "SharedUser", user_name="shared"),
    overrides=(
        lambda stack: l1(stack, "platform-admin").add_override("Type", "AWS::IAM::User"),
        lambda stack: _as_user(l1(stack, "regulated-data-operator")),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

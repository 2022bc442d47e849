"""GXP-KEY-02: no key policy lets anyone destroy or disable the key, and no wildcard principal may decrypt."""

from __future__ import annotations

import pytest

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import managed_key
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-KEY-02"
STACK = "LogArchive-log-archive-us-east-1"
ROOT = {"AWS": "arn:aws:iam::222222222222:root"}


def policy(template: dict) -> dict:
    return properties(template, "AWS::KMS::Key")["KeyPolicy"]


def statement(template: dict, sid: str) -> dict:
    return next(s for s in policy(template)["Statement"] if s.get("Sid") == sid)


def allow(template: dict, **fields) -> None:
    policy(template)["Statement"].append({"Effect": "Allow", "Resource": "*", **fields})


def _not_action(template):
    admin = statement(template, "KeyAdministration")
    admin.pop("Action")
    admin["NotAction"] = ["kms:Decrypt", "kms:Encrypt"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: allow(t, Principal=ROOT, Action="kms:ScheduleKeyDeletion"), id="schedule-deletion"),
        pytest.param(lambda t: statement(t, "KeyAdministration").update(Action="kms:*"), id="kms-star"),
        pytest.param(lambda t: statement(t, "KeyAdministration")["Action"].append("kms:Disable*"), id="disable-wildcard"),
        pytest.param(lambda t: allow(t, Principal=ROOT, Action="KMS:schedulekeydeletion"), id="action-case"),
        pytest.param(_not_action, id="not-action"),
        pytest.param(lambda t: statement(t, "OnlyAuditReaderDecrypts").update(Principal="*"), id="anyone-decrypts"),
        pytest.param(lambda t: statement(t, "EstateConfigRecordersEncrypt")["Action"].append("kms:Decrypt*"),
                     id="anyone-decrypts-under-condition"),
        pytest.param(lambda t: allow(t, NotPrincipal=ROOT, Action="kms:ReEncrypt*"), id="not-principal"),
        pytest.param(lambda t: properties(t, "AWS::KMS::Key").pop("KeyPolicy"), id="default-policy"),
        pytest.param(lambda t: properties(t, "AWS::KMS::Key").update(KeyPolicy={"Fn::If": ["Strict", {}, {}]}),
                     id="unprovable-policy"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: policy(t)["Statement"].append(
            {"Effect": "Deny", "Principal": "*", "Action": "kms:*", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}}), id="deny-is-not-a-grant"),
        pytest.param(lambda t: allow(t, Principal=ROOT, Action="kms:Decrypt"), id="named-principal-decrypts"),
    ],
)
def test_compliant_as_iam_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _key(stack):
    return stack.key.key.node.default_child


def _admin_may_schedule_deletion(stack):
    cfn = _key(stack)
    document = stack.resolve(cfn.key_policy)
    document["Statement"].append({"Effect": "Allow", "Principal": ROOT, "Action": "kms:ScheduleKeyDeletion", "Resource": "*"})
    cfn.key_policy = document


def _not_action_override(stack):
    _key(stack).add_override("Properties.KeyPolicy.Statement.0.NotAction", ["kms:Decrypt"])
    _key(stack).add_deletion_override("Properties.KeyPolicy.Statement.0.Action")


CHANNELS = Channels(
    build=lambda app, config: LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region),
    # The administration actions edited to include disabling the key.
    construct=lambda mp: mp.setattr(managed_key, "KEY_ADMIN_ACTIONS", [*managed_key.KEY_ADMIN_ACTIONS, "kms:Disable*"]),
    l1=_admin_may_schedule_deletion,
    overrides=(
        lambda stack: _key(stack).add_property_override("KeyPolicy.Statement.0.Action", "kms:*"),
        lambda stack: _key(stack).add_override("Properties.KeyPolicy.Statement.3.Principal", {"AWS": "*"}),
        _not_action_override,
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

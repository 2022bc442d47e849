"""GXP-IAM-02: every permission set ends its sessions within 12 hours, stated explicitly."""

from __future__ import annotations

import pytest
from aws_cdk import aws_sso as sso

from controls.access._identity_center import STACK, build, l1, permission_set
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.constructs import permission_sets

CONTROL = "GXP-IAM-02"


def operator(template: dict) -> dict:
    return permission_set(template, "GxpRegulatedDataOperator")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: operator(t).update(SessionDuration="PT24H"), id="a-day"),
        pytest.param(lambda t: operator(t).update(SessionDuration="PT12H1M"), id="a-minute-too-long"),
        pytest.param(lambda t: operator(t).update(SessionDuration="P1D"), id="one-day-in-days"),
        pytest.param(lambda t: operator(t).pop("SessionDuration"), id="implicit-default"),
        pytest.param(lambda t: operator(t).update(SessionDuration="PT0H"), id="zero"),
        pytest.param(lambda t: operator(t).update(SessionDuration={"Ref": "SessionParameter"}), id="unprovable-ref"),
        pytest.param(lambda t: operator(t).update(SessionDuration={"Fn::If": ["Long", "PT12H", "PT24H"]}),
                     id="unprovable-condition"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize("duration", ["PT12H", "PT720M", "PT1H30M", "PT3600S"])
def test_durations_identity_center_accepts_within_the_limit(reference, ctx, duration):
    assert CONTROL not in fired(variant(reference[STACK], lambda t: operator(t).update(SessionDuration=duration)), ctx)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        permission_sets.sso, "CfnPermissionSet", forcing(sso.CfnPermissionSet, session_duration="PT24H")
    ),
    l1=lambda stack: setattr(l1(stack, "regulated-data-operator"), "session_duration", "PT24H"),
    overrides=(
        lambda stack: l1(stack, "auditor").add_property_override("SessionDuration", "PT13H"),
        lambda stack: l1(stack, "platform-admin").add_override("Properties.SessionDuration", "P1D"),
        lambda stack: l1(stack, "auditor").add_deletion_override("Properties.SessionDuration"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

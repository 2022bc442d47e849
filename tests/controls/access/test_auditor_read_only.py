"""GXP-IAM-03: the auditor permission set can read everything and change nothing."""

from __future__ import annotations

import json

import pytest
from aws_cdk import aws_sso as sso

from controls.access._identity_center import STACK, build, l1, permission_set
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.constructs import permission_sets

CONTROL = "GXP-IAM-03"
POWER_USER = "arn:aws:iam::aws:policy/PowerUserAccess"


def auditor(template: dict) -> dict:
    return permission_set(template, "GxpAuditor")


def inline(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(*actions: str) -> dict:
    return {"Effect": "Allow", "Action": list(actions), "Resource": "*"}


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: auditor(t)["ManagedPolicies"].append("arn:aws:iam::aws:policy/AdministratorAccess"),
                     id="administrator"),
        pytest.param(lambda t: auditor(t).update(InlinePolicy=inline(allow("s3:GetObject", "config:DeleteConfigRule"))),
                     id="inline-write"),
        pytest.param(lambda t: auditor(t).update(InlinePolicy=inline(allow("s3:*"))), id="inline-service-wildcard"),
        pytest.param(lambda t: auditor(t).update(InlinePolicy=inline(
            {"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"})), id="inline-not-action"),
        pytest.param(lambda t: auditor(t).update(CustomerManagedPolicyReferences=[{"Name": "AuditorExtras"}]),
                     id="customer-managed"),
        pytest.param(lambda t: auditor(t).update(Name="GxpReadOnly", ManagedPolicies=[POWER_USER]),
                     id="renamed-auditor-still-assigned-to-auditors"),
        pytest.param(lambda t: auditor(t).update(ManagedPolicies={"Ref": "AuditorPoliciesParameter"}),
                     id="unprovable-managed-policies"),
        pytest.param(lambda t: auditor(t).update(InlinePolicy={"Fn::If": ["Extra", inline(allow("s3:Get*")), {}]}),
                     id="unprovable-inline"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: auditor(t)["ManagedPolicies"].append("arn:aws:iam::aws:policy/SecurityAudit"),
                     id="security-audit"),
        pytest.param(lambda t: auditor(t).update(InlinePolicy=inline(
            allow("s3:Get*", "cloudtrail:LookupEvents", "DynamoDB:BatchGetItem"),
            {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:ViaAWSService": "false"}}},
        )), id="inline-reads-and-a-deny"),
        pytest.param(lambda t: auditor(t).update(InlinePolicy=json.dumps(inline(allow("logs:Describe*")))),
                     id="inline-as-json-text"),
    ],
)
def test_compliant_as_iam_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(
        permission_sets.sso, "CfnPermissionSet", forcing(sso.CfnPermissionSet, managed_policies=[POWER_USER])
    ),
    l1=lambda stack: setattr(l1(stack, "auditor"), "managed_policies", [POWER_USER]),
    overrides=(
        lambda stack: l1(stack, "auditor").add_property_override("ManagedPolicies.1", POWER_USER),
        lambda stack: l1(stack, "auditor").add_override("Properties.InlinePolicy", inline(allow("s3:PutObject"))),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-DEV-01: instrument data is written only by registered instruments, through the account's VPC
endpoints, with a signed SHA-256 payload, and every new version goes to the intake check."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import instrument_writes, records_vault
from gxp_landing_zone.stacks.records import RecordsStack

CONTROL = "GXP-DEV-01"
US, EU, JP = "Records-regulated-us-us-east-1", "Records-regulated-eu-eu-central-1", "Records-regulated-jp-ap-northeast-1"


def raw_policy(template: dict) -> list:
    (found,) = [
        r["Properties"]["PolicyDocument"]["Statement"] for lid, r in template["Resources"].items()
        if r["Type"] == "AWS::S3::BucketPolicy" and lid.startswith("RawLabDataRecords")
    ]
    return found


def statement(template: dict, sid: str) -> dict:
    return next(s for s in raw_policy(template) if s.get("Sid", "").startswith(sid))


def drop(sid: str):
    def edit(template):
        statements = raw_policy(template)
        statements.remove(statement(template, sid))

    return edit


def raw_bucket(template: dict) -> dict:
    return properties(template, "AWS::S3::Bucket", "RawLabData")


def test_compliant(reference, ctx):
    for stack in (US, EU, JP):
        assert CONTROL not in fired(reference[stack], ctx), stack


@pytest.mark.parametrize(
    "stack,edit",
    [
        pytest.param(US, drop("DenyWritesFromUnregisteredSources"), id="anyone-may-write"),
        pytest.param(US, lambda t: statement(t, "DenyWritesFromUnregisteredSources")["Condition"]["ArnNotEquals"].update(
            {"aws:PrincipalArn": ["arn:aws:iam::444444444444:role/gxp-instrument-hplc-07",
                                  "arn:aws:iam::444444444444:role/lab-laptop"]}), id="unregistered-writer-admitted"),
        pytest.param(US, drop("DenyWritesOutsideTheAccountsEndpoints"), id="any-network-path"),
        pytest.param(US, lambda t: statement(t, "DenyWritesOutsideTheAccountsEndpoints")["Condition"].update(
            {"StringNotEqualsIfExists": {"aws:VpceAccount": "999999999999"}}), id="another-accounts-endpoint"),
        pytest.param(US, drop("DenyUnsignedPayloads"), id="unsigned-payloads"),
        pytest.param(US, lambda t: statement(t, "DenyUnsignedPayloads")["Condition"].update(
            {"StringEquals": {"s3:x-amz-content-sha256": "UNSIGNED-PAYLOAD"}}), id="unsigned-trailer-admitted"),
        pytest.param(US, lambda t: raw_bucket(t).pop("NotificationConfiguration"), id="no-intake-check"),
        pytest.param(EU, lambda t: statement(t, "DenyUnregisteredCertificates")["Condition"]["StringNotEquals"].update(
            {"aws:PrincipalTag/x509Subject/CN": ["ms-qtof-02.lab.example.eu", "*.lab.example.eu"]}),
            id="any-certificate-of-the-lab"),
        pytest.param(JP, lambda t: statement(t, "DenyWritesFromUnregisteredSources").update(
            Condition={"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::666666666666:role/lab-pc"}}),
            id="unregistered-writer-where-none-registered"),
        pytest.param(US, lambda t: statement(t, "DenyWritesFromUnregisteredSources")["Condition"].update(
            {"ArnNotEquals": {"aws:PrincipalArn": {"Ref": "InstrumentRoles"}}}), id="unprovable-writers"),
    ],
)
def test_non_compliant(reference, ctx, stack, edit):
    assert fired(variant(reference[stack], edit), ctx) == {CONTROL}


def build(app, config):
    return RecordsStack(app, config=config, account=config.account("regulated-us"), region=config.home_region)


def _raw(stack):
    return stack.vaults["raw-lab-data"].bucket.bucket.node.default_child


def _without_endpoint_check(bucket, writers):
    # instrument_writes.py edited so the endpoint condition names no account (any path would do).
    original(bucket, instrument_writes.InstrumentWriters(account_id="*", role_arns=writers.role_arns,
                                                         certificates=writers.certificates))


original = instrument_writes.admit_instruments_only


def _policy(stack):
    return stack.vaults["raw-lab-data"].bucket.bucket.policy.node.default_child


def _index(stack, sid: str) -> int:
    statements = stack.resolve(_policy(stack).policy_document)["Statement"]
    return next(i for i, st in enumerate(statements) if st.get("Sid") == sid)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(records_vault, "admit_instruments_only", _without_endpoint_check),
    l1=lambda stack: setattr(_raw(stack), "notification_configuration", s3.CfnBucket.NotificationConfigurationProperty(
        event_bridge_configuration=s3.CfnBucket.EventBridgeConfigurationProperty(event_bridge_enabled=False))),
    overrides=(
        lambda stack: _raw(stack).add_property_override(
            "NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled", "false"),
        lambda stack: _policy(stack).add_override(
            f"Properties.PolicyDocument.Statement.{_index(stack, 'DenyUnsignedPayloads')}.Condition",
            {"StringEquals": {"s3:x-amz-content-sha256": "none"}},
        ),
        lambda stack: _raw(stack).add_deletion_override("Properties.NotificationConfiguration"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""Regimes per account and the alert subscribers: the config refuses what cannot be meant, the HIPAA
Security pack judges only stacks of accounts with the hipaa regime, and the deviation log lists a
HIPAA exception only where the pack runs."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from aws_cdk import Stack
from aws_cdk import aws_s3 as s3
from config_cases import assert_refused

from gxp_landing_zone.cdk_app import new_app
from gxp_landing_zone.config.regimes import regimes_of
from gxp_landing_zone.controls.assembly import _rule_id

REFERENCE = yaml.safe_load((Path(__file__).resolve().parent.parent / "config" / "reference.yaml").read_text())


def _account(role, key, value):
    return lambda d: next(a for a in d["accounts"] if a["role"] == role).__setitem__(key, value)


@pytest.mark.parametrize("mutate, expected", [
    pytest.param(_account("regulated-us", "regimes", ["hipaa"]), ["(regulated-us)", "must include gxp"], id="no-baseline"),
    pytest.param(_account("regulated-us", "regimes", ["gxp", "hipaa", "hipaa"]), ["hipaa is listed twice"], id="twice"),
    pytest.param(_account("regulated-eu", "regimes", ["gxp", "sox"]), ["(regulated-eu).regimes", "gxp", "hipaa"],
                 id="unknown-regime"),
    pytest.param(lambda d: d.pop("alerts"), ["alerts: required setting is missing", "at least one"], id="no-alerts-section"),
    pytest.param(lambda d: d["alerts"].update(subscriptions=[]), ["alerts.subscriptions", "at least 1"], id="no-subscriber"),
    pytest.param(lambda d: d["alerts"]["subscriptions"][0].update(endpoint="qa at example"),
                 ["alerts.subscriptions[0]", "not an e-mail address"], id="bad-email"),
    pytest.param(lambda d: d["alerts"]["subscriptions"].append({"protocol": "https", "endpoint": "http://pager.example"}),
                 ["alerts.subscriptions[1]", "https://"], id="plain-http"),
    pytest.param(lambda d: d["alerts"]["subscriptions"].append(dict(d["alerts"]["subscriptions"][0])),
                 ["listed twice"], id="duplicate-subscriber"),
    pytest.param(lambda d: d["alerts"]["subscriptions"].append({"protocol": "sqs", "endpoint": "my-queue"}),
                 ["not an sqs ARN", "arn:aws:sqs:"], id="queue-not-an-arn"),
    pytest.param(lambda d: d["qualification"].update(record_signers=[]), ["qualification.record_signers", "at least one"],
                 id="nobody-may-sign"),
    pytest.param(lambda d: d["qualification"].update(record_signers=["everyone"]), ["qualification.record_signers"],
                 id="unknown-signer"),
])
def test_malformed_regimes_alerts_and_signers_are_refused(mutate, expected):
    assert_refused(REFERENCE, mutate, expected)


def test_an_account_without_regimes_has_the_baseline(reference_config):
    assert regimes_of(reference_config.audit) == ("gxp",)
    assert regimes_of(reference_config.account("regulated-us")) == ("gxp", "hipaa")


def test_the_hipaa_pack_runs_only_on_stacks_of_hipaa_accounts(synthesized, reference_config):
    from gxp_landing_zone.synthesis import hipaa_stacks

    us = reference_config.account("regulated-us").id
    scoped = hipaa_stacks(synthesized.estate)
    assert scoped and {s.account for s in scoped} == {us}
    assert {s.stack_name for s in scoped} == {s.stack_name for s in synthesized.estate.stacks if s.account == us}


def test_hipaa_exceptions_are_listed_only_where_the_pack_runs(synthesized, reference_config):
    hipaa = {reference_config.account("regulated-us").id}
    account = {s.name: s.account for s in synthesized.engine.stacks}
    listed = [d for d in synthesized.deviations if d.pack == "HIPAA Security"]
    assert listed and {account[d.stack] for d in listed} == hipaa
    # The other accounts still carry the acknowledgements in code; they just except nothing there.
    assert any(d.pack == "HIPAA Security" and account[d.stack] not in hipaa for d in synthesized.engine.deviations)


def test_a_scoped_hipaa_pack_judges_its_own_stack_only():
    from gxp_landing_zone.synthesis import ScopedHipaaChecks
    from aws_cdk import Validations

    # The estate's own App: aws-cdk-lib's built-in CloudFormation validation (a WebAssembly engine that
    # takes seconds to a minute to start in a long test session) is off there, as in every synthesis.
    app = new_app(tempfile.mkdtemp(prefix="gxp-hipaa-"))
    phi, other = Stack(app, "Phi"), Stack(app, "Other")
    s3.Bucket(phi, "Bucket")
    s3.Bucket(other, "Bucket")
    Validations.of(app).add_plugins(ScopedHipaaChecks(phi))
    with pytest.raises(RuntimeError) as failed:
        app.synth()
    assert "Phi/Bucket" in str(failed.value) and "Other/Bucket" not in str(failed.value)


@pytest.mark.parametrize("key, rule", [
    ("Annotation::GXP-S3-08", "GXP-S3-08"),
    ("GXP::GXP-S3-08", "GXP-S3-08"),
    ("Annotation::AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*]", "AwsSolutions-IAM5[Resource::arn:aws:s3:::bucket/*]"),
    ("AwsSolutions-IAM5[Resource::*]", "AwsSolutions-IAM5[Resource::*]"),
])
def test_an_acknowledged_finding_keeps_its_whole_rule_id(key, rule):
    assert _rule_id(key) == rule

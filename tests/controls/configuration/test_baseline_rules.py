"""GXP-CFG-02: the baseline AWS Config rules sit beside every recorder, with their validated parameters."""

from __future__ import annotations

import json

import pytest

from controls.support import Channels, assert_channel_caught, channel_cases, fired, resources_of, variant
from gxp_landing_zone.constructs import config_recorder
from gxp_landing_zone.stacks.baseline import BaselineStack

CONTROL = "GXP-CFG-02"
HOME = "Baseline-management-us-east-1"
OTHER = "Baseline-management-eu-central-1"


def rule(template: dict, name: str) -> dict:
    (found,) = [r for r in resources_of(template, "AWS::Config::ConfigRule") if r["Properties"]["ConfigRuleName"] == name]
    return found["Properties"]


def drop(template: dict, name: str) -> None:
    resources = template["Resources"]
    (lid,) = [k for k, r in resources.items() if r["Type"] == "AWS::Config::ConfigRule"
              and r["Properties"]["ConfigRuleName"] == name]
    del resources[lid]


PASSWORD = "gxp-iam-password-policy"


@pytest.mark.parametrize("stack", [HOME, OTHER])
def test_compliant(reference, ctx, stack):
    assert CONTROL not in fired(reference[stack], ctx)


@pytest.mark.parametrize(
    "stack,edit",
    [
        pytest.param(HOME, lambda t: drop(t, "gxp-cloudtrail-enabled"), id="rule-removed"),
        pytest.param(OTHER, lambda t: drop(t, "gxp-s3-bucket-versioning-enabled"), id="regional-rule-removed"),
        pytest.param(HOME, lambda t: drop(t, "gxp-root-account-mfa-enabled"), id="home-rule-removed"),
        pytest.param(HOME, lambda t: rule(t, PASSWORD)["InputParameters"].update(MinimumPasswordLength="8"), id="loosened"),
        pytest.param(HOME, lambda t: rule(t, "gxp-s3-bucket-ssl-requests-only")["Source"].update(
            SourceIdentifier="S3_BUCKET_LOGGING_ENABLED"), id="other-managed-rule"),
        pytest.param(HOME, lambda t: rule(t, "gxp-cloudtrail-enabled")["Source"].update(Owner="CUSTOM_LAMBDA"), id="custom-rule"),
        pytest.param(HOME, lambda t: rule(t, "gxp-s3-default-encryption-kms").update(
            Scope={"ComplianceResourceId": "one-bucket"}), id="scoped-to-one-bucket"),
        pytest.param(HOME, lambda t: rule(t, PASSWORD).update(InputParameters={"Ref": "PasswordPolicy"}), id="unprovable-parameters"),
    ],
)
def test_non_compliant(reference, ctx, stack, edit):
    assert fired(variant(reference[stack], edit), ctx) == {CONTROL}


def test_parameters_as_json_text_are_compliant(reference, ctx):
    edit = lambda t: rule(t, PASSWORD).update(InputParameters=json.dumps(rule(t, PASSWORD)["InputParameters"]))  # noqa: E731
    assert CONTROL not in fired(variant(reference[HOME], edit), ctx)


def _rule(stack, name):
    return next(r for r in stack.recorder.rules if r.config_rule_name == name)


CHANNELS = Channels(
    build=lambda app, config: BaselineStack(app, config=config, account=config.management, region=config.home_region),
    # The construct's rule list edited to leave one rule out.
    construct=lambda mp: mp.setattr(config_recorder, "BASELINE_RULES", tuple(
        r for r in config_recorder.BASELINE_RULES if r.name != "cloudtrail-enabled")),
    l1=lambda stack: setattr(_rule(stack, PASSWORD), "input_parameters", {
        **config_recorder.IAM_PASSWORD_POLICY, "MinimumPasswordLength": "8"}),
    overrides=(
        lambda stack: _rule(stack, "gxp-s3-bucket-versioning-enabled").add_property_override(
            "Source.SourceIdentifier", "S3_BUCKET_LOGGING_ENABLED"),
        lambda stack: _rule(stack, PASSWORD).add_override("Properties.InputParameters.MaxPasswordAge", "365"),
        lambda stack: _rule(stack, PASSWORD).add_deletion_override("Properties.InputParameters"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

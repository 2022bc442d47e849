"""GXP-CFG-05: the audit account aggregates Config data from the whole organization, every region."""

from __future__ import annotations

import pytest
from aws_cdk import aws_config as config_

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.stacks import audit
from gxp_landing_zone.stacks.audit import AuditStack

CONTROL = "GXP-CFG-05"
STACK = "Audit-audit-us-east-1"
ROLE = "arn:aws:iam::333333333333:role/aggregator"


def source(template: dict) -> dict:
    return properties(template, "AWS::Config::ConfigurationAggregator")["OrganizationAggregationSource"]


def _accounts_only(template):
    aggregator = properties(template, "AWS::Config::ConfigurationAggregator")
    aggregator.pop("OrganizationAggregationSource")
    aggregator["AccountAggregationSources"] = [{"AccountIds": ["111111111111"], "AllAwsRegions": True}]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: source(t).update(AllAwsRegions=False, AwsRegions=["us-east-1"]), id="one-region"),
        pytest.param(lambda t: source(t).update(AllAwsRegions="false"), id="string-false"),
        pytest.param(lambda t: source(t).pop("AllAwsRegions"), id="no-regions"),
        pytest.param(_accounts_only, id="listed-accounts"),
        pytest.param(lambda t: source(t).update(AllAwsRegions={"Ref": "AllRegions"}), id="unprovable-ref"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: source(t).update(AllAwsRegions="true"), id="string-true"),
        pytest.param(lambda t: source(t).update(AllAwsRegions=False, AwsRegions=["ap-northeast-1", "ap-northeast-3", "eu-central-1", "eu-west-1", "us-east-1", "us-west-2"]),
                     id="every-allowed-region"),
    ],
)
def test_compliant_as_config_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _aggregator(stack):
    return stack.node.find_child("OrganizationConfigAggregator")


CHANNELS = Channels(
    build=lambda app, config: AuditStack(app, config=config, account=config.audit, region=config.home_region),
    construct=lambda mp: mp.setattr(audit.config_, "CfnConfigurationAggregator", forcing(
        config_.CfnConfigurationAggregator, organization_aggregation_source=None,
        account_aggregation_sources=[config_.CfnConfigurationAggregator.AccountAggregationSourceProperty(
            account_ids=["111111111111"], all_aws_regions=True)])),
    l1=lambda stack: setattr(_aggregator(stack), "organization_aggregation_source",
                             config_.CfnConfigurationAggregator.OrganizationAggregationSourceProperty(
                                 role_arn=ROLE, all_aws_regions=False, aws_regions=["us-east-1"])),
    overrides=(
        lambda stack: _aggregator(stack).add_property_override("OrganizationAggregationSource.AllAwsRegions", False),
        lambda stack: _aggregator(stack).add_override("Properties.OrganizationAggregationSource.AllAwsRegions", "false"),
        lambda stack: _aggregator(stack).add_deletion_override("Properties.OrganizationAggregationSource.AllAwsRegions"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

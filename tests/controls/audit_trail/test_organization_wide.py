"""GXP-TRAIL-01: one trail logs every management event of every account, in every region."""

from __future__ import annotations

import pytest
from aws_cdk import aws_cloudtrail as cloudtrail

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import organization_trail
from gxp_landing_zone.stacks.organization import OrganizationStack

CONTROL = "GXP-TRAIL-01"
STACK = "Organization-management-us-east-1"
READS_ONLY = {"Field": "readOnly", "Equals": ["true"]}
WRITES_ONLY = {"Field": "readOnly", "Equals": ["false"]}


def trail(template: dict) -> dict:
    return properties(template, "AWS::CloudTrail::Trail")


def management(template: dict) -> dict:
    return next(s for s in trail(template)["AdvancedEventSelectors"] if "Management" in str(s))


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def _only_data_selector(template):
    selectors = trail(template)["AdvancedEventSelectors"]
    trail(template)["AdvancedEventSelectors"] = [s for s in selectors if "Management" not in str(s)]


def _basic_without_kms_events(template):
    trail(template).pop("AdvancedEventSelectors")
    trail(template)["EventSelectors"] = [{
        "ReadWriteType": "All", "IncludeManagementEvents": True, "ExcludeManagementEventSources": ["kms.amazonaws.com"],
        "DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}],
    }]


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: trail(t).update(IsMultiRegionTrail=False), id="single-region"),
        pytest.param(lambda t: trail(t).update(IsOrganizationTrail="false"), id="one-account"),
        pytest.param(lambda t: trail(t).pop("IsLogging"), id="not-logging"),
        pytest.param(lambda t: trail(t).update(IncludeGlobalServiceEvents={"Ref": "GlobalEvents"}), id="unprovable-global"),
        # The management selector narrowed to writes: read management events (kms:Decrypt ...) go unlogged.
        pytest.param(lambda t: management(t)["FieldSelectors"].append(WRITES_ONLY), id="management-writes-only"),
        pytest.param(lambda t: management(t)["FieldSelectors"].append(READS_ONLY), id="management-reads-only"),
        pytest.param(
            lambda t: management(t)["FieldSelectors"].append({"Field": "eventSource", "NotEquals": ["kms.amazonaws.com"]}),
            id="management-without-kms",
        ),
        pytest.param(_only_data_selector, id="no-management-selector"),
        pytest.param(_basic_without_kms_events, id="basic-excludes-kms"),
        pytest.param(
            lambda t: management(t)["FieldSelectors"].append({"Field": "readOnly", "Equals": [{"Ref": "ReadOnly"}]}),
            id="unprovable-readonly",
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _reads_and_writes_in_two_selectors(template):
    selectors = trail(template)["AdvancedEventSelectors"]
    selectors.remove(management(template))
    for field in (READS_ONLY, WRITES_ONLY):
        selectors.append({"Name": field["Equals"][0], "FieldSelectors": [{"Field": "eventCategory", "Equals": ["Management"]}, field]})


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: trail(t).update(IsMultiRegionTrail="true", IsLogging="true"), id="string-true"),
        pytest.param(_reads_and_writes_in_two_selectors, id="reads-and-writes-from-two-selectors"),
    ],
)
def test_compliant_as_cloudtrail_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def test_no_selectors_log_every_management_event(reference, ctx):
    # CloudTrail's default; the record data events (GXP-TRAIL-05) are what is lost.
    assert fired(variant(reference[STACK], lambda t: trail(t).pop("AdvancedEventSelectors")), ctx) == {"GXP-TRAIL-05"}


def _trail(stack):
    return stack.trail.trail


CHANNELS = Channels(
    build=lambda app, config: OrganizationStack(app, config=config, account=config.management, region=config.home_region),
    construct=lambda mp: mp.setattr(
        organization_trail.cloudtrail, "CfnTrail", forcing(cloudtrail.CfnTrail, is_multi_region_trail=False)
    ),
    l1=lambda stack: setattr(_trail(stack), "is_organization_trail", False),
    overrides=(
        lambda stack: _trail(stack).add_property_override("IncludeGlobalServiceEvents", False),
        lambda stack: _trail(stack).add_override("Properties.AdvancedEventSelectors.0.FieldSelectors.1", WRITES_ONLY),
        lambda stack: _trail(stack).add_property_deletion_override("IsLogging"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

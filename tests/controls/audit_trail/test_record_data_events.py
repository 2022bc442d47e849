"""GXP-TRAIL-05: reads and writes of every regulated record are logged as S3 data events."""

from __future__ import annotations

import pytest
from aws_cdk import aws_cloudtrail as cloudtrail

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import organization_trail
from gxp_landing_zone.stacks.organization import OrganizationStack

CONTROL = "GXP-TRAIL-05"
STACK = "Organization-management-us-east-1"
WRITES_ONLY = {"Field": "readOnly", "Equals": ["false"]}


def trail(template: dict) -> dict:
    return properties(template, "AWS::CloudTrail::Trail")


def data(template: dict) -> dict:
    return next(s for s in trail(template)["AdvancedEventSelectors"] if "Data" in str(s))


def arn_field(template: dict) -> dict:
    return next(f for f in data(template)["FieldSelectors"] if f["Field"] == "resources.ARN")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


def _without_data_selector(template):
    trail(template)["AdvancedEventSelectors"].remove(data(template))


def _basic_one_bucket(template):
    trail(template).pop("AdvancedEventSelectors")
    trail(template)["EventSelectors"] = [{"ReadWriteType": "All", "DataResources": [
        {"Type": "AWS::S3::Object", "Values": ["arn:aws:s3:::exbio-records-raw-lab-data-444444444444-use1/"]}]}]


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(_without_data_selector, id="no-data-events"),
        # The data selector narrowed by readOnly: record reads go unlogged.
        pytest.param(lambda t: data(t)["FieldSelectors"].append(WRITES_ONLY), id="writes-only"),
        pytest.param(lambda t: data(t)["FieldSelectors"].append({"Field": "readOnly", "NotEquals": ["false"]}), id="reads-only"),
        pytest.param(lambda t: arn_field(t).update(StartsWith=["arn:aws:s3:::exbio-records-raw-lab-data-"]), id="one-class"),
        pytest.param(lambda t: arn_field(t).update(NotStartsWith=["arn:aws:s3:::exbio-records-submission"]), id="class-excluded"),
        pytest.param(lambda t: data(t)["FieldSelectors"].append({"Field": "eventName", "Equals": ["PutObject"]}), id="one-event"),
        pytest.param(_basic_one_bucket, id="basic-one-bucket"),
        pytest.param(lambda t: arn_field(t).update(StartsWith=[{"Fn::Sub": "arn:aws:s3:::${Prefix}"}]), id="unprovable-prefix"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _basic_every_bucket(template):
    trail(template).pop("AdvancedEventSelectors")
    trail(template)["EventSelectors"] = [{"DataResources": [{"Type": "AWS::S3::Object", "Values": ["arn:aws:s3"]}]}]


def _reads_and_writes_in_two_selectors(template):
    selector = data(template)
    trail(template)["AdvancedEventSelectors"].remove(selector)
    for value in ("true", "false"):
        fields = [*selector["FieldSelectors"], {"Field": "readOnly", "Equals": [value]}]
        trail(template)["AdvancedEventSelectors"].append({"Name": value, "FieldSelectors": fields})


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: arn_field(t).update(StartsWith=["arn:aws:s3:::"]), id="every-bucket"),
        pytest.param(lambda t: data(t)["FieldSelectors"].remove(arn_field(t)), id="no-arn-filter"),
        pytest.param(_reads_and_writes_in_two_selectors, id="reads-and-writes-from-two-selectors"),
        pytest.param(_basic_every_bucket, id="basic-every-bucket"),
    ],
)
def test_compliant_as_cloudtrail_reads_it(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _trail(stack):
    return stack.trail.trail


MANAGEMENT_ONLY = [
    cloudtrail.CfnTrail.AdvancedEventSelectorProperty(
        name="All management events",
        field_selectors=[cloudtrail.CfnTrail.AdvancedFieldSelectorProperty(field="eventCategory", equal_to=["Management"])],
    )
]

CHANNELS = Channels(
    build=lambda app, config: OrganizationStack(app, config=config, account=config.management, region=config.home_region),
    construct=lambda mp: mp.setattr(
        organization_trail.cloudtrail, "CfnTrail", forcing(cloudtrail.CfnTrail, advanced_event_selectors=MANAGEMENT_ONLY)
    ),
    l1=lambda stack: setattr(_trail(stack), "advanced_event_selectors", MANAGEMENT_ONLY),
    overrides=(
        lambda stack: _trail(stack).add_override("Properties.AdvancedEventSelectors.1.FieldSelectors.3", WRITES_ONLY),
        lambda stack: _trail(stack).add_property_override(
            "AdvancedEventSelectors.1.FieldSelectors.2.StartsWith", ["arn:aws:s3:::exbio-records-raw-lab-data-"]),
        lambda stack: _trail(stack).add_property_deletion_override("AdvancedEventSelectors"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

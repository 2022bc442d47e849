"""GXP-REC-05: every bucket holding a data class is named where the trail records its data events."""

from __future__ import annotations

import pytest

from controls.support import Channels, assert_channel_caught, channel_cases, findings, fired, properties, variant
from gxp_landing_zone.constructs import records_vault
from gxp_landing_zone.constructs.gxp_bucket import GxpBucket
from gxp_landing_zone.stacks.records import RecordsStack

CONTROL = "GXP-REC-05"
STACK = "Records-regulated-us-us-east-1"
OUTSIDE_PREFIX = "exbio-lab-raw-444444444444-use1"


def raw_lab_data(template: dict) -> dict:
    return properties(template, "AWS::S3::Bucket", "RawLabData")


def class_tag(template: dict) -> dict:
    return next(t for t in raw_lab_data(template)["Tags"] if t["Key"] == "gxp:retention-class")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: raw_lab_data(t).update(BucketName=OUTSIDE_PREFIX), id="renamed-outside-the-prefix"),
        pytest.param(lambda t: class_tag(t).update(Value="analytical-results"), id="tagged-as-another-class"),
        pytest.param(
            lambda t: raw_lab_data(t).update(Tags=[x for x in raw_lab_data(t)["Tags"] if x["Key"] != "gxp:retention-class"]),
            id="class-tag-removed",
        ),
        pytest.param(lambda t: class_tag(t).update(Value={"Ref": "DataClass"}), id="unprovable-tag"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_a_bucket_outside_the_prefix_is_judged_by_the_class_it_carries(reference, ctx):
    # Renamed, the bucket is no longer one the config names; its tag still says it holds raw lab data.
    found = findings(variant(reference[STACK], lambda t: raw_lab_data(t).update(BucketName=OUTSIDE_PREFIX)), ctx, CONTROL)
    assert len(found) == 1 and "does not start with exbio-records-" in found[0].observed


def _raw_lab_data(stack):
    return stack.vaults["raw-lab-data"].bucket.bucket.node.default_child


class _TaggedWithItsDescription(GxpBucket):
    # records_vault.py edited to tag the bucket with something other than its data class.
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id, **{**kwargs, "retention_class": "regulated-records"})


def build(app, config):
    return RecordsStack(app, config=config, account=config.account("regulated-us"), region=config.home_region)


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(records_vault, "GxpBucket", _TaggedWithItsDescription),
    l1=lambda stack: setattr(_raw_lab_data(stack), "bucket_name", OUTSIDE_PREFIX),
    overrides=(
        lambda stack: _raw_lab_data(stack).add_property_override("BucketName", OUTSIDE_PREFIX),
        lambda stack: _raw_lab_data(stack).add_override(
            "Properties.Tags", [{"Key": "gxp:retention-class", "Value": "analytical-results"}]
        ),
        lambda stack: _raw_lab_data(stack).add_deletion_override("Properties.Tags"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-AI-08: Macie scans every bucket a training pipeline reads on a schedule; findings reach the audit
account."""

from __future__ import annotations

import pytest

from controls.ai._builders import COMPUTE, COMPUTE_JP, COMPUTE_RESEARCH, rule
from controls.compute._builders import compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import training_data_discovery

CONTROL = "GXP-AI-08"
STACK = COMPUTE


def session(template: dict) -> dict:
    return properties(template, "AWS::Macie::Session")


def job(template: dict) -> dict:
    return properties(template, "Custom::MacieClassificationJob")


def buckets(template: dict) -> list:
    return job(template)["BucketDefinitions"][0]["Buckets"]


def findings(template: dict) -> dict:
    return rule(template, "MacieFindings")["Properties"]


def test_compliant(reference, ctx):
    for stack in (COMPUTE, COMPUTE_JP, COMPUTE_RESEARCH):
        assert CONTROL not in fired(reference[stack], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: session(t).update(Status="PAUSED"), id="macie-paused"),
        pytest.param(lambda t: job(t).pop("ScheduleFrequency"), id="runs-once"),
        pytest.param(lambda t: buckets(t).remove(next(b for b in buckets(t) if "raw-lab-data" in b)),
                     id="personal-data-class-unscanned"),
        pytest.param(lambda t: job(t)["BucketDefinitions"][0].update(AccountId="555555555555"), id="scans-another-account"),
        pytest.param(lambda t: findings(t).update(State="DISABLED"), id="findings-not-forwarded"),
        pytest.param(lambda t: findings(t)["Targets"][0].update(Arn="arn:aws:events:us-east-1:444444444444:event-bus/default"),
                     id="findings-kept-in-the-account"),
        pytest.param(lambda t: job(t).update(BucketDefinitions={"Ref": "BucketsParameter"}), id="unprovable-scope"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _narrowed(original):
    """The construct's code edited to scan only the first bucket it is given."""

    def init(self, scope, id, *, buckets, **kwargs):
        original(self, scope, id, buckets=buckets[:1], **kwargs)

    return init


def _job(stack):
    return stack.discovery.job


CHANNELS = Channels(
    build=compute_stack,
    construct=lambda mp: mp.setattr(training_data_discovery.TrainingDataDiscovery, "__init__",
                                    _narrowed(training_data_discovery.TrainingDataDiscovery.__init__)),
    l1=lambda stack: setattr(stack.discovery.session, "status", "PAUSED"),
    overrides=(
        lambda stack: _job(stack).add_property_override("ScheduleFrequency", "ONCE"),
        lambda stack: _job(stack).add_override("Properties.BucketDefinitions.0.Buckets", ["only-this-bucket"]),
        lambda stack: _job(stack).add_deletion_override("Properties.ScheduleFrequency"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-BATCH-01: a Spot reclaim is retried; a job's own failure is not."""

from __future__ import annotations

import pytest
from aws_cdk import aws_batch as batch

from controls.compute._builders import COMPUTE, compute_stack
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, variant
from gxp_landing_zone.constructs import spot_first_batch

CONTROL = "GXP-BATCH-01"
STACK = COMPUTE


def strategy(template: dict) -> dict:
    return properties(template, "AWS::Batch::JobDefinition", "CpuJob")["RetryStrategy"]


def rules(template: dict) -> list:
    return strategy(template)["EvaluateOnExit"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: rules(t).pop(), id="no-catch-all-exit"),
        pytest.param(lambda t: rules(t)[-1].update(Action="RETRY"), id="catch-all-retries"),
        pytest.param(lambda t: strategy(t).update(Attempts=1), id="single-attempt"),
        pytest.param(lambda t: properties(t, "AWS::Batch::JobDefinition", "CpuJob").pop("RetryStrategy"), id="no-strategy"),
        pytest.param(lambda t: rules(t).insert(0, {"Action": "RETRY", "OnExitCode": "*"}), id="failures-retried"),
        pytest.param(lambda t: rules(t).insert(2, {"Action": "RETRY", "OnStatusReason": "Essential container*"}),
                     id="job-exit-retried"),
        pytest.param(lambda t: rules(t).pop(0), id="reclaim-not-retried"),
        pytest.param(lambda t: rules(t).insert(0, {"Action": "EXIT", "OnStatusReason": "Host EC2*"}), id="reclaim-exits-first"),
        pytest.param(lambda t: strategy(t).update(Attempts={"Ref": "AttemptsParameter"}), id="unprovable-attempts"),
        pytest.param(lambda t: rules(t)[0].update(OnStatusReason={"Fn::If": ["Lenient", "*", "Host EC2*"]}),
                     id="unprovable-rule"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: strategy(t).update(Attempts="3"), id="attempts-string"),
        pytest.param(lambda t: rules(t)[0].update(OnStatusReason="Host EC2 (instance*"), id="narrower-reclaim-pattern"),
        pytest.param(lambda t: rules(t)[-1].update(Action="exit"), id="action-case"),
        # An EXIT on an exit code never sees a reclaim, which has none.
        pytest.param(lambda t: rules(t).insert(0, {"Action": "EXIT", "OnExitCode": "1"}), id="exit-code-first"),
    ],
)
def test_compliant_variants(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _job(stack):
    return stack.batch.cpu_job


def _without_catch_all(stack):
    _job(stack).retry_strategy = batch.CfnJobDefinition.RetryStrategyProperty(
        attempts=5,
        evaluate_on_exit=[batch.CfnJobDefinition.EvaluateOnExitProperty(action="RETRY", on_status_reason="Host EC2*")],
    )


CHANNELS = Channels(
    build=compute_stack,
    # The construct's retry reasons edited to retry everything.
    construct=lambda mp: mp.setattr(spot_first_batch, "RETRY_ON_STATUS_REASONS", ("Host EC2*", "*")),
    l1=_without_catch_all,
    overrides=(
        lambda stack: _job(stack).add_property_override("RetryStrategy.Attempts", 1),
        lambda stack: _job(stack).add_override("Properties.RetryStrategy.EvaluateOnExit.3.Action", "RETRY"),
        lambda stack: _job(stack).add_deletion_override("Properties.RetryStrategy"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

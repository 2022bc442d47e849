"""GXP-AI-11: every SageMaker endpoint captures its traffic under a KMS key and is watched by a running,
isolated, encrypted data-quality monitoring schedule against its training baseline.

The reference config deploys no endpoint, so the cases start from the regulated US Compute stack built
from the reference config plus one endpoint, as ml.accounts.<role>.endpoints would add it."""

from __future__ import annotations

import pytest

from controls import support
from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, synthesize, variant
from gxp_landing_zone.config.ml import Endpoint
from gxp_landing_zone.constructs import monitored_endpoint
from gxp_landing_zone.stacks.compute import ComputeStack

CONTROL = "GXP-AI-11"
SCORING = Endpoint(name="target-scoring", model_package_version=3, baseline_prefix="baselines/v3/")


def serving(config):
    """The config with the regulated US account serving one model version."""
    ml = config.ml
    settings = ml.settings("regulated-us")
    accounts = {**ml.accounts, "regulated-us": settings.model_copy(update={"endpoints": [SCORING]})}
    return config.model_copy(update={"ml": ml.model_copy(update={"accounts": accounts})})


def served_stack(app, config):
    return ComputeStack(app, config=serving(config), account=config.account("regulated-us"), region="us-east-1")


@pytest.fixture(scope="module")
def served(reference_config):
    # Shared with the channel cases, which start from the same unchanged stack.
    key = (served_stack, id(reference_config))
    if key not in support._AS_BUILT:
        support._AS_BUILT[key] = synthesize(served_stack, reference_config)
    return support._AS_BUILT[key]


def capture(template: dict) -> dict:
    return properties(template, "AWS::SageMaker::EndpointConfig")["DataCaptureConfig"]


def schedule(template: dict) -> dict:
    return properties(template, "AWS::SageMaker::MonitoringSchedule")


def job(template: dict) -> dict:
    return properties(template, "AWS::SageMaker::DataQualityJobDefinition")


def test_compliant(served, reference, ctx):
    assert CONTROL not in fired(served, ctx)
    assert CONTROL not in fired(reference["Compute-regulated-us-us-east-1"], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: capture(t).update(EnableCapture=False), id="traffic-not-captured"),
        pytest.param(lambda t: capture(t).pop("KmsKeyId"), id="capture-unencrypted"),
        pytest.param(lambda t: schedule(t).update(MonitoringScheduleStatus="Stopped"), id="schedule-stopped"),
        pytest.param(lambda t: schedule(t)["MonitoringScheduleConfig"].update(MonitoringType="ModelBias"),
                     id="no-data-quality-schedule"),
        pytest.param(lambda t: job(t)["NetworkConfig"].update(EnableNetworkIsolation=False), id="job-not-isolated"),
        pytest.param(lambda t: job(t)["DataQualityBaselineConfig"].pop("StatisticsResource"), id="no-baseline-statistics"),
        pytest.param(lambda t: schedule(t)["MonitoringScheduleConfig"].update(MonitoringType={"Ref": "TypeParameter"}),
                     id="unprovable-monitoring-type"),
    ],
)
def test_non_compliant(served, ctx, edit):
    assert fired(variant(served, edit), ctx) - fired(served, ctx) == {CONTROL}


def _unisolated(original):
    """The construct's code edited to run the monitoring job without network isolation."""

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.job.network_config = self.job.NetworkConfigProperty(enable_network_isolation=False)

    return init


def _endpoint(stack):
    return stack.endpoints[0]


CHANNELS = Channels(
    build=served_stack,
    construct=lambda mp: mp.setattr(monitored_endpoint.MonitoredEndpoint, "__init__",
                                    _unisolated(monitored_endpoint.MonitoredEndpoint.__init__)),
    l1=lambda stack: setattr(_endpoint(stack).schedule, "monitoring_schedule_status", "Stopped"),
    overrides=(
        lambda stack: _endpoint(stack).config.add_property_override("DataCaptureConfig.EnableCapture", False),
        lambda stack: _endpoint(stack).schedule.add_override(
            "Properties.MonitoringScheduleConfig.MonitoringType", "ModelQuality"),
        lambda stack: _endpoint(stack).job.add_deletion_override("Properties.DataQualityBaselineConfig.StatisticsResource"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

"""GXP-API-02: each API stage writes an access log of who called what, when, with what outcome, to a
CloudWatch Logs log group."""

from __future__ import annotations

import json

import pytest
from aws_cdk import aws_apigateway as apigw

from controls.signatures._stack import STACK, build, logical_id, stage
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-API-02"
FIREHOSE = "arn:aws:firehose:us-east-1:444444444444:deliverystream/amazon-apigateway-signatures"
LOG_GROUP = "arn:aws:logs:us-east-1:444444444444:log-group:signature-api-access"
ANONYMOUS = {"requestId": "$context.requestId", "requestTime": "$context.requestTime", "ip": "$context.identity.sourceIp",
             "agent": "$context.identity.userAgent", "httpMethod": "$context.httpMethod",
             "resourcePath": "$context.resourcePath", "status": "$context.status"}


def access_log(template: dict) -> dict:
    return stage(template)["AccessLogSetting"]


def deployment(template: dict) -> dict:
    return template["Resources"][logical_id(template, "AWS::ApiGateway::Deployment")]["Properties"]


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: stage(t).pop("AccessLogSetting"), id="no-access-log"),
        pytest.param(lambda t: access_log(t).pop("Format"), id="no-format"),
        pytest.param(lambda t: access_log(t).update(Format="$context.requestId"), id="request-id-only"),
        pytest.param(lambda t: access_log(t).update(Format=json.dumps(ANONYMOUS)), id="caller-not-logged"),
        pytest.param(lambda t: access_log(t).update(DestinationArn=FIREHOSE), id="not-a-log-group"),
        pytest.param(lambda t: deployment(t).update(StageName="v2"), id="deployment-stage-without-log"),
        pytest.param(lambda t: access_log(t).update(DestinationArn={"Ref": "LogDestinationParameter"}), id="unprovable-ref"),
        pytest.param(lambda t: stage(t).update(AccessLogSetting={"Fn::If": ["Logged", {}, {}]}), id="unprovable-condition"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: access_log(t).update(DestinationArn=LOG_GROUP), id="log-group-by-arn"),
        pytest.param(
            lambda t: deployment(t).update(StageName="v2", StageDescription={"AccessLogSetting": dict(access_log(t))}),
            id="deployment-stage-logged",
        ),
    ],
)
def test_equivalent_forms_are_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == set()


def _stage(stack):
    return stack.service.api.deployment_stage.node.default_child


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure, "ACCESS_LOG_FIELDS", ANONYMOUS),
    l1=lambda stack: setattr(_stage(stack), "access_log_setting", apigw.CfnStage.AccessLogSettingProperty(
        destination_arn=FIREHOSE, format=json.dumps(infrastructure.ACCESS_LOG_FIELDS)
    )),
    overrides=(
        lambda stack: _stage(stack).add_deletion_override("Properties.AccessLogSetting"),
        lambda stack: _stage(stack).add_property_override("AccessLogSetting.Format", "$context.requestId $context.status"),
        lambda stack: _stage(stack).add_override("Properties.AccessLogSetting.DestinationArn", FIREHOSE),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

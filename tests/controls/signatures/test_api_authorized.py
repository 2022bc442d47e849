"""GXP-API-01: every API method requires an authenticated identity."""

from __future__ import annotations

import pytest
from aws_cdk import aws_apigateway as apigw

from controls.signatures._stack import STACK, build, logical_id, method
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-API-01"


def add_options(template: dict, integration: str) -> None:
    resource = logical_id(template, "AWS::ApiGateway::Resource", "signaturesverify")
    api = logical_id(template, "AWS::ApiGateway::RestApi")
    template["Resources"]["CorsPreflight"] = {"Type": "AWS::ApiGateway::Method", "Properties": {
        "HttpMethod": "OPTIONS", "AuthorizationType": "NONE", "Integration": {"Type": integration},
        "ResourceId": {"Ref": resource}, "RestApiId": {"Ref": api},
    }}


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: method(t, "POST").update(AuthorizationType="NONE"), id="open-sign"),
        pytest.param(lambda t: method(t, "signaturesGET").pop("AuthorizationType"), id="absent-means-none"),
        pytest.param(lambda t: add_options(t, "AWS_PROXY"), id="options-reaching-a-function"),
        pytest.param(lambda t: method(t, "verifyGET").update(AuthorizationType={"Ref": "AuthParameter"}), id="unprovable-ref"),
        pytest.param(
            lambda t: method(t, "POST").update(AuthorizationType={"Fn::If": ["Open", "NONE", "COGNITO_USER_POOLS"]}),
            id="unprovable-condition",
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: add_options(t, "MOCK"), id="cors-preflight-answered-by-mock"),
        pytest.param(lambda t: method(t, "POST").update(AuthorizationType="AWS_IAM"), id="iam-signed"),
    ],
)
def test_authenticated_or_exempt_methods_are_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == set()


def _cfn_method(stack, http_method: str = "POST"):
    return stack.service.api.root.get_resource("signatures").node.find_child(http_method).node.default_child


def _open_health_check(mp):
    """The construct's code edited to add a method without an authorizer."""
    original = infrastructure.SignatureService._build_api

    def build_api(self):
        original(self)
        self.api.root.add_resource("health").add_method("GET", apigw.MockIntegration())

    mp.setattr(infrastructure.SignatureService, "_build_api", build_api)


CHANNELS = Channels(
    build=build,
    construct=_open_health_check,
    l1=lambda stack: setattr(_cfn_method(stack), "authorization_type", "NONE"),
    overrides=(
        lambda stack: _cfn_method(stack).add_property_override("AuthorizationType", "NONE"),
        lambda stack: _cfn_method(stack, "GET").add_override("Properties.AuthorizationType", "NONE"),
        lambda stack: _cfn_method(stack, "GET").add_deletion_override("Properties.AuthorizationType"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

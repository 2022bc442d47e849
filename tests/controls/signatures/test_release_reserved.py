"""GXP-ESIG-12: batch release reserved to the Qualified Persons, and one meaning per person per version,
deployed exactly as the config states them; the signature API serves the printable release record."""

from __future__ import annotations

import json

import pytest

from controls.signatures._stack import STACK, build, built_variables, cfn_function, redirecting_function, set_variables, variables
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-12"


def restrictions(change, purpose: str = "sign"):
    def edit(template):
        found = json.loads(variables(template, purpose)["SIGNING_RESTRICTIONS"])
        change(found)
        variables(template, purpose)["SIGNING_RESTRICTIONS"] = json.dumps(found)

    return edit


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(restrictions(lambda r: r.update(restricted_meanings={})), id="batch-release-open-to-every-grant"),
        pytest.param(restrictions(lambda r: r["restricted_meanings"]["batch-release"].append("production-leads")),
                     id="release-widened-to-another-group"),
        pytest.param(restrictions(lambda r: r.update(same_person_may_sign=["batch-record"])), id="reviewer-may-approve"),
        pytest.param(restrictions(lambda r: r.update(restricted_meanings={}), "verify"), id="release-record-unreserved"),
        pytest.param(lambda t: variables(t, "sign").pop("SIGNING_RESTRICTIONS"), id="no-restrictions"),
        pytest.param(lambda t: variables(t, "sign").update(SIGNING_RESTRICTIONS="qp only"), id="not-json"),
        pytest.param(lambda t: variables(t, "sign").update(SIGNING_RESTRICTIONS={"Ref": "RestrictionsParameter"}),
                     id="unprovable-ref"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _release(template: dict, what: str = "method") -> tuple[str, dict]:
    """(logical ID, resource) of the release-record route's API resource or its GET method."""
    (lid, resource), = [(k, r) for k, r in template["Resources"].items()
                        if r["Type"] == "AWS::ApiGateway::Resource" and r["Properties"]["PathPart"] == "release-record"]
    if what == "resource":
        return lid, resource
    return next((k, r) for k, r in template["Resources"].items() if r["Type"] == "AWS::ApiGateway::Method"
                and r["Properties"]["ResourceId"] == {"Ref": lid})


def _drop_route(template):
    for lid, _ in (_release(template), _release(template, "resource")):
        del template["Resources"][lid]


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(_drop_route, id="release-record-route-removed"),
        pytest.param(lambda t: _release(t)[1]["Properties"].update(Integration={"Type": "MOCK"}), id="route-answers-mock"),
        pytest.param(lambda t: _release(t, "resource")[1]["Properties"].update(PathPart="release"), id="route-renamed"),
        pytest.param(lambda t: _release(t)[1]["Properties"].update(HttpMethod="POST"), id="route-not-readable-by-get"),
        pytest.param(lambda t: _release(t)[1]["Properties"].update(ResourceId={"Ref": "RouteParameter"}),
                     id="route-unprovable-ref"),
    ],
)
def test_release_record_route_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def _release_method(stack):
    from aws_cdk import aws_apigateway as apigw

    return next(c for c in stack.node.find_all() if isinstance(c, apigw.CfnMethod) and "releaserecord" in c.node.path
                .replace("-", "").lower())


def _opened(environment: dict) -> str:
    return json.dumps({**json.loads(environment["SIGNING_RESTRICTIONS"]), "restricted_meanings": {}})


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.lambda_, "Function", redirecting_function(SIGNING_RESTRICTIONS=_opened)),
    l1=lambda stack: set_variables(stack, "sign", SIGNING_RESTRICTIONS=_opened(built_variables(stack))),
    overrides=(
        lambda stack: cfn_function(stack).add_property_override(
            "Environment.Variables.SIGNING_RESTRICTIONS", _opened(built_variables(stack))
        ),
        lambda stack: cfn_function(stack, "verify").add_override(
            "Properties.Environment.Variables.SIGNING_RESTRICTIONS", '{"same_person_may_sign": ["batch-record"]}'
        ),
        lambda stack: cfn_function(stack).add_deletion_override("Properties.Environment.Variables.SIGNING_RESTRICTIONS"),
        # The printout: the release-record route answered by API Gateway itself, reaching no function.
        lambda stack: _release_method(stack).add_property_override("Integration.Type", "MOCK"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

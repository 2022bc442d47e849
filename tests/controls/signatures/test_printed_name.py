"""GXP-ESIG-06: the user pool holds every signer's full name, the printed name of the manifestation."""

from __future__ import annotations

import pytest
from aws_cdk import aws_cognito as cognito

from controls.signatures._stack import STACK, build, cfn_pool, pool
from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-06"


def full_name(template: dict) -> dict:
    return next(a for a in pool(template)["Schema"] if a["Name"] == "name")


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: full_name(t).update(Required=False), id="optional"),
        pytest.param(lambda t: full_name(t).update(Required="false"), id="string-false"),
        pytest.param(lambda t: full_name(t).pop("Required"), id="required-not-stated"),
        pytest.param(lambda t: pool(t).update(Schema=[a for a in pool(t)["Schema"] if a["Name"] != "name"]), id="no-name-attribute"),
        pytest.param(lambda t: pool(t).pop("Schema"), id="no-schema"),
        pytest.param(lambda t: full_name(t).update(Required={"Ref": "NameRequiredParameter"}), id="unprovable-ref"),
        pytest.param(lambda t: full_name(t).update(Name={"Ref": "AttributeParameter"}), id="unprovable-attribute-name"),
        pytest.param(lambda t: pool(t).update(Schema={"Fn::If": ["Named", [], []]}), id="unprovable-schema"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_the_string_true_cloudformation_accepts_is_compliant(reference, ctx):
    assert fired(variant(reference[STACK], lambda t: full_name(t).update(Required="true")), ctx) == set()


def _schema_index(stack) -> int:
    schema = stack.resolve(cfn_pool(stack).schema)
    return next(i for i, a in enumerate(schema) if a["name"] == "name")


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.cognito, "UserPool", forcing(
        cognito.UserPool,
        standard_attributes=cognito.StandardAttributes(
            fullname=cognito.StandardAttribute(required=False, mutable=True),
            email=cognito.StandardAttribute(required=True, mutable=True),
        ),
    )),
    l1=lambda stack: setattr(cfn_pool(stack), "schema", [
        cognito.CfnUserPool.SchemaAttributeProperty(name="email", required=True, mutable=True),
    ]),
    overrides=(
        lambda stack: cfn_pool(stack).add_property_override(f"Schema.{_schema_index(stack)}.Required", False),
        lambda stack: cfn_pool(stack).add_override(f"Properties.Schema.{_schema_index(stack)}.Name", "nickname"),
        lambda stack: cfn_pool(stack).add_deletion_override("Properties.Schema"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

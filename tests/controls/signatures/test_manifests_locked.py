"""GXP-ESIG-07: signature manifests are written to a bucket locked for the longest record retention."""

from __future__ import annotations

import pytest

from controls.signatures._stack import (
    STACK, build, cfn_function, logical_id, redirecting_function, set_variables, variables,
)
from controls.support import Channels, assert_channel_caught, channel_cases, fired, variant
from gxp_landing_zone.signatures import infrastructure

CONTROL = "GXP-ESIG-07"
ACCESS_LOGS = "exbio-esig-access-logs-444444444444-use1"


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: variables(t, "sign").update(MANIFEST_BUCKET=ACCESS_LOGS), id="unlocked-bucket-of-the-stack"),
        pytest.param(lambda t: variables(t, "sign").update(MANIFEST_BUCKET="exbio-scratch"), id="bucket-outside-the-stack"),
        pytest.param(
            lambda t: variables(t, "verify").update(MANIFEST_BUCKET="exbio-records-raw-lab-data-444444444444-use1"),
            id="verify-reads-a-records-bucket",
        ),
        pytest.param(
            lambda t: variables(t, "sign").update(MANIFEST_BUCKET={"Ref": logical_id(t, "AWS::S3::Bucket", "AccessLog")}),
            id="ref-to-unlocked-bucket",
        ),
        pytest.param(lambda t: variables(t, "sign").pop("MANIFEST_BUCKET"), id="signing-function-names-none"),
        pytest.param(lambda t: variables(t, "sign").update(MANIFEST_BUCKET={"Ref": "ManifestParameter"}), id="unprovable-ref"),
        pytest.param(
            lambda t: variables(t, "sign").update(MANIFEST_BUCKET={"Fn::ImportValue": "ManifestBucketName"}),
            id="unprovable-import",
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_a_ref_to_the_manifest_bucket_is_compliant(reference, ctx):
    def edit(template):
        variables(template, "sign")["MANIFEST_BUCKET"] = {"Ref": logical_id(template, "AWS::S3::Bucket", "ManifestBucket")}

    assert fired(variant(reference[STACK], edit), ctx) == set()


def test_a_function_that_never_touches_manifests_is_not_judged(reference, ctx):
    assert fired(variant(reference[STACK], lambda t: variables(t, "list").pop("MANIFEST_BUCKET")), ctx) == set()


def _to_access_logs(environment: dict) -> str:
    return environment["MANIFEST_BUCKET"].replace("-esig-manifests-", "-esig-access-logs-")


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(infrastructure.lambda_, "Function", redirecting_function(MANIFEST_BUCKET=_to_access_logs)),
    l1=lambda stack: set_variables(stack, "sign", MANIFEST_BUCKET=stack.service.access_logs.bucket.bucket_name),
    overrides=(
        lambda stack: cfn_function(stack).add_property_override("Environment.Variables.MANIFEST_BUCKET", "exbio-scratch"),
        lambda stack: cfn_function(stack, "verify").add_override(
            "Properties.Environment.Variables.MANIFEST_BUCKET", stack.resolve(stack.service.access_logs.bucket.bucket_name)
        ),
        lambda stack: cfn_function(stack).add_deletion_override("Properties.Environment.Variables.MANIFEST_BUCKET"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

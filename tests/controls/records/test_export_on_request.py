"""GXP-REC-07: beside every records bucket, a function runs the record export; its role reads the bucket's
versions and signs with the export signing key alone, which only that role may sign with; exports are locked."""

from __future__ import annotations

import pytest

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, the, variant
from gxp_landing_zone.records.deployment import export
from gxp_landing_zone.records.deployment.functions import RecordsFunction
from gxp_landing_zone.stacks.records import RecordsStack

CONTROL = "GXP-REC-07"
US, JP = "Records-regulated-us-us-east-1", "Records-regulated-jp-ap-northeast-1"


def function(template: dict) -> dict:
    return properties(template, "AWS::Lambda::Function", "RecordExportFunction")


def variables(template: dict) -> dict:
    return function(template)["Environment"]["Variables"]


def role_policy(template: dict) -> list:
    return properties(template, "AWS::IAM::ManagedPolicy", "RecordExportFunctionPolicy")["PolicyDocument"]["Statement"]


def role_statement(template: dict, sid: str) -> dict:
    return next(s for s in role_policy(template) if s.get("Sid") == sid)


def signing_key(template: dict) -> dict:
    return properties(template, "AWS::KMS::Key", "RecordExportSigningKey")


def key_statement(template: dict, sid: str) -> dict:
    return next(s for s in signing_key(template)["KeyPolicy"]["Statement"] if s.get("Sid") == sid)


def drop_key_statement(sid: str):
    def edit(template):
        policy = signing_key(template)["KeyPolicy"]
        policy["Statement"] = [s for s in policy["Statement"] if s.get("Sid") != sid]

    return edit


def records_access_logs(template: dict) -> str:
    return the(template, "AWS::S3::Bucket", "RecordsAccessLogBucket")["Properties"]["BucketName"]


def test_compliant(reference, ctx):
    for stack in (US, JP):
        assert CONTROL not in fired(reference[stack], ctx), stack


@pytest.mark.parametrize(
    "stack,edit",
    [
        pytest.param(US, lambda t: function(t).update(Handler="gxp_landing_zone.records.runtime.export.handler"),
                     id="no-export-function"),
        pytest.param(JP, lambda t: role_policy(t).remove(role_statement(t, "ReadRecordVersions")), id="cannot-read-records"),
        pytest.param(US, lambda t: role_statement(t, "SignExportManifests").update(Resource="*"), id="signs-with-any-key"),
        pytest.param(US, lambda t: role_policy(t).remove(role_statement(t, "SignExportManifests")), id="manifests-unsigned"),
        pytest.param(US, lambda t: signing_key(t).update(KeySpec="SYMMETRIC_DEFAULT"), id="not-a-signing-key"),
        pytest.param(US, lambda t: key_statement(t, "ExportFunctionSigns").update(Principal={"AWS": "*"}), id="anyone-may-sign"),
        pytest.param(US, drop_key_statement("OnlyExportFunctionSigns"), id="sign-not-denied-to-others"),
        pytest.param(US, drop_key_statement("NoGrantsOnExportSigningKey"), id="grants-allowed"),
        pytest.param(US, lambda t: variables(t).update(EXPORT_BUCKET=records_access_logs(t)), id="exports-unlocked"),
        pytest.param(US, lambda t: variables(t).update(SIGNING_KEY={"Ref": "SigningKeyParameter"}), id="unprovable-key"),
        pytest.param(US, lambda t: variables(t).update(EXPORT_BUCKET={"Ref": "ExportBucketParameter"}),
                     id="unprovable-exports-bucket"),
    ],
)
def test_non_compliant(reference, ctx, stack, edit):
    assert fired(variant(reference[stack], edit), ctx) == {CONTROL}


def build(app, config):
    return RecordsStack(app, config=config, account=config.account("regulated-us"), region=config.home_region)


def _cfn_function(stack):
    return stack.export.export.function.node.default_child


def _cfn_signing_key(stack):
    return stack.export.signing_key.key.node.default_child


CHANNELS = Channels(
    build=build,
    # The export deployed with another runtime module: nothing runs the export handler any more.
    construct=lambda mp: mp.setattr(export, "RecordsFunction", forcing(RecordsFunction, module="export")),
    l1=lambda stack: setattr(_cfn_signing_key(stack), "key_spec", "SYMMETRIC_DEFAULT"),
    overrides=(
        lambda stack: _cfn_function(stack).add_property_override("Environment.Variables.SIGNING_KEY", {"Ref": "AWS::NoValue"}),
        lambda stack: _cfn_signing_key(stack).add_override("Properties.KeyPolicy.Statement.1.Principal", {"AWS": "*"}),
        lambda stack: _cfn_function(stack).add_deletion_override("Properties.Environment.Variables.EXPORT_BUCKET"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

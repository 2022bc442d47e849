"""GXP-RES-01: every stateful resource sits in an allowed region, and a regulated account's in its jurisdiction."""

from __future__ import annotations

import copy

import pytest
from aws_cdk import RemovalPolicy
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

from controls.support import Channels, assert_channel_caught, fired, variant
from gxp_landing_zone.controls.cfn import StackTemplate
from gxp_landing_zone.controls.stateful_resources._residency import estate_bucket_names
from gxp_landing_zone.naming import Names
from gxp_landing_zone.stacks import baseline, log_archive
from gxp_landing_zone.stacks.baseline import BaselineStack
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-RES-01"
# The EU regulated account's baseline in us-east-1, as the gxp-baseline StackSet deploys it there: it
# exists (Config records every allowed region) and holds no stateful resource.
STACK = "gxp-baseline (regulated-eu/us-east-1)"
KEEP = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"}
A_KEY = "arn:aws:kms:us-east-1:555555555555:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def adding(logical_id: str, resource: dict):
    return lambda t: t["Resources"].update({logical_id: {**resource, **KEEP}})


def placed(stack: StackTemplate, region) -> StackTemplate:
    return StackTemplate(
        name=stack.name, template=copy.deepcopy(stack.template), account=stack.account, region=region, file=stack.file,
        paths=dict(stack.paths), acknowledgements=copy.deepcopy(stack.acknowledgements), tags=dict(stack.tags),
    )


def test_compliant(reference, ctx):
    assert CONTROL not in fired(list(reference.values()), ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(adding("EuDataKey", {"Type": "AWS::KMS::Key", "Properties": {"EnableKeyRotation": True, "KeyPolicy": {
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::555555555555:root"},
                                                   "Action": "kms:Describe*", "Resource": "*"}]}}}), id="eu-key-in-the-us"),
        pytest.param(adding("EuLogs", {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 365, "KmsKeyId": A_KEY}}),
                     id="eu-log-group-in-the-us"),
        pytest.param(adding("EuImages", {"Type": "AWS::ECR::Repository", "Properties": {
            "ImageTagMutability": "IMMUTABLE", "ImageScanningConfiguration": {"ScanOnPush": True},
            "EncryptionConfiguration": {"EncryptionType": "KMS", "KmsKey": A_KEY}}}), id="eu-repository-in-the-us"),
    ],
)
def test_non_compliant(eu_baseline_in_the_us, ctx, edit):
    assert fired(variant(eu_baseline_in_the_us, edit), ctx) == {CONTROL}


@pytest.fixture(scope="module")
def eu_baseline_in_the_us(reference, ctx):
    from gxp_landing_zone.controls.stacksets import StackSetNotes, expand

    instances = expand(reference["OrganizationBaseline-management-us-east-1"], ctx, StackSetNotes())
    return next(i for i in instances if i.name == STACK)


@pytest.mark.parametrize(
    "region", [pytest.param("us-east-2", id="region-not-allowed"), pytest.param(None, id="unprovable-environment-agnostic")]
)
def test_a_stack_deployed_elsewhere_is_non_compliant(reference, ctx, region):
    assert fired(placed(reference["LogArchive-log-archive-us-east-1"], region), ctx) == {CONTROL}


def test_an_account_without_a_jurisdiction_may_use_any_allowed_region(reference, ctx):
    assert fired(placed(reference["LogArchive-log-archive-us-east-1"], "eu-central-1"), ctx) == set()


def test_the_iq_reads_the_buckets_synthesis_deploys(reference, reference_config):
    names = Names(reference_config)
    for account in reference_config.accounts:
        for region in reference_config.workload_regions(account):
            synthesized = {
                r.get("BucketName")
                for s in reference.values() if (s.account, s.region) == (account.id, region)
                for r in s.of_type("AWS::S3::Bucket")
            }
            assert set(estate_bucket_names(reference_config, names, account, region)) == synthesized, account.role


class _RecorderWithLocalLogs(baseline.ConfigRecorder):
    # config_recorder.py edited to keep a log group of its own in every account and region.
    def __init__(self, scope, id, **kwargs):
        super().__init__(scope, id, **kwargs)
        logs.LogGroup(
            self, "LocalLogs", retention=logs.RetentionDays.ONE_YEAR, removal_policy=RemovalPolicy.RETAIN,
            encryption_key=kms.Key.from_key_arn(self, "LocalLogsKey", A_KEY),
        )


CHANNELS = Channels(
    build=lambda app, config: BaselineStack(app, config=config, account=config.account("regulated-eu"), region="us-east-1"),
    construct=lambda mp: mp.setattr(baseline, "ConfigRecorder", _RecorderWithLocalLogs),
    l1=None,
    impossible={
        "l1": "no resource type this control reads has a region property: placement is the stack's environment",
        "override": "a raw override changes a resource's properties, never the region its stack deploys to",
    },
)


class _LogArchiveElsewhere(LogArchiveStack):
    # estate.py edited to deploy the log archive to a region the config does not allow.
    def __init__(self, scope, **kwargs):
        super().__init__(scope, **{**kwargs, "region": "us-east-2"})


PLACEMENT = Channels(
    build=lambda app, config: log_archive.LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region),
    construct=lambda mp: mp.setattr(log_archive, "LogArchiveStack", _LogArchiveElsewhere),
    l1=None,
)


# Where a resource is follows from the stack it is in and the region that stack deploys to: code that
# creates resources or places stacks can move data, an L1 property setter or a raw override cannot
# (no type this control reads has a region property), so those channels do not exist for it.
@pytest.mark.parametrize("channels", [pytest.param(CHANNELS, id="construct"), pytest.param(PLACEMENT, id="placement")])
def test_weakening_through_every_channel_is_caught(channels, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, channels, "construct", channels.construct, reference_config, ctx, monkeypatch)

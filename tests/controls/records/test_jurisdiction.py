"""GXP-REC-03: records and their replicas stay in the jurisdiction of the account that holds them."""

from __future__ import annotations

import copy
import dataclasses

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, fired, properties, synthesize
from gxp_landing_zone.controls.cfn import StackTemplate
from gxp_landing_zone.naming import Names
from gxp_landing_zone.stacks import records
from gxp_landing_zone.stacks.records import RecordsStack

CONTROL = "GXP-REC-03"
STACK = "Records-regulated-eu-eu-central-1"


def placed(stack: StackTemplate, **where) -> StackTemplate:
    """The same template deployed to another account or region (or one the assembly does not name)."""
    return StackTemplate(
        name=stack.name, template=copy.deepcopy(stack.template), account=where.get("account", stack.account),
        region=where.get("region", stack.region), file=stack.file, paths=dict(stack.paths),
        acknowledgements=copy.deepcopy(stack.acknowledgements), tags=dict(stack.tags),
    )


def test_compliant(reference, ctx):
    # The EU de-identified class replicates to the US bucket the config names; it may leave the EU.
    assert properties(reference[STACK].template, "AWS::S3::Bucket", "Deidentified")["ReplicationConfiguration"]
    assert CONTROL not in fired(reference[STACK], ctx)


def _may_not_leave(ctx):
    # A config under which the de-identified class must stay in its jurisdiction.
    return dataclasses.replace(ctx, classes_leaving_jurisdiction=frozenset())


# The record export in the stack reads the signature manifests of the account and region the config names for it:
# placed elsewhere, it names an archive that is not that place's, which GXP-ESIG-07 refuses too.
MOVED = {"GXP-ESIG-07"}


@pytest.mark.parametrize(
    "where, judged_by, also",
    [
        pytest.param({"account": "222222222222"}, None, MOVED, id="records-in-the-log-archive-account"),
        pytest.param({"account": "111111111111"}, None, MOVED, id="records-in-the-management-account"),
        pytest.param({}, _may_not_leave, set(), id="replica-abroad-the-config-forbids"),
        pytest.param({"account": None}, None, MOVED, id="unprovable-account"),
    ],
)
def test_non_compliant(reference, ctx, where, judged_by, also):
    assert fired(placed(reference[STACK], **where), judged_by(ctx) if judged_by else ctx) == {CONTROL} | also


def test_records_in_another_jurisdiction_are_a_residency_failure_too(reference, ctx):
    assert fired(placed(reference[STACK], region="us-east-1"), ctx) == {CONTROL, "GXP-RES-01"} | MOVED


class _InTheLogArchive(RecordsStack):
    # estate.py edited to place the records stack in the log-archive account.
    def __init__(self, scope, *, config, **kwargs):
        super().__init__(scope, config=config, **{**kwargs, "account": config.log_archive})


def build(app, config):
    return records.RecordsStack(app, config=config, account=config.account("regulated-eu"), region="eu-central-1")


# Where a bucket is, and which account holds it, is the stack's environment: code that places the
# stack can change it, an L1 setter or a raw override cannot. What those can change is replication,
# and a replica the config does not allow is not a target the config names either, so GXP-REC-04 fires
# beside this control (tested below).
CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(records, "RecordsStack", _InTheLogArchive),
    l1=None,
    impossible={
        "l1": "where a records bucket is follows from its stack's account and region, which no L1 property sets",
        "override": "an override can only add a replica, and a replica the config does not allow also fails "
        "GXP-REC-04 (tested in test_identified_records_replicated_abroad_are_caught_here_and_by_rec_04)",
    },
)


def test_weakening_through_the_stack_placement_is_caught(reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, "construct", CHANNELS.construct, reference_config, ctx, monkeypatch)


def _raw_lab_data(stack):
    return stack.vaults["raw-lab-data"].bucket.bucket.node.default_child


def _to_the_us(stack) -> str:
    names, us = Names(stack.config), stack.config.account("regulated-us")
    return f"arn:aws:s3:::{names.records_bucket('raw-lab-data', us.id, 'us-east-1')}"


def _replicated_abroad_l1(stack):
    _raw_lab_data(stack).replication_configuration = s3.CfnBucket.ReplicationConfigurationProperty(
        role="arn:aws:iam::555555555555:role/replication",
        rules=[s3.CfnBucket.ReplicationRuleProperty(
            status="Enabled", destination=s3.CfnBucket.ReplicationDestinationProperty(bucket=_to_the_us(stack)),
            delete_marker_replication=s3.CfnBucket.DeleteMarkerReplicationProperty(status="Disabled"),
            filter=s3.CfnBucket.ReplicationRuleFilterProperty(prefix=""), priority=0)],
    )


def _replicated_abroad_override(stack):
    _raw_lab_data(stack).add_property_override("ReplicationConfiguration", {
        "Role": "arn:aws:iam::555555555555:role/replication",
        "Rules": [{"Status": "Enabled", "Destination": {"Bucket": _to_the_us(stack)},
                   "DeleteMarkerReplication": {"Status": "Disabled"}, "Filter": {"Prefix": ""}, "Priority": 0}],
    })


@pytest.mark.parametrize("change", [_replicated_abroad_l1, _replicated_abroad_override], ids=["l1", "override"])
def test_identified_records_replicated_abroad_are_caught_here_and_by_rec_04(change, reference_config, ctx):
    before = synthesize(build, reference_config)
    after = synthesize(build, reference_config, change)
    assert fired(after, ctx) - fired(before, ctx) == {CONTROL, "GXP-REC-04"}

"""GXP-REC-04: only de-identified classes replicate, only to the buckets the config names, and never
their deletions."""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3

from controls.support import Channels, assert_channel_caught, channel_cases, fired, forcing, properties, variant
from gxp_landing_zone.constructs import records_vault
from gxp_landing_zone.stacks.records import RecordsStack

CONTROL = "GXP-REC-04"
STACK = "Records-regulated-eu-eu-central-1"
JP_COPY = "arn:aws:s3:::exbio-records-deidentified-analytics-666666666666-apne1"


def bucket(template: dict, named: str = "Deidentified") -> dict:
    return properties(template, "AWS::S3::Bucket", named)


def rule(template: dict) -> dict:
    return bucket(template)["ReplicationConfiguration"]["Rules"][0]


def identified_replicated(template: dict) -> None:
    replication = dict(bucket(template)["ReplicationConfiguration"])
    target = bucket(template)["BucketName"]
    replication["Rules"] = [{**rule(template), "Destination": {"Bucket": f"arn:aws:s3:::{target}"}}]
    bucket(template, "RawLabData")["ReplicationConfiguration"] = replication


def test_compliant(reference, ctx):
    assert rule(reference[STACK].template)["Status"] == "Enabled"
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: rule(t).update(DeleteMarkerReplication={"Status": "Enabled"}), id="delete-markers-replicated"),
        pytest.param(lambda t: rule(t).pop("DeleteMarkerReplication"), id="delete-markers-by-default"),
        pytest.param(lambda t: rule(t)["Destination"].update(Bucket=JP_COPY), id="to-a-bucket-the-config-does-not-name"),
        pytest.param(identified_replicated, id="identified-class-replicated"),
        pytest.param(
            lambda t: rule(t).update(DeleteMarkerReplication={"Status": {"Ref": "ReplicateDeletes"}}), id="unprovable-markers"
        ),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


def test_a_disabled_rule_copies_nothing(reference, ctx):
    def edit(template):
        rule(template).update(Status="Disabled")
        rule(template).pop("DeleteMarkerReplication")

    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def _deidentified(stack):
    return stack.vaults["deidentified-analytics"].bucket.bucket.node.default_child


def _l1_replicating_delete_markers(stack):
    vault = stack.vaults["deidentified-analytics"]
    (target,) = vault.spec.destinations
    _deidentified(stack).replication_configuration = s3.CfnBucket.ReplicationConfigurationProperty(
        role=vault.replication_role.role_arn,
        rules=[s3.CfnBucket.ReplicationRuleProperty(
            status="Enabled", priority=0, filter=s3.CfnBucket.ReplicationRuleFilterProperty(prefix=""),
            delete_marker_replication=s3.CfnBucket.DeleteMarkerReplicationProperty(status="Enabled"),
            destination=s3.CfnBucket.ReplicationDestinationProperty(
                bucket=f"arn:aws:s3:::{target.bucket_name}", account=target.account_id),
        )],
    )


def build(app, config):
    return RecordsStack(app, config=config, account=config.account("regulated-eu"), region="eu-central-1")


_RULE = "Properties.ReplicationConfiguration.Rules.0"

CHANNELS = Channels(
    build=build,
    # records_vault.py edited to copy delete markers to the replica.
    construct=lambda mp: mp.setattr(records_vault.s3.CfnBucket, "DeleteMarkerReplicationProperty", forcing(
        s3.CfnBucket.DeleteMarkerReplicationProperty, status="Enabled")),
    l1=_l1_replicating_delete_markers,
    overrides=(
        lambda stack: _deidentified(stack).add_property_override("ReplicationConfiguration.Rules.0.DeleteMarkerReplication.Status", "Enabled"),
        lambda stack: _deidentified(stack).add_override(f"{_RULE}.Destination.Bucket", JP_COPY),
        lambda stack: _deidentified(stack).add_deletion_override(f"{_RULE}.DeleteMarkerReplication"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

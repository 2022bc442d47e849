"""Regulated-records controls: each one, removed or weakened in a records stack, is caught by its rule.

Same structure as test_mutation_audit.py: build the stack, check the control passes, mutate,
check the GXP pack now reports that control.
"""

from __future__ import annotations

import pytest
from aws_cdk import aws_s3 as s3
from mutation_support import assert_caught, Mutation, build, prop, violations

from gxp_landing_zone.naming import Names
from gxp_landing_zone.stacks.records import RecordsStack


def records_stack(app, config, region, role):
    account = config.account(role or "regulated-us")
    return RecordsStack(app, config=config, account=account, region=region or config.workload_regions(account)[0])


def bucket(stack, data_class) -> s3.CfnBucket:
    return stack.vaults[data_class].bucket.bucket.node.default_child


def _days(stack, data_class):
    return next(c.days for c in stack.config.data_classes if c.name == data_class)


def shorten_retention(stack):
    bucket(stack, "raw-lab-data").object_lock_configuration = {
        "objectLockEnabled": "Enabled",
        "rule": {"defaultRetention": {"mode": "COMPLIANCE", "days": _days(stack, "raw-lab-data") - 1}},
    }


def share_key(stack):
    shared = stack.vaults["raw-lab-data"].key.key.key_arn
    bucket(stack, "analytical-results").bucket_encryption = {
        "serverSideEncryptionConfiguration": [
            {"serverSideEncryptionByDefault": {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": shared}, "bucketKeyEnabled": True}
        ]
    }


def replicate(data_class, to_class, to_role):
    def apply(stack):
        config = stack.config
        target = config.account(to_role)
        destination = Names(config).records_bucket(to_class, target.id, config.workload_regions(target)[0])
        bucket(stack, data_class).replication_configuration = {
            "role": "arn:aws:iam::555555555555:role/x",
            "rules": [{"status": "Enabled", "destination": {"bucket": f"arn:aws:s3:::{destination}"}}],
        }

    return apply


def rename(stack):
    bucket(stack, "raw-lab-data").bucket_name = "exbio-lab-raw-444444444444-use1"


def expire_old_versions(stack):
    cfn = bucket(stack, "submission-archive")
    lifecycle = prop(cfn, "lifecycle_configuration")
    lifecycle["rules"][0]["noncurrentVersionExpiration"] = {"noncurrentDays": 365}
    cfn.lifecycle_configuration = lifecycle


MUTATIONS: dict[str, Mutation] = {
    "GXP-REC-01": Mutation(records_stack, "raw lab data locked one day short of its class", shorten_retention),
    "GXP-REC-02": Mutation(records_stack, "analytical results encrypted under the raw-lab-data key", share_key),
    "GXP-REC-03": Mutation(
        records_stack, "EU raw lab data replicated to the US", replicate("raw-lab-data", "raw-lab-data", "regulated-us"),
        role="regulated-eu",
    ),
    "GXP-REC-04": Mutation(
        records_stack,
        "identified raw lab data replicated within the US",
        replicate("raw-lab-data", "analytical-results", "regulated-us"),
    ),
    "GXP-REC-05": Mutation(records_stack, "records bucket renamed outside the trail's data-event prefix", rename),
    "GXP-REC-06": Mutation(records_stack, "superseded submission versions expired after a year", expire_old_versions),
}


@pytest.mark.parametrize("control_id", sorted(MUTATIONS))
def test_weakening_the_control_fails_its_rule(control_id, reference_config):
    assert_caught(control_id, MUTATIONS[control_id], reference_config)


def test_replication_mutation_for_residency_is_not_allowed_either(reference_config):
    """The de-identified class may leave the EU, but only to the bucket the config names."""
    stack = build(records_stack, reference_config, None, "regulated-eu")
    replicate("deidentified-analytics", "deidentified-analytics", "regulated-jp")(stack)
    found = violations(stack, reference_config)
    assert "GXP-REC-04" in found and "GXP-REC-03" not in found

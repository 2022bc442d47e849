"""Audit-substrate controls: each one, removed or weakened, is caught by its rule.

Each case builds the one stack the control lives in (in a fresh app), checks the control
passes there, applies the mutation, and checks the GXP pack now reports that control.
test_mutation_coverage.py fails if a registered control has no case in any test_mutation_*.py.
"""

from __future__ import annotations

import pytest
from aws_cdk import RemovalPolicy
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from mutation_support import (
    assert_caught,
    Mutation,
    build,
    drop_statement,
    edit_scp,
    permission_set,
    prop,
    recorder,
    remove_action,
    scp,
    trail,
    trail_bucket,
    trail_bucket_policy,
    violations,
)

MUTATIONS: dict[str, Mutation] = {
    "GXP-TRAIL-01": Mutation("organization", "trail made single-region", lambda s: setattr(trail(s), "is_multi_region_trail", False)),
    "GXP-TRAIL-02": Mutation("organization", "log file validation off", lambda s: setattr(trail(s), "enable_log_file_validation", False)),
    "GXP-TRAIL-03": Mutation("organization", "trail KMS key removed", lambda s: setattr(trail(s), "kms_key_id", None)),
    "GXP-TRAIL-04": Mutation("organization", "CloudWatch Logs delivery removed", lambda s: setattr(trail(s), "cloud_watch_logs_log_group_arn", None)),
    "GXP-TRAIL-05": Mutation(
        "organization",
        "record data events dropped",
        lambda s: setattr(trail(s), "advanced_event_selectors", prop(trail(s), "advanced_event_selectors")[:1]),
    ),
    "GXP-KEY-01": Mutation("log_archive", "rotation off", lambda s: setattr(s.key.key.node.default_child, "enable_key_rotation", False)),
    "GXP-KEY-02": Mutation(
        "log_archive",
        "administrators may schedule deletion",
        lambda s: s.key.key.add_to_resource_policy(
            iam.PolicyStatement(actions=["kms:ScheduleKeyDeletion"], principals=[iam.AccountRootPrincipal()], resources=["*"])
        ),
    ),
    "GXP-S3-01": Mutation(
        "log_archive",
        "Object Lock switched to GOVERNANCE",
        lambda s: setattr(
            trail_bucket(s),
            "object_lock_configuration",
            {"objectLockEnabled": "Enabled", "rule": {"defaultRetention": {"mode": "GOVERNANCE", "days": 9490}}},
        ),
    ),
    "GXP-S3-02": Mutation(
        "log_archive",
        "retention one day shorter than the config",
        lambda s: setattr(
            trail_bucket(s),
            "object_lock_configuration",
            {"objectLockEnabled": "Enabled", "rule": {"defaultRetention": {"mode": "COMPLIANCE", "days": 26 * 365 - 1}}},
        ),
    ),
    "GXP-S3-03": Mutation("log_archive", "versioning suspended", lambda s: setattr(trail_bucket(s), "versioning_configuration", {"status": "Suspended"})),
    "GXP-S3-04": Mutation("log_archive", "TLS-only statement removed", lambda s: _drop_tls(s)),
    "GXP-S3-05": Mutation("log_archive", "deny-delete statement removed", lambda s: drop_statement(trail_bucket_policy(s), "DenyDestroyingEvidence")),
    "GXP-S3-06": Mutation(
        "log_archive",
        "public policies allowed",
        lambda s: setattr(
            trail_bucket(s),
            "public_access_block_configuration",
            {"blockPublicAcls": True, "blockPublicPolicy": False, "ignorePublicAcls": True, "restrictPublicBuckets": True},
        ),
    ),
    "GXP-S3-07": Mutation("log_archive", "access logging removed", lambda s: setattr(trail_bucket(s), "logging_configuration", None)),
    "GXP-S3-08": Mutation(
        "log_archive",
        "encryption switched to SSE-S3",
        lambda s: setattr(
            trail_bucket(s),
            "bucket_encryption",
            {"serverSideEncryptionConfiguration": [{"serverSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}]},
        ),
    ),
    "GXP-S3-09": Mutation(
        "log_archive", "retention floor on write lowered to one day", lambda s: _edit_write_floor(s, "1")
    ),
    "GXP-RET-01": Mutation("log_archive", "bucket set to be destroyed with the stack", lambda s: trail_bucket(s).apply_removal_policy(RemovalPolicy.DESTROY)),
    "GXP-LOG-01": Mutation(
        "organization", "trail log retention cut to 30 days", lambda s: setattr(s.trail.log_group.node.default_child, "retention_in_days", 30)
    ),
    "GXP-CFG-01": Mutation(
        "baseline", "recorder limited to chosen types", lambda s: setattr(recorder(s), "recording_group", {"allSupported": False, "resourceTypes": ["AWS::S3::Bucket"]})
    ),
    "GXP-CFG-02": Mutation(
        "baseline", "CloudTrail-enabled rule removed", lambda s: s.recorder.node.try_remove_child("CloudtrailEnabledRule")
    ),
    "GXP-CFG-03": Mutation(
        "baseline",
        "forwarding rule disabled",
        lambda s: setattr(s.node.find_child("ComplianceEventForwarder").node.find_child("ForwardComplianceChanges"), "state", "DISABLED"),
    ),
    "GXP-CFG-04": Mutation("baseline", "delivery to another bucket", lambda s: setattr(s.recorder.delivery_channel, "s3_bucket_name", "somewhere-else")),
    "GXP-CFG-05": Mutation(
        "audit",
        "aggregator limited to listed regions",
        lambda s: setattr(
            s.node.find_child("OrganizationConfigAggregator"),
            "organization_aggregation_source",
            {"roleArn": "arn:aws:iam::333333333333:role/x", "allAwsRegions": False, "awsRegions": ["us-east-1"]},
        ),
    ),
    "GXP-ALERT-01": Mutation("audit", "alert topic unencrypted", lambda s: setattr(s.alerts.node.default_child, "kms_master_key_id", None)),
    "GXP-SCP-01": Mutation("organization", "StopLogging no longer denied", lambda s: edit_scp(s, "ProtectAuditSubstratePolicy", remove_action("cloudtrail:StopLogging"))),
    "GXP-SCP-02": Mutation(
        "organization", "log-archive version deletion no longer denied", lambda s: edit_scp(s, "ProtectAuditSubstratePolicy", remove_action("s3:DeleteObjectVersion"))
    ),
    "GXP-SCP-03": Mutation("organization", "key guardrail detached", lambda s: setattr(scp(s, "ProtectRegulatedKeysPolicy"), "target_ids", [])),
    "GXP-SCP-04": Mutation(
        "organization",
        "root user no longer denied",
        lambda s: edit_scp(s, "DenyRootAndLeavingPolicy", lambda c: c.__setitem__("Statement", c["Statement"][:1])),
    ),
    "GXP-SCP-05": Mutation(
        "organization",
        "region guardrail allows another region",
        lambda s: edit_scp(
            s, "AllowedRegionsPolicy", lambda c: c["Statement"][0]["Condition"]["StringNotEquals"].__setitem__("aws:RequestedRegion", ["us-east-1", "us-west-2"])
        ),
    ),
    "GXP-SCP-06": Mutation(
        "organization",
        "EU residency guardrail allows a US region",
        lambda s: edit_scp(
            s, "ResidencyEUPolicy", lambda c: c["Statement"][0]["Condition"]["StringNotEquals"].__setitem__(
                "aws:RequestedRegion", ["eu-central-1", "us-east-1"])
        ),
    ),
    "GXP-RES-01": Mutation(
        "baseline",
        "a key for EU data created in a US region",
        lambda s: kms.Key(s, "StrayKey", enable_key_rotation=True, removal_policy=RemovalPolicy.RETAIN),
        region="us-east-1",
        role="regulated-eu",
    ),
    "GXP-IAM-01": Mutation("access", "an IAM user added", lambda s: iam.User(s, "SharedUser")),
    "GXP-IAM-02": Mutation("access", "24-hour sessions", lambda s: setattr(permission_set(s, "GxpRegulatedDataOperator"), "session_duration", "PT24H")),
    "GXP-IAM-03": Mutation(
        "access",
        "auditor given administrator access",
        lambda s: setattr(permission_set(s, "GxpAuditor"), "managed_policies", ["arn:aws:iam::aws:policy/AdministratorAccess"]),
    ),
}


def _drop_tls(stack):
    policy = trail_bucket_policy(stack)
    document = prop(policy, "policy_document")
    document["Statement"] = [
        s for s in document["Statement"] if "aws:SecureTransport" not in str(s.get("Condition", ""))
    ]
    policy.policy_document = document


def _edit_write_floor(stack, days: str | None = None, *, drop_governance: bool = False):
    policy = trail_bucket_policy(stack)
    document = prop(policy, "policy_document")
    statements = []
    for statement in document["Statement"]:
        if statement.get("Sid") == "DenyShorterRetentionOnWrite" and days is not None:
            statement["Condition"]["NumericLessThan"]["s3:object-lock-remaining-retention-days"] = days
        if statement.get("Sid") == "DenyGovernanceModeOnWrite" and drop_governance:
            continue
        statements.append(statement)
    document["Statement"] = statements
    policy.policy_document = document


@pytest.mark.parametrize(
    "label, edit",
    [
        ("floor statement removed", lambda s: drop_statement(trail_bucket_policy(s), "DenyShorterRetentionOnWrite")),
        ("GOVERNANCE mode allowed on write", lambda s: _edit_write_floor(s, drop_governance=True)),
    ],
)
def test_every_half_of_the_write_floor_is_needed(label, edit, reference_config):
    assert_caught("GXP-S3-09", Mutation("log_archive", label, edit), reference_config)


@pytest.mark.parametrize(
    "label, edit",
    [
        ("JP residency guardrail detached", lambda s: setattr(scp(s, "ResidencyJPPolicy"), "target_ids", [])),
        ("bucket location no longer confined", lambda s: edit_scp(
            s, "ResidencyUSPolicy", lambda c: c.__setitem__("Statement", c["Statement"][:1]))),
        ("EC2 launches dropped from the guardrail", lambda s: edit_scp(
            s, "ResidencyEUPolicy", lambda c: c["Statement"][0]["Action"].remove("ec2:RunInstances"))),
    ],
)
def test_every_part_of_the_residency_guardrail_is_needed(label, edit, reference_config):
    assert_caught("GXP-SCP-06", Mutation("organization", label, edit), reference_config)


@pytest.mark.parametrize("control_id", sorted(MUTATIONS))
def test_weakening_the_control_fails_its_rule(control_id, reference_config):
    assert_caught(control_id, MUTATIONS[control_id], reference_config)

"""Each building block on its own, with aws_cdk.assertions: what it promises, in the template."""

from __future__ import annotations

import pytest
from aws_cdk import Aws, CfnCondition, Environment, Fn, Stack
from aws_cdk.assertions import Match, Template

from gxp_landing_zone.constructs.config_recorder import BASELINE_RULES, ConfigRecorder
from gxp_landing_zone.constructs.gxp_bucket import GxpBucket
from gxp_landing_zone.constructs.managed_key import ManagedKey
from gxp_landing_zone.constructs.organization_trail import OrganizationTrail
from gxp_landing_zone.constructs.permission_sets import PermissionSets
from gxp_landing_zone.estate import new_app


def _stack() -> Stack:
    return Stack(new_app(), "UnderTest", env=Environment(account="222222222222", region="us-east-1"))


def test_managed_key_rotates_is_retained_and_cannot_be_scheduled_for_deletion():
    stack = _stack()
    ManagedKey(stack, "RecordsKey", alias="alias/test/records", description="test")
    template = Template.from_stack(stack)
    template.has_resource(
        "AWS::KMS::Key",
        {
            "Properties": {"EnableKeyRotation": True, "PendingWindowInDays": 30},
            "DeletionPolicy": "RetainExceptOnCreate",
            "UpdateReplacePolicy": "Retain",
        },
    )
    key = next(iter(template.find_resources("AWS::KMS::Key").values()))
    actions = [a for s in key["Properties"]["KeyPolicy"]["Statement"] for a in s["Action"]]
    assert "kms:ScheduleKeyDeletion" not in actions and "kms:*" not in actions and "kms:Decrypt" not in actions


def test_locked_bucket_is_compliance_mode_versioned_private_and_retained():
    stack = _stack()
    logs = GxpBucket(stack, "AccessLogs", bucket_name="test-access-logs", encryption_key=None, retention_class="access-log")
    key = ManagedKey(stack, "Key", alias="alias/test/key", description="test").key
    GxpBucket(
        stack,
        "RegulatedRecordsBucket",
        bucket_name="test-records",
        encryption_key=key,
        retention_class="raw-lab-data",
        lock_days=9125,
        access_log_bucket=logs.bucket,
    )
    template = Template.from_stack(stack)
    template.has_resource(
        "AWS::S3::Bucket",
        {
            "Properties": Match.object_like(
                {
                    "BucketName": "test-records",
                    "ObjectLockEnabled": True,
                    "ObjectLockConfiguration": {
                        "ObjectLockEnabled": "Enabled",
                        "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 9125}},
                    },
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "LoggingConfiguration": Match.object_like({"DestinationBucketName": Match.any_value()}),
                    "Tags": Match.array_with([{"Key": "gxp:retention-class", "Value": "raw-lab-data"}]),
                }
            ),
            "DeletionPolicy": "RetainExceptOnCreate",
            "UpdateReplacePolicy": "Retain",
        },
    )
    template.has_resource_properties(
        "AWS::S3::BucketPolicy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [
                        Match.object_like(
                            {
                                "Sid": "DenyDestroyingEvidence",
                                "Effect": "Deny",
                                "Principal": {"AWS": "*"},
                                "Action": Match.array_with(["s3:DeleteBucket", "s3:DeleteObjectVersion"]),
                            }
                        )
                    ]
                )
            }
        },
    )


def test_unlocked_bucket_has_no_object_lock():
    stack = _stack()
    GxpBucket(stack, "ConfigHistory", bucket_name="test-config", encryption_key=None, retention_class="config-history")
    bucket = next(iter(Template.from_stack(stack).find_resources("AWS::S3::Bucket").values()))
    assert "ObjectLockConfiguration" not in bucket["Properties"]


def test_organization_trail_covers_every_region_with_validation_and_record_data_events():
    stack = _stack()
    key = ManagedKey(stack, "Key", alias="alias/test/logs", description="test").key
    OrganizationTrail(
        stack,
        "OrganizationTrail",
        trail_name="test-trail",
        bucket_name="test-trail-bucket",
        kms_key_arn="arn:aws:kms:us-east-1:222222222222:alias/test",
        log_key=key,
        log_retention_days=365,
        record_bucket_prefix="test-records-",
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::CloudTrail::Trail",
        {
            "IsOrganizationTrail": True,
            "IsMultiRegionTrail": True,
            "IncludeGlobalServiceEvents": True,
            "EnableLogFileValidation": True,
            "KMSKeyId": "arn:aws:kms:us-east-1:222222222222:alias/test",
            "AdvancedEventSelectors": Match.array_with(
                [
                    Match.object_like(
                        {
                            "FieldSelectors": Match.array_with(
                                [{"Field": "resources.ARN", "StartsWith": ["arn:aws:s3:::test-records-"]}]
                            )
                        }
                    )
                ]
            ),
        },
    )
    template.has_resource("AWS::Logs::LogGroup", {"Properties": Match.object_like({"RetentionInDays": 365}), "DeletionPolicy": "RetainExceptOnCreate"})


def test_config_recorder_records_everything_and_global_types_only_in_the_home_region():
    """One template for every region: global types and the global-settings rules hang on the home-region
    condition, which each region's stack decides for itself."""
    stack = _stack()
    home = CfnCondition(stack, "IsHomeRegion", expression=Fn.condition_equals(Aws.REGION, "us-east-1"))
    ConfigRecorder(
        stack,
        "ConfigRecorder",
        role_arn="arn:aws:iam::222222222222:role/gxp-config-recorder-us-east-1",
        delivery_bucket="test-config",
        delivery_key_arn="arn:aws:kms:us-east-1:222222222222:alias/test",
        home=home,
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::Config::ConfigurationRecorder",
        {"RecordingGroup": {"AllSupported": True, "IncludeGlobalResourceTypes": {"Fn::If": ["IsHomeRegion", True, False]}}},
    )
    rules = template.find_resources("AWS::Config::ConfigRule")
    assert len(rules) == len(BASELINE_RULES)
    conditional = {r["Properties"]["ConfigRuleName"] for r in rules.values() if r.get("Condition") == "IsHomeRegion"}
    assert conditional == {f"gxp-{r.name}" for r in BASELINE_RULES if r.global_resources}


def test_permission_sets_have_session_limits_and_auditor_is_read_only():
    stack = _stack()
    PermissionSets(
        stack,
        "PermissionSets",
        instance_arn="arn:aws:sso:::instance/ssoins-0000000000000000",
        session_hours={"auditor": 4, "platform-admin": 1, "regulated-data-operator": 8},
        record_bucket_prefix="test-records-",
        assignments=[("group-1", "auditor", "444444444444")],
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::SSO::PermissionSet",
        {"Name": "GxpAuditor", "SessionDuration": "PT4H", "ManagedPolicies": Match.array_with(["arn:aws:iam::aws:policy/ReadOnlyAccess"])},
    )
    template.has_resource_properties("AWS::SSO::PermissionSet", {"Name": "GxpPlatformAdministrator", "SessionDuration": "PT1H"})
    template.resource_count_is("AWS::SSO::Assignment", 1)
    template.resource_count_is("AWS::IAM::User", 0)

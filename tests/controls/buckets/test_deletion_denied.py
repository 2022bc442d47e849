"""GXP-S3-05: the bucket policy denies destroying evidence to everyone, and loosening the bucket to
everyone but the CloudFormation execution role."""

from __future__ import annotations

import pytest

from controls.support import Channels, assert_channel_caught, channel_cases, fired, the, variant
from gxp_landing_zone.constructs import gxp_bucket
from gxp_landing_zone.stacks.log_archive import LogArchiveStack

CONTROL = "GXP-S3-05"
STACK = "LogArchive-log-archive-us-east-1"
CFN_EXEC_ROLE = "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"


def statement(template: dict, sid: str) -> dict:
    policy = the(template, "AWS::S3::BucketPolicy", "AuditTrail")
    return next(s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s.get("Sid") == sid)


def destroying(template: dict) -> dict:
    return statement(template, "DenyDestroyingEvidence")


def weakening(template: dict) -> dict:
    return statement(template, "DenyWeakeningOutsideDeployment")


def exempting(pattern, operator="ArnNotLike"):
    return lambda t: weakening(t).update(Condition={operator: {"aws:PrincipalArn": pattern}})


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[STACK], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: destroying(t).update(Action=["s3:DeleteBucket", "s3:BypassGovernanceRetention"]), id="versions-deletable"),
        pytest.param(lambda t: destroying(t).update(Condition={"Bool": {"aws:MultiFactorAuthPresent": "false"}}), id="deletion-with-mfa"),
        pytest.param(lambda t: destroying(t).update(Principal={"AWS": "arn:aws:iam::222222222222:root"}), id="deletion-denied-to-one"),
        pytest.param(lambda t: destroying(t).update(Resource=destroying(t)["Resource"][:1]), id="objects-not-covered"),
        pytest.param(exempting("arn:aws:iam::*:role/*"), id="exemption-widened-to-every-role"),
        pytest.param(exempting("*"), id="exemption-widened-to-everyone"),
        pytest.param(exempting([CFN_EXEC_ROLE, "arn:aws:iam::222222222222:role/Admin"]), id="admin-exempted-too"),
        pytest.param(exempting("arn:aws:iam::*:role/cdk-*"), id="every-cdk-role-exempted"),
        pytest.param(
            lambda t: weakening(t)["Condition"].update(Bool={"aws:ViaAWSService": "false"}), id="weakening-deny-narrowed"
        ),
        pytest.param(lambda t: weakening(t).update(Action=["s3:PutBucketPolicy"]), id="lock-configuration-changeable"),
        pytest.param(exempting({"Ref": "DeploymentRolePattern"}), id="unprovable-exemption"),
        pytest.param(lambda t: destroying(t).update(Action={"Fn::If": ["Strict", "s3:*", "s3:DeleteBucket"]}), id="unprovable-actions"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[STACK], edit), ctx) == {CONTROL}


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda t: destroying(t).update(Action="s3:*"), id="everything-denied"),
        pytest.param(lambda t: destroying(t).update(Action=["S3:Delete*", "s3:BypassGovernanceRetention"]), id="wildcard-any-case"),
        pytest.param(lambda t: weakening(t).update(Action=["s3:Put*", "s3:DeleteBucketPolicy"]), id="put-wildcard"),
        pytest.param(exempting("arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-us-east-1"), id="one-exec-role"),
        pytest.param(exempting(CFN_EXEC_ROLE, "StringNotLike"), id="string-not-like"),
        pytest.param(lambda t: weakening(t).pop("Condition"), id="no-exemption-at-all"),
    ],
)
def test_as_strict_as_iam_reads_it_is_compliant(reference, ctx, edit):
    assert CONTROL not in fired(variant(reference[STACK], edit), ctx)


def test_a_policy_that_cannot_be_read_proves_none_of_the_policy_controls(reference, ctx):
    def edit(template):
        the(template, "AWS::S3::BucketPolicy", "AuditTrail")["Properties"].update(PolicyDocument={"Fn::If": ["Strict", {}, {}]})

    assert fired(variant(reference[STACK], edit), ctx) == {"GXP-S3-04", CONTROL, "GXP-S3-09"}


def _trail_policy(stack):
    return stack.trail_bucket.bucket.policy.node.default_child


def _without_destroying(stack):
    policy = _trail_policy(stack)
    document = stack.resolve(policy.policy_document)
    document["Statement"] = [s for s in document["Statement"] if s.get("Sid") != "DenyDestroyingEvidence"]
    policy.policy_document = document


def build(app, config):
    return LogArchiveStack(app, config=config, account=config.log_archive, region=config.home_region)


CHANNELS = Channels(
    build=build,
    # gxp_bucket.py edited to exempt every role of the account, not the CloudFormation execution role.
    construct=lambda mp: mp.setattr(gxp_bucket, "deployment_role_arn_pattern", lambda: "arn:aws:iam::*:role/*"),
    l1=_without_destroying,
    overrides=(
        lambda stack: _trail_policy(stack).add_property_override(
            "PolicyDocument.Statement.3.Condition.ArnNotLike.aws:PrincipalArn", "arn:aws:iam::*:role/*"
        ),
        lambda stack: _trail_policy(stack).add_override("Properties.PolicyDocument.Statement.2.Action", "s3:DeleteObject"),
        lambda stack: _trail_policy(stack).add_deletion_override("Properties.PolicyDocument.Statement.2.Principal"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

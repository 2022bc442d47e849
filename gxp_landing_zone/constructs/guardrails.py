"""Service control policy documents. Kept as data so the rules and the tests read the same lists."""

from __future__ import annotations

# Services that are global or must answer from us-east-1; denying them outside the
# allowed regions would break sign-in, billing and IAM.
GLOBAL_SERVICE_ACTIONS = [
    "account:*",
    "aws-portal:*",
    "budgets:*",
    "ce:*",
    "cloudfront:*",
    "globalaccelerator:*",
    "health:*",
    "iam:*",
    "organizations:*",
    "route53:*",
    "route53domains:*",
    "s3:GetAccountPublicAccessBlock",
    "s3:ListAllMyBuckets",
    "shield:*",
    "sso:*",
    "sts:*",
    "support:*",
    "trustedadvisor:*",
    "waf:*",
    "wafv2:*",
]

AUDIT_TAMPERING_ACTIONS = [
    "cloudtrail:StopLogging",
    "cloudtrail:DeleteTrail",
    "cloudtrail:UpdateTrail",
    "cloudtrail:PutEventSelectors",
    "config:StopConfigurationRecorder",
    "config:DeleteConfigurationRecorder",
    "config:DeleteDeliveryChannel",
    "config:PutConfigurationRecorder",
    "config:PutDeliveryChannel",
    "config:DeleteConfigRule",
    "config:DeleteEvaluationResults",
    "config:DeleteRetentionConfiguration",
]

LOG_ARCHIVE_TAMPERING_ACTIONS = [
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:PutBucketObjectLockConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
    "s3:PutEncryptionConfiguration",
    "s3:DeleteObjectVersion",
]

KEY_DESTRUCTION_ACTIONS = ["kms:ScheduleKeyDeletion", "kms:DisableKeyRotation", "kms:DisableKey"]

DEPLOYMENT_ROLE_PATTERN = "arn:aws:iam::*:role/cdk-*-cfn-exec-role-*"

# Deploying only through the pipeline (Annex 11 10). The pipeline reaches a regulated or validation
# account through the CDK bootstrap's deploy role, which calls CloudFormation there; the member baseline
# arrives through the role service-managed StackSets create in every member account (stacksets-exec-*,
# https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stacksets-custom-execution-role.html);
# organization conformance packs deploy through a service-linked role, which SCPs do not restrict.
CDK_DEPLOY_ROLE_PATTERN = "arn:aws:iam::*:role/cdk-*-deploy-role-*"
STACKSETS_EXECUTION_ROLE_PATTERN = "arn:aws:iam::*:role/stacksets-exec-*"
CDK_ROLES = "arn:aws:iam::*:role/cdk-*"
STACK_CHANGE_ACTIONS = [
    "cloudformation:CreateStack",
    "cloudformation:UpdateStack",
    "cloudformation:DeleteStack",
    "cloudformation:CreateChangeSet",
    "cloudformation:ExecuteChangeSet",
    "cloudformation:ContinueUpdateRollback",
    "cloudformation:RollbackStack",
    "cloudformation:CancelUpdateStack",
    "cloudformation:SetStackPolicy",
    "cloudformation:UpdateTerminationProtection",
]
# Making or editing a role named like the bootstrap's would make a deploy role of one's own.
DEPLOYMENT_ROLE_EDITS = [
    "iam:CreateRole",
    "iam:DeleteRole",
    "iam:UpdateRole",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
]

# Actions that put data at rest or start compute that processes it. A regulated account runs its
# baseline (Config recorder, rules, event forwarding) in every allowed region, so residency is
# enforced on these actions rather than on the region as a whole.
DATA_PLACEMENT_ACTIONS = [
    "backup:CreateBackupVault",
    "batch:CreateComputeEnvironment",
    "dynamodb:CreateTable",
    "dynamodb:CreateTableReplica",
    "dynamodb:RestoreTableFromBackup",
    "dynamodb:RestoreTableToPointInTime",
    "ec2:CopyImage",
    "ec2:CopySnapshot",
    "ec2:CreateVolume",
    "ec2:RunInstances",
    "elasticfilesystem:CreateFileSystem",
    "es:CreateDomain",
    "fsx:CreateFileSystem",
    "glacier:CreateVault",
    "kinesis:CreateStream",
    "omics:CreateReferenceStore",
    "omics:CreateSequenceStore",
    "omics:StartRun",
    "rds:CopyDBClusterSnapshot",
    "rds:CopyDBSnapshot",
    "rds:CreateDBCluster",
    "rds:CreateDBInstance",
    "rds:RestoreDBClusterFromSnapshot",
    "rds:RestoreDBInstanceFromDBSnapshot",
    "redshift:CreateCluster",
    "s3:CreateBucket",
    "sagemaker:CreateDomain",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
]
# Bedrock jobs and stores that keep data in the region they run in.
BEDROCK_PLACEMENT_ACTIONS = [
    "bedrock:CreateEvaluationJob",
    "bedrock:CreateKnowledgeBase",
    "bedrock:CreateModelCustomizationJob",
    "bedrock:CreateModelImportJob",
    "bedrock:CreateModelInvocationJob",
]
BEDROCK_INFERENCE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
GLOBAL_INFERENCE_PROFILES = "arn:aws:bedrock:*:*:inference-profile/global.*"


def inference_profiles_in(regions: list[str]) -> list[str]:
    """Inference profiles whose source region is one of ``regions``. A cross-region profile's request
    reaches its destination regions with bedrock:InferenceProfileArn set to the profile's ARN in the
    source region: https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html"""
    return [f"arn:aws:bedrock:{r}:*:inference-profile/*" for r in sorted(regions)]


def _statement(sid: str, actions: list[str], resources: list[str] | str = "*", condition: dict | None = None) -> dict:
    statement = {"Sid": sid, "Effect": "Deny", "Action": actions, "Resource": resources}
    if condition:
        statement["Condition"] = condition
    return statement


def protect_audit_substrate(log_buckets: list[str]) -> dict:
    """11.10(e): nobody in a member account can stop, alter or erase the audit trail."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            _statement(
                "DenyAuditTrailTampering",
                AUDIT_TAMPERING_ACTIONS,
                condition={"ArnNotLike": {"aws:PrincipalArn": DEPLOYMENT_ROLE_PATTERN}},
            ),
            _statement(
                "DenyLogArchiveTampering",
                LOG_ARCHIVE_TAMPERING_ACTIONS,
                [arn for b in log_buckets for arn in (f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*")],
                condition={"ArnNotLike": {"aws:PrincipalArn": DEPLOYMENT_ROLE_PATTERN}},
            ),
        ],
    }


def deny_root_and_leaving() -> dict:
    """11.10(d): every action is attributable to a named person, never the shared root user."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            _statement("DenyLeavingOrganization", ["organizations:LeaveOrganization"]),
            _statement("DenyRootUser", ["*"], condition={"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:root"}}),
        ],
    }


def deny_outside_regions(allowed_regions: list[str]) -> dict:
    """Every regional action outside the allowed regions, except the hop of a Bedrock request that an
    inference profile of an allowed region routes to one of its destination regions: the request was
    made, logged and guardrailed in the allowed region, and where a regulated account's profiles may
    route is confined to its jurisdiction by the residency SCP (GXP-AI-09). Any other request naming a
    profile in a region that is not allowed is denied like everything else."""
    statement = {
        "Sid": "DenyOutsideAllowedRegions",
        "Effect": "Deny",
        "NotAction": GLOBAL_SERVICE_ACTIONS,
        "Resource": "*",
        "Condition": {
            "StringNotEquals": {"aws:RequestedRegion": sorted(allowed_regions)},
            "ArnNotLike": {"bedrock:InferenceProfileArn": inference_profiles_in(allowed_regions)},
        },
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


def protect_regulated_keys() -> dict:
    """11.10(c): a key that encrypts records must outlive the records."""
    return {"Version": "2012-10-17", "Statement": [_statement("DenyKeyDestruction", KEY_DESTRUCTION_ACTIONS)]}


def keep_data_in_jurisdiction(regions: list[str]) -> dict:
    """Annex 11 7.1, ER/ES 3.1.3: a regulated account stores and processes data only in the regions
    of its jurisdiction. A bucket's region is its LocationConstraint, which a request sent to the
    us-east-1 endpoint may name freely, hence the second statement."""
    inside = sorted(regions)
    return {
        "Version": "2012-10-17",
        "Statement": [
            _statement(
                "DenyDataPlacementOutsideJurisdiction",
                DATA_PLACEMENT_ACTIONS,
                condition={"StringNotEquals": {"aws:RequestedRegion": inside}},
            ),
            _statement(
                "DenyBucketsOutsideJurisdiction",
                ["s3:CreateBucket"],
                condition={"StringNotEquals": {"s3:LocationConstraint": inside}, "Null": {"s3:LocationConstraint": "false"}},
            ),
        ],
    }


def keep_bedrock_in_jurisdiction(regions: list[str]) -> dict:
    """Annex 11 7.1, ER/ES 3.1.3 for Bedrock: a regulated account's inference and Bedrock jobs run only in
    ``regions``, its jurisdiction's. Inference stores nothing where it runs, so it may reach any region of
    the jurisdiction through the jurisdiction's geographic profile (whose hops carry the request there);
    never through a global profile, which may route anywhere."""
    inside = sorted(regions)
    return {
        "Version": "2012-10-17",
        "Statement": [
            _statement(
                "DenyBedrockInferenceOutsideJurisdiction",
                BEDROCK_INFERENCE_ACTIONS,
                condition={"StringNotEquals": {"aws:RequestedRegion": inside}},
            ),
            _statement("DenyGlobalInferenceProfiles", BEDROCK_INFERENCE_ACTIONS, [GLOBAL_INFERENCE_PROFILES]),
            _statement(
                "DenyBedrockJobsOutsideJurisdiction",
                BEDROCK_PLACEMENT_ACTIONS,
                condition={"StringNotEquals": {"aws:RequestedRegion": inside}},
            ),
        ],
    }


def deploy_only_through_pipeline(break_glass_role: str) -> dict:
    """Annex 11 10, 11.10(k): in a regulated or validation account, stacks change only through the pipeline
    (the CDK deploy role it assumes from the deployment account) or the StackSets role; nobody in the account
    may assume or remake the CDK roles. The break-glass permission set is the one, alerted, exception."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            _statement(
                "DenyStackChangesOutsideThePipeline",
                STACK_CHANGE_ACTIONS,
                condition={
                    "ArnNotLike": {
                        "aws:PrincipalArn": [CDK_DEPLOY_ROLE_PATTERN, STACKSETS_EXECUTION_ROLE_PATTERN, break_glass_role]
                    }
                },
            ),
            _statement(
                "DenyAssumingDeploymentRoles",
                ["sts:AssumeRole"],
                CDK_ROLES,
                condition={"ArnNotLike": {"aws:PrincipalArn": break_glass_role}},
            ),
            _statement(
                "DenyRemakingDeploymentRoles",
                DEPLOYMENT_ROLE_EDITS,
                CDK_ROLES,
                condition={"ArnNotLike": {"aws:PrincipalArn": break_glass_role}},
            ),
        ],
    }


def deployment_roles_only_for_pipeline(account_ids: list[str], pipeline_roles: str) -> dict:
    """In the deployment account, whose principals the regulated accounts' bootstraps trust, only the
    pipeline's roles may assume those accounts' CDK roles."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            _statement(
                "DenyRegulatedDeploymentRolesOutsideThePipeline",
                ["sts:AssumeRole"],
                [f"arn:aws:iam::{account}:role/cdk-*" for account in sorted(account_ids)],
                condition={"ArnNotLike": {"aws:PrincipalArn": pipeline_roles}},
            )
        ],
    }

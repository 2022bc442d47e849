"""The App every synthesis of this estate uses, so the CLI, the tests and the StackSet templates are
built with identical settings."""

from __future__ import annotations

from aws_cdk import App

# Feature flags pinned in code so the CLI and the tests synthesize identical templates.
FEATURE_FLAGS = {
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    "@aws-cdk/aws-iam:minimizePolicies": True,
    "@aws-cdk/core:enablePartitionLiterals": True,
    "@aws-cdk/aws-kms:aliasNameRef": True,
    "@aws-cdk/aws-s3:createDefaultLoggingPolicy": True,
    "@aws-cdk/aws-sns:enforceSslDefault": True,
    "@aws-cdk/core:validateSnapshotRemovalPolicy": True,
    "@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope": True,
}


def new_app(outdir: str | None = None, *, cloudformation_validation: bool = False, context: dict | None = None) -> App:
    return App(
        outdir=outdir,
        context={**FEATURE_FLAGS, **(context or {})},
        builtin_cloud_formation_validation=cloudformation_validation,
    )

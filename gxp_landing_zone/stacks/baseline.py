"""The baseline every account runs in every allowed region: record configuration, check it against the
validated rules, report compliance changes to the audit account, and set account defaults.

One template for every account and region: nothing in it names an account or region except through
AWS::AccountId and AWS::Region, and what belongs to the home region only (global resource types, the
global-settings rules, S3's account block) sits behind a condition. Each region makes its own roles, so
no region's stack waits for another's. Member accounts receive the template from a service-managed
StackSet (OrganizationBaselineStack, a new account gets it when it joins the organization); the
management account, which service-managed StackSets never reach, runs it as ordinary stacks.
"""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Aws, BootstraplessSynthesizer, CfnCondition, Duration, Fn, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..cdk_app import new_app
from ..change_control.patterns import break_glass_use_pattern
from ..config import EstateConfig
from ..constructs.account_settings import AccountSettings
from ..constructs.acknowledge import AWS_MANAGED_SERVICE_ROLE, acknowledge
from ..constructs.compliance_events import ChangeForwarder, ForwardedChange, audit_bus_sender
from ..constructs.config_recorder import ComplianceEventForwarder, ConfigRecorder
from ..constructs.managed_key import aliased_key_statement
from ..naming import IQ_READER_ROLE, Names
from .base import GxpStack

# Named per region: IAM is global, and a role one region made would make the others wait for it.
CONFIG_RECORDER_ROLE_PREFIX = "gxp-config-recorder-"
STACKSET_TEMPLATE_STACK = "gxp-baseline"


def add_baseline(scope: Construct, *, config: EstateConfig, names: Names) -> ConfigRecorder:
    home = CfnCondition(scope, "IsHomeRegion", expression=Fn.condition_equals(Aws.REGION, config.home_region))
    recorder_role = iam.Role(
        scope,
        "ConfigRecorderRole",
        role_name=f"{CONFIG_RECORDER_ROLE_PREFIX}{Aws.REGION}",
        assumed_by=iam.ServicePrincipal("config.amazonaws.com"),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("service-role/AWS_ConfigRole")],
    )
    delivery = iam.ManagedPolicy(
        scope,
        "ConfigDeliveryPolicy",
        roles=[recorder_role],
        statements=[
            iam.PolicyStatement(
                actions=["s3:PutObject", "s3:GetBucketAcl", "s3:ListBucket"],
                resources=[f"arn:aws:s3:::{names.config_bucket}", f"arn:aws:s3:::{names.config_bucket}/AWSLogs/*"],
            ),
            aliased_key_statement(
                ["kms:GenerateDataKey", "kms:DescribeKey"],
                account=config.log_archive.id,
                region=config.home_region,
                alias=names.log_archive_key_alias,
            ),
        ],
    )
    acknowledge(
        recorder_role,
        ["AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]"],
        AWS_MANAGED_SERVICE_ROLE,
    )
    acknowledge(
        delivery,
        [
            f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{names.config_bucket}/AWSLogs/*]",
            f"AwsSolutions-IAM5[Resource::arn:aws:kms:{config.home_region}:{config.log_archive.id}:key/*]",
        ],
        "Config writes one object per snapshot and history file under AWSLogs/ of the single config-history bucket; "
        "the key is the log archive's, named as key/* because IAM cannot name a key by alias and narrowed to it by "
        "its kms:ResourceAliases",
    )
    recorder = ConfigRecorder(
        scope,
        "ConfigRecorder",
        role_arn=recorder_role.role_arn,
        delivery_bucket=names.config_bucket,
        delivery_key_arn=names.log_archive_key_arn,
        home=home,
    )
    sender = audit_bus_sender(scope, "ComplianceEventSender", audit_bus_arn=names.audit_bus_arn())
    ComplianceEventForwarder(scope, "ComplianceEventForwarder", audit_bus_arn=names.audit_bus_arn(), role=sender)
    # Annex 11 10: a change made around the pipeline reaches QA at once, wherever it is made.
    ChangeForwarder(
        scope,
        "BreakGlassForwarder",
        audit_bus_arn=names.audit_bus_arn(),
        role=sender,
        changes=[
            ForwardedChange(
                "ForwardBreakGlassUse", "Forward every change made under the break-glass permission set", break_glass_use_pattern()
            )
        ],
    )
    AccountSettings(scope, "AccountSettings", account_id=Aws.ACCOUNT_ID, home=home)
    add_iq_reader(scope, config=config, names=names, home=home)
    return recorder


def add_iq_reader(scope: Construct, *, config: EstateConfig, names: Names, home: CfnCondition) -> iam.Role:
    """The role the pipeline's IQ step reads each account through (Annex 11 4, 10): configuration only,
    never record content, and only the pipeline's IQ and change-record roles may assume it. IAM is global, so it is made in
    the home region's instance."""
    deployment = config.account("deployment")
    role = iam.Role(
        scope,
        "IqReaderRole",
        role_name=IQ_READER_ROLE,
        # Named by condition, not as principal: a trust policy naming a role that does not exist yet is
        # refused, and the member baselines deploy before the pipeline.
        assumed_by=iam.AccountPrincipal(deployment.id).with_conditions(
            # The IQ step, and the change-record step reading a break-glass session's CloudTrail events.
            {"ArnEquals": {"aws:PrincipalArn": [names.pipeline_role_arn("iq"), names.pipeline_role_arn("record")]}}
        ),
        description="Installation qualification by the promotion pipeline: reads configuration, never record content",
        max_session_duration=Duration.hours(1),
        managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("SecurityAudit")],
    )
    supplement = iam.ManagedPolicy(
        scope,
        "IqReaderSupplement",
        roles=[role],
        statements=[
            iam.PolicyStatement(
                sid="ReadWhatSecurityAuditLeavesOut",
                # Reads the IQ makes that SecurityAudit may not grant; a read it is denied reports "cannot
                # prove" with AccessDenied, never a pass.
                actions=[
                    "cloudformation:GetTemplate",
                    "codebuild:BatchGetProjects",
                    "codepipeline:GetPipeline",
                    "cognito-idp:DescribeUserPool",
                    "cognito-idp:GetUserPoolMfaConfig",
                    "cognito-idp:ListUserPools",
                    "omics:GetRunGroup",
                    "omics:ListRunGroups",
                    "sagemaker:DescribePipeline",
                    "sagemaker:ListPipelines",
                ],
                resources=["*"],
            )
        ],
    )
    for made in (role, supplement):
        made.node.default_child.cfn_options.condition = home
    acknowledge(
        role,
        ["AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/SecurityAudit]"],
        "AWS maintains SecurityAudit as services add configuration reads; it reads configuration and metadata, "
        "not record content, which is what an installation qualification may see",
    )
    acknowledge(
        supplement,
        ["AwsSolutions-IAM5[Resource::*]"],
        "Read-only describe and get calls on every resource the IQ qualifies; the IQ judges whatever the estate "
        "deployed in the account, whose names it learns from the config and the API",
    )
    return role


class BaselineStack(GxpStack):
    """The baseline as an ordinary stack: the management account, in each allowed region."""

    component = "Baseline"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        self.recorder = add_baseline(self, config=self.config, names=self.names)


def baseline_template(config: EstateConfig, outdir: Path, prepare=None) -> dict:
    """The baseline synthesized on its own, account- and region-agnostic, for the StackSet.

    A separate app, so the template exists before the stack that deploys it is built; bootstrapless, so
    synthesis fails if anything in it needs a file asset. ``prepare`` (the packs) is applied to the app."""
    app = new_app(str(outdir))
    stack = Stack(app, STACKSET_TEMPLATE_STACK, synthesizer=BootstraplessSynthesizer(),
                  description="GxP landing zone: account baseline (deployed by the gxp-baseline StackSet)")
    add_baseline(stack, config=config, names=Names(config))
    if prepare is not None:
        prepare(app)
    try:
        assembly = app.synth()
    except RuntimeError as error:
        # A pack violation: the template is written; the synthesis result reads the report beside it.
        if "ValidationFailed" not in str(error):
            raise
        import json

        return json.loads((Path(outdir) / f"{STACKSET_TEMPLATE_STACK}.template.json").read_text())
    return assembly.get_stack_by_name(STACKSET_TEMPLATE_STACK).template

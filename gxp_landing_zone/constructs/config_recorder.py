"""AWS Config in one account and region: record everything, check the validated baseline,
and tell the audit account when something drifts (Annex 11 §10, §11; 11.10(a))."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import CfnCondition, Fn
from aws_cdk import aws_config as config_
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from constructs import Construct

from ..naming import CONFIG_RECORDER_NAME


@dataclass(frozen=True)
class BaselineRule:
    name: str
    source_identifier: str
    global_resources: bool = False  # evaluates IAM/account-wide state: home region only
    input_parameters: dict | None = None


# Account password policy the baseline and the conformance pack both hold accounts to
# (11.300(b)); people sign in through Identity Center, so this governs break-glass users only.
IAM_PASSWORD_POLICY = {
    "RequireUppercaseCharacters": "true",
    "RequireLowercaseCharacters": "true",
    "RequireSymbols": "true",
    "RequireNumbers": "true",
    "MinimumPasswordLength": "14",
    "PasswordReusePrevention": "24",
    "MaxPasswordAge": "90",
}

# The managed rules that detect drift of the audit substrate from its validated state.
BASELINE_RULES: tuple[BaselineRule, ...] = (
    BaselineRule("cloudtrail-enabled", "CLOUD_TRAIL_ENABLED"),
    BaselineRule("cloudtrail-log-file-validation-enabled", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED"),
    BaselineRule("cloudtrail-encryption-enabled", "CLOUD_TRAIL_ENCRYPTION_ENABLED"),
    BaselineRule("cloudtrail-s3-dataevents-enabled", "CLOUDTRAIL_S3_DATAEVENTS_ENABLED"),
    BaselineRule("cmk-backing-key-rotation-enabled", "CMK_BACKING_KEY_ROTATION_ENABLED"),
    BaselineRule("s3-bucket-versioning-enabled", "S3_BUCKET_VERSIONING_ENABLED"),
    BaselineRule("s3-bucket-ssl-requests-only", "S3_BUCKET_SSL_REQUESTS_ONLY"),
    BaselineRule("s3-default-encryption-kms", "S3_DEFAULT_ENCRYPTION_KMS"),
    BaselineRule("s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED"),
    BaselineRule("s3-bucket-public-write-prohibited", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED"),
    BaselineRule("ec2-ebs-encryption-by-default", "EC2_EBS_ENCRYPTION_BY_DEFAULT"),
    BaselineRule("s3-account-level-public-access-blocks-periodic", "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC", True),
    BaselineRule("root-account-mfa-enabled", "ROOT_ACCOUNT_MFA_ENABLED", True),
    BaselineRule("iam-password-policy", "IAM_PASSWORD_POLICY", True, IAM_PASSWORD_POLICY),
    BaselineRule("iam-user-no-policies-check", "IAM_USER_NO_POLICIES_CHECK", True),
)


class ConfigRecorder(Construct):
    """Recorder, delivery channel and baseline rules for one account and region."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        role_arn: str,
        delivery_bucket: str,
        delivery_key_arn: str,
        home: CfnCondition,
    ) -> None:
        super().__init__(scope, id)
        self.recorder = config_.CfnConfigurationRecorder(
            self,
            "Recorder",
            name=CONFIG_RECORDER_NAME,
            role_arn=role_arn,
            recording_group=config_.CfnConfigurationRecorder.RecordingGroupProperty(
                all_supported=True,
                # IAM and other global types are recorded once, in the home region.
                include_global_resource_types=Fn.condition_if(home.logical_id, True, False),
            ),
        )
        self.delivery_channel = config_.CfnDeliveryChannel(
            self,
            "DeliveryChannel",
            name="gxp-delivery",
            s3_bucket_name=delivery_bucket,
            # A key ARN or an alias ARN: Config documents both ("You can provide an AWS KMS key or alias ARN"),
            # and a member account cannot know the log archive key's ID before it exists.
            # https://docs.aws.amazon.com/config/latest/developerguide/manage-delivery-channel.html
            s3_kms_key_arn=delivery_key_arn,
            config_snapshot_delivery_properties=config_.CfnDeliveryChannel.ConfigSnapshotDeliveryPropertiesProperty(
                delivery_frequency="TwentyFour_Hours"
            ),
        )
        self.rules: list[config_.CfnConfigRule] = []
        for rule in BASELINE_RULES:
            cfn_rule = config_.CfnConfigRule(
                self,
                _pascal(rule.name),
                config_rule_name=f"gxp-{rule.name}",
                source=config_.CfnConfigRule.SourceProperty(owner="AWS", source_identifier=rule.source_identifier),
                input_parameters=rule.input_parameters,
                maximum_execution_frequency="TwentyFour_Hours" if rule.global_resources else None,
            )
            cfn_rule.node.add_dependency(self.recorder)
            if rule.global_resources:
                # Rules on global settings (root MFA, password policy) run where global types are recorded.
                cfn_rule.cfn_options.condition = home
            self.rules.append(cfn_rule)


class ComplianceEventForwarder(Construct):
    """Sends this account's Config compliance changes to the audit account's event bus."""

    def __init__(self, scope: Construct, id: str, *, audit_bus_arn: str, role: iam.IRole) -> None:
        super().__init__(scope, id)
        self.rule = events.CfnRule(
            self,
            "ForwardComplianceChanges",
            description="Forward AWS Config compliance changes to the audit account",
            event_pattern={"source": ["aws.config"], "detail-type": ["Config Rules Compliance Change"]},
            state="ENABLED",
            targets=[events.CfnRule.TargetProperty(id="AuditBus", arn=audit_bus_arn, role_arn=role.role_arn)],
        )


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-")) + "Rule"

from __future__ import annotations

from aws_cdk import aws_iam as iam
from aws_cdk import aws_organizations as orgs

from ..config.regions import REGION_JURISDICTION, regions_in
from ..constructs import guardrails
from ..constructs.compliance_events import ChangeForwarder, ForwardedChange, audit_bus_sender
from ..constructs.managed_key import ManagedKey
from ..constructs.organization_trail import OrganizationTrail
from ..naming import (
    BREAK_GLASS_ROLE_PATTERN,
    REGULATED_OU,
    SCP_DEPLOY_ONLY_THROUGH_PIPELINE,
    SCP_DEPLOYMENT_ROLES_ONLY_FOR_PIPELINE,
    SCP_ALLOWED_REGIONS,
    SCP_DENY_ROOT_AND_LEAVING,
    SCP_PROTECT_AUDIT_SUBSTRATE,
    SCP_PROTECT_REGULATED_KEYS,
    TRAIL_LOGS_KEY_ALIAS,
    scp_bedrock_residency,
    scp_residency,
)
from ..validation.conformance import trail_change_pattern
from .base import GxpStack

OU_NAMES = ("Security", REGULATED_OU, "Research")


class OrganizationStack(GxpStack):
    """Management account, home region: OUs, guardrail SCPs and the organization trail."""

    component = "Organization"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        config, names = self.config, self.names
        root = config.organization.root_id

        self.ous = {
            name: orgs.CfnOrganizationalUnit(self, f"{name}OrganizationalUnit", name=name, parent_id=root)
            for name in OU_NAMES
        }
        regulated_targets = [self.ous[REGULATED_OU].attr_id] + [a.id for a in config.regulated_accounts]
        self._scp(
            "ProtectAuditSubstratePolicy",
            SCP_PROTECT_AUDIT_SUBSTRATE,
            "Deny stopping, altering or deleting CloudTrail, AWS Config and the log-archive and change-record buckets",
            guardrails.protect_audit_substrate(
                [names.trail_bucket, names.config_bucket, names.access_log_bucket, names.evidence_bucket]
            ),
            [root],
        )
        self._scp(
            "DenyRootAndLeavingPolicy",
            SCP_DENY_ROOT_AND_LEAVING,
            "Deny root-user actions and leaving the organization",
            guardrails.deny_root_and_leaving(),
            [root],
        )
        self._scp(
            "AllowedRegionsPolicy",
            SCP_ALLOWED_REGIONS,
            f"Deny regional actions outside {', '.join(config.allowed_regions)}",
            guardrails.deny_outside_regions(config.allowed_regions),
            [root],
        )
        self._scp(
            "ProtectRegulatedKeysPolicy",
            SCP_PROTECT_REGULATED_KEYS,
            "Deny scheduling deletion of, disabling, or stopping rotation of KMS keys in regulated accounts",
            guardrails.protect_regulated_keys(),
            regulated_targets,
        )
        # Regulated and validation accounts change only through the pipeline (Annex 11 10).
        self._scp(
            "DeployOnlyThroughPipelinePolicy",
            SCP_DEPLOY_ONLY_THROUGH_PIPELINE,
            "Deny changing CloudFormation stacks and assuming or remaking the CDK roles in regulated and validation "
            "accounts outside the promotion pipeline (break-glass excepted, and alerted)",
            guardrails.deploy_only_through_pipeline(BREAK_GLASS_ROLE_PATTERN),
            regulated_targets,
        )
        self._scp(
            "DeploymentRolesOnlyForPipelinePolicy",
            SCP_DEPLOYMENT_ROLES_ONLY_FOR_PIPELINE,
            "Deny assuming the regulated and validation accounts' CDK roles from the deployment account outside the "
            "pipeline's roles",
            guardrails.deployment_roles_only_for_pipeline(
                [a.id for a in config.regulated_accounts], names.pipeline_role_pattern()
            ),
            [config.account("deployment").id],
        )
        for jurisdiction in sorted({a.jurisdiction for a in config.regulated_accounts}):
            inside = [r for r in config.allowed_regions if REGION_JURISDICTION[r] == jurisdiction]
            self._scp(
                f"Residency{jurisdiction}Policy",
                scp_residency(jurisdiction),
                f"Deny storing or processing data outside {', '.join(inside)} in {jurisdiction}-regulated accounts",
                guardrails.keep_data_in_jurisdiction(inside),
                [a.id for a in config.regulated_accounts if a.jurisdiction == jurisdiction],
            )
            self._scp(
                f"Bedrock{jurisdiction}ResidencyPolicy",
                scp_bedrock_residency(jurisdiction),
                f"Deny Bedrock inference and jobs outside {jurisdiction}, and global inference profiles, in "
                f"{jurisdiction}-regulated accounts",
                guardrails.keep_bedrock_in_jurisdiction(regions_in(jurisdiction)),
                [a.id for a in config.regulated_accounts if a.jurisdiction == jurisdiction],
            )

        self.trail_logs_key = ManagedKey(
            self, "TrailLogsKey", alias=TRAIL_LOGS_KEY_ALIAS, description="Encrypts the trail's CloudWatch Logs copy"
        )
        self.trail_logs_key.allow(
            "CloudWatchLogsEncrypts",
            iam.ServicePrincipal(f"logs.{self.region}.amazonaws.com"),
            ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{self.region}:{self.account}:log-group:*"}},
        )
        self.trail = OrganizationTrail(
            self,
            "OrganizationTrail",
            trail_name=names.trail_name,
            bucket_name=names.trail_bucket,
            kms_key_arn=names.log_archive_key_arn,
            log_key=self.trail_logs_key.key,
            log_retention_days=config.audit_log.cloudwatch_retention_days,
            record_bucket_prefix=names.records_bucket_prefix(),
        )
        # SCPs do not bind the management account, where the trail lives: a change to it must at
        # least reach QA at once (11.10(e), Annex 11 9).
        ChangeForwarder(
            self,
            "TrailChangeForwarder",
            audit_bus_arn=names.audit_bus_arn(),
            role=audit_bus_sender(self, "TrailChangeSender", audit_bus_arn=names.audit_bus_arn()),
            changes=[
                ForwardedChange(
                    "ForwardTrailChanges", "Forward changes to the organization trail to the audit account", trail_change_pattern()
                )
            ],
        )

    def _scp(self, id: str, name: str, description: str, document: dict, targets: list[str]) -> orgs.CfnPolicy:
        return orgs.CfnPolicy(
            self,
            id,
            name=name,
            description=description,
            type="SERVICE_CONTROL_POLICY",
            content=document,
            target_ids=targets,
        )


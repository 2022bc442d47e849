"""Management account, home region: the baseline of every member account, as one service-managed
StackSet with automatic deployment. An account that joins the organization (or moves into any of its
OUs) receives the baseline in every allowed region without a change to this app, and a hundred accounts
cost the app one resource, not three hundred stacks.
"""

from __future__ import annotations

import json
from pathlib import Path

from aws_cdk import aws_cloudformation as cfn

from .base import GxpStack
from .baseline import STACKSET_TEMPLATE_STACK, baseline_template

STACKSET_NAME = "gxp-baseline"
# The StackSet's resource metadata points the controls engine at the template's own assembly, which
# holds its construct paths and acknowledgements (controls/assembly.py).
TEMPLATE_ASSEMBLY_METADATA = "gxp:template-assembly"
TEMPLATE_DIR = "stacksets"


class OrganizationBaselineStack(GxpStack):
    component = "OrganizationBaseline"

    def __init__(self, scope, *, prepare_template=None, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        config = self.config
        relative = f"{TEMPLATE_DIR}/{STACKSET_NAME}"
        outdir = Path(self.node.root.outdir) / relative
        template = baseline_template(config, outdir, prepare_template)
        self.stack_set = cfn.CfnStackSet(
            self,
            "BaselineStackSet",
            stack_set_name=STACKSET_NAME,
            description="GxP landing zone baseline: AWS Config recording and drift rules, compliance events to the "
            "audit account, EBS encryption and S3 public access block by default",
            permission_model="SERVICE_MANAGED",
            call_as="SELF",
            # The template names its roles (one per region, so regions deploy in parallel).
            capabilities=["CAPABILITY_NAMED_IAM"],
            auto_deployment=cfn.CfnStackSet.AutoDeploymentProperty(
                enabled=True,
                # An account leaving the organization keeps its recorder: its history stays evidence.
                retain_stacks_on_account_removal=True,
            ),
            # Without managed execution StackSets run one operation at a time, queuing every change.
            managed_execution={"Active": True},
            # Regions in parallel, every account at once; an operation stops once more than a tenth of
            # the accounts fail, so one broken account does not hold back the rest, and many broken ones
            # stop the rollout. (Automatic deployment to a new account ignores these preferences.)
            operation_preferences=cfn.CfnStackSet.OperationPreferencesProperty(
                region_concurrency_type="PARALLEL",
                max_concurrent_percentage=100,
                failure_tolerance_percentage=10,
                concurrency_mode="SOFT_FAILURE_TOLERANCE",
            ),
            stack_instances_group=[
                cfn.CfnStackSet.StackInstancesProperty(
                    # The root: every member account, now and later.
                    deployment_targets=cfn.CfnStackSet.DeploymentTargetsProperty(
                        organizational_unit_ids=[config.organization.root_id]
                    ),
                    regions=list(config.allowed_regions),
                )
            ],
            template_body=json.dumps(template, sort_keys=True, separators=(",", ":")),
        )
        self.stack_set.add_metadata(TEMPLATE_ASSEMBLY_METADATA, f"{relative}/{STACKSET_TEMPLATE_STACK}")

"""Validation account, its first workload region: the role the pipeline's OQ runs under."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_iam as iam

from ..constructs.acknowledge import acknowledge
from ..naming import OQ_EXECUTOR_ROLE
from .base import GxpStack


class QualificationStack(GxpStack):
    """The OQ proves each guardrail by attempting what it forbids (a locked record deleted, a recorder
    stopped, data placed outside the jurisdiction). IAM must allow the attempt, so that only the guardrail
    under test can refuse it; the role therefore exists only in validation accounts, which hold test data
    only, and only the pipeline's OQ step may assume it (Annex 11 4.7, 10)."""

    component = "Qualification"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        deployment = self.config.account("deployment")
        self.oq_executor = iam.Role(
            self,
            "OqExecutorRole",
            role_name=OQ_EXECUTOR_ROLE,
            assumed_by=iam.AccountPrincipal(deployment.id).with_conditions(
                {"ArnEquals": {"aws:PrincipalArn": self.names.pipeline_role_arn("oq")}}
            ),
            description="Operational qualification by the promotion pipeline, in a validation account (test data only)",
            max_session_duration=Duration.hours(1),
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AdministratorAccess")],
        )
        # The OQ exercises no AI: Bedrock stays closed to the role whatever AdministratorAccess allows (GXP-AI-03).
        iam.ManagedPolicy(self, "OqExecutorNoBedrock", roles=[self.oq_executor], statements=[iam.PolicyStatement(
            sid="NoBedrock", effect=iam.Effect.DENY, actions=["bedrock:*"], resources=["*"],
        )])
        acknowledge(
            self.oq_executor,
            ["AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AdministratorAccess]", "GXP-AI-03"],
            "The OQ attempts the changes the guardrails forbid; IAM must allow each attempt so that the refusal it "
            "records comes from the SCP or bucket policy under test. Validation accounts hold test data only, the "
            "SCPs still bind this role, only the pipeline's OQ step can assume it, and the role's own policy denies "
            "every Bedrock action",
        )

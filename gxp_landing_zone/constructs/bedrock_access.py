"""Who may call Bedrock, what, and how: a managed policy that allows inference only on the models and
inference profiles the config lists and only with the account's guardrail version, and a role that
carries it for applications (11.10(d); EU AI Act Art. 15).

- ``bedrock:GuardrailIdentifier`` holds the guardrail ARN and version of the request; an Allow on it
  and a Deny on any other value make the guardrail impossible to skip, whatever else a caller holds:
  https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-permissions-id.html
  (Converse authorizes as bedrock:InvokeModel, ConverseStream as bedrock:InvokeModelWithResponseStream.)
- A geographic profile needs the profile in the source region and the foundation model in every
  destination region, the latter only when reached through that profile (``bedrock:InferenceProfileArn``):
  https://docs.aws.amazon.com/bedrock/latest/userguide/geographic-cross-region-inference.html
- Foundation-model ARNs have no account (arn:aws:bedrock:<region>::foundation-model/<id>); inference
  profiles do (arn:aws:bedrock:<region>:<account>:inference-profile/<id>).
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

from .acknowledge import acknowledge

INFERENCE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]


@dataclass(frozen=True)
class ProfileGrant:
    profile_id: str
    model_id: str
    destinations: tuple[str, ...]


def model_arn(region: str, model_id: str) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model_id}"


def profile_arn(region: str, account: str, profile_id: str) -> str:
    return f"arn:aws:bedrock:{region}:{account}:inference-profile/{profile_id}"


class InferenceAccess(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        policy_name: str,
        role_name: str,
        guardrail_arn: str,
        guardrail_version_arn: str,
        models: tuple[str, ...],
        profiles: tuple[ProfileGrant, ...],
    ) -> None:
        super().__init__(scope, id)
        stack = Stack.of(self)
        region, account = stack.region, stack.account
        with_guardrail = {"StringEquals": {"bedrock:GuardrailIdentifier": guardrail_version_arn}}
        statements = [
            iam.PolicyStatement(
                sid="InvokeAllowedModelsThroughTheGuardrail",
                actions=INFERENCE_ACTIONS,
                resources=[model_arn(region, m) for m in models] + [profile_arn(region, account, p.profile_id) for p in profiles],
                conditions=with_guardrail,
            ),
            *[
                iam.PolicyStatement(
                    sid=f"ProfileDestinations{index}",
                    actions=INFERENCE_ACTIONS,
                    resources=[model_arn(destination, grant.model_id) for destination in grant.destinations],
                    conditions={"StringEquals": {
                        **with_guardrail["StringEquals"],
                        "bedrock:InferenceProfileArn": profile_arn(region, account, grant.profile_id),
                    }},
                )
                for index, grant in enumerate(profiles)
            ],
            iam.PolicyStatement(sid="ApplyTheGuardrail", actions=["bedrock:ApplyGuardrail"], resources=[guardrail_arn]),
            iam.PolicyStatement(
                sid="DenyInferenceWithoutTheGuardrail",
                effect=iam.Effect.DENY,
                actions=INFERENCE_ACTIONS,
                resources=["*"],
                conditions={"StringNotEquals": {"bedrock:GuardrailIdentifier": guardrail_version_arn}},
            ),
        ]
        self.policy = iam.ManagedPolicy(
            self, "Policy", managed_policy_name=policy_name, statements=statements,
            description="Bedrock inference on the configured models and profiles, only through the account's guardrail",
        )
        self.role = iam.Role(
            self,
            "InvokerRole",
            role_name=role_name,
            assumed_by=iam.AccountRootPrincipal(),
            managed_policies=[self.policy],
            description="Assumed by applications of this account that call Bedrock",
        )
        acknowledge(
            self.policy,
            ["AwsSolutions-IAM5[Resource::*]"],
            "The only wildcard is in the Deny that refuses inference without the guardrail on every model",
        )

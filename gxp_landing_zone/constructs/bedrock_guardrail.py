"""The account's Bedrock guardrail and its published version: personal data detected in prompts and
answers is blocked or anonymized, denied topics are refused, prompt attacks are filtered in the input,
and answers not grounded in (or relevant to) the supplied sources are blocked (21 CFR 11.10(a); EU AI
Act Art. 15). Encrypted with the stack's key.

Inference policies name the published version (guardrail ARN and version number), never the working
draft, so a change to the policy reaches callers only as a new version: the version's description
carries a hash of the policy, and a new hash replaces the version (AWS::Bedrock::GuardrailVersion
properties require replacement). https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails-versions.html
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from aws_cdk import Fn
from aws_cdk import aws_bedrock as bedrock
from aws_cdk import aws_kms as kms
from constructs import Construct


@dataclass(frozen=True)
class DeniedTopic:
    name: str
    definition: str
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class GuardrailSpec:
    name: str
    pii_entities: dict[str, str]  # entity type -> BLOCK | ANONYMIZE
    prompt_attack_strength: str
    grounding_threshold: float
    relevance_threshold: float
    blocked_message: str
    denied_topics: tuple[DeniedTopic, ...] = field(default_factory=tuple)

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(asdict(self), sort_keys=True).encode()).hexdigest()[:16]


class Guardrail(Construct):
    def __init__(self, scope: Construct, id: str, *, spec: GuardrailSpec, key: kms.IKey) -> None:
        super().__init__(scope, id)
        self.spec = spec
        self.guardrail = bedrock.CfnGuardrail(
            self,
            "Guardrail",
            name=spec.name,
            description="Screens every prompt and answer of the account's Bedrock inference",
            kms_key_arn=key.key_arn,
            blocked_input_messaging=spec.blocked_message,
            blocked_outputs_messaging=spec.blocked_message,
            sensitive_information_policy_config=bedrock.CfnGuardrail.SensitiveInformationPolicyConfigProperty(
                pii_entities_config=[
                    bedrock.CfnGuardrail.PiiEntityConfigProperty(type=entity, action=action)
                    for entity, action in sorted(spec.pii_entities.items())
                ]
            ),
            # PROMPT_ATTACK filters the input only; its output strength must be NONE.
            content_policy_config=bedrock.CfnGuardrail.ContentPolicyConfigProperty(filters_config=[
                bedrock.CfnGuardrail.ContentFilterConfigProperty(
                    type="PROMPT_ATTACK", input_strength=spec.prompt_attack_strength, output_strength="NONE"
                )
            ]),
            contextual_grounding_policy_config=bedrock.CfnGuardrail.ContextualGroundingPolicyConfigProperty(filters_config=[
                bedrock.CfnGuardrail.ContextualGroundingFilterConfigProperty(type="GROUNDING", threshold=spec.grounding_threshold),
                bedrock.CfnGuardrail.ContextualGroundingFilterConfigProperty(type="RELEVANCE", threshold=spec.relevance_threshold),
            ]),
            topic_policy_config=bedrock.CfnGuardrail.TopicPolicyConfigProperty(topics_config=[
                bedrock.CfnGuardrail.TopicConfigProperty(
                    name=topic.name, definition=topic.definition, type="DENY", examples=list(topic.examples) or None
                )
                for topic in spec.denied_topics
            ]) if spec.denied_topics else None,
        )
        self.version = bedrock.CfnGuardrailVersion(
            self,
            "Version",
            guardrail_identifier=self.guardrail.attr_guardrail_arn,
            description=f"Published policy {spec.digest}",
        )

    @property
    def version_arn(self) -> str:
        """What bedrock:GuardrailIdentifier holds for this version: the guardrail ARN, a colon, the version."""
        return Fn.join(":", [self.guardrail.attr_guardrail_arn, self.version.attr_version])

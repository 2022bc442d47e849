from __future__ import annotations

from aws_cdk import aws_iam as iam

from ..config import AccountKind
from ..constructs.acknowledge import acknowledge
from ..constructs.bedrock_access import InferenceAccess
from ..constructs.bedrock_guardrail import DeniedTopic, Guardrail, GuardrailSpec
from ..constructs.bedrock_logging import InvocationLogging
from ..constructs.compliance_events import ChangeForwarder, ForwardedChange, audit_bus_sender
from ..constructs.genai_signals import MisuseSignals, alarm_changes
from ..constructs.gxp_bucket import GxpBucket
from ..constructs.managed_key import ManagedKey
from ..constructs.model_evaluation import EvaluationSpec, ModelEvaluation
from ..constructs.release_gates import ReleaseReading
from ..topology import stack_id
from .base import GxpStack
from .bedrock_grants import profile_grants


class GenAiStack(GxpStack):
    """Regulated or research account x workload region, where the config allows Bedrock: invocation
    logging, the guardrail, inference only through it, misuse signals to the audit account, and
    evaluation and release as evidence. The account's Bedrock endpoints live in its workload VPC
    (Compute stack)."""

    component = "GenAI"

    def __init__(self, scope, **kwargs) -> None:
        super().__init__(scope, **kwargs)
        names, config, account, region = self.names, self.config, self.gxp_account, self.region
        genai, settings = config.genai, config.genai.accounts[account.role]
        retention = config.audit_log.cloudwatch_retention_days
        self.regulated = account.kind is AccountKind.REGULATED

        self.key = ManagedKey(self, "GenAiKey", alias=names.genai_key_alias(),
                              description="Encrypts prompts, outputs, evaluation evidence and the guardrail")
        self.key.allow(
            "CloudWatchLogsEncrypts", iam.ServicePrincipal(f"logs.{region}.amazonaws.com"),
            ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
            {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:{region}:{self.account}:log-group:*"}},
        )
        self.access_logs = GxpBucket(
            self, "AccessLogBucket", bucket_name=names.genai_access_log_bucket(account.id, region),
            # S3 server access logging delivers only to SSE-S3 buckets in the same account and region.
            encryption_key=None, retention_class="access-log",
        )
        self.logging = InvocationLogging(
            self, "InvocationLogging", bucket_name=names.genai_log_bucket(account.id, region),
            access_log_bucket=self.access_logs.bucket, lock_days=genai.days, key=self.key,
            log_group_name=names.genai_invocation_log_group(), log_retention_days=retention,
        )
        policy = genai.guardrail
        self.guardrail = Guardrail(self, "Guardrail", key=self.key.key, spec=GuardrailSpec(
            name=names.genai_guardrail(), pii_entities=dict(policy.pii_entities),
            prompt_attack_strength=policy.prompt_attack_strength, grounding_threshold=policy.grounding_threshold,
            relevance_threshold=policy.relevance_threshold, blocked_message=policy.blocked_message,
            denied_topics=tuple(DeniedTopic(t.name, t.definition, tuple(t.examples)) for t in policy.denied_topics),
        ))
        # The guardrail's key: Bedrock uses it on behalf of whoever creates, reads or applies the guardrail.
        self.key.allow(
            "BedrockUsesKeyForGuardrail", iam.AccountRootPrincipal(),
            ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"],
            {"StringEquals": {"kms:ViaService": f"bedrock.{region}.amazonaws.com"}},
        )
        self.access = InferenceAccess(
            self, "Inference", policy_name=names.genai_invoke_policy(), role_name=names.genai_role_name("invoker", region),
            guardrail_arn=self.guardrail.guardrail.attr_guardrail_arn, guardrail_version_arn=self.guardrail.version_arn,
            models=tuple(settings.models),
            profiles=profile_grants(config, account),
        )
        self.signals = MisuseSignals(self, "MisuseSignals", log_group=self.logging.log_group,
                                     alarm_prefix=names.genai_alarm_prefix())
        self.forwarding = ChangeForwarder(
            self, "ForwardToAudit", audit_bus_arn=names.audit_bus_arn(),
            role=audit_bus_sender(self, "AuditEventSender", audit_bus_arn=names.audit_bus_arn()),
            changes=[
                ForwardedChange("GenAiAlarms", "Sensitive-data and prompt-attack alarms of this account's Bedrock use",
                                alarm_changes(names.genai_alarm_prefix())),
                ForwardedChange("ReleaseDecisions", "Release decisions on Bedrock models and prompts",
                                {"source": [names.model_release_event_source()]}),
            ],
        )
        self.evaluation = ModelEvaluation(
            self, "Evaluation", spec=self._evaluation_spec(), key=self.key, guardrail=self.guardrail,
            invoke_policy=self.access.policy, access_log_bucket=self.access_logs.bucket,
        )
        self._record_deviations()

    def _evaluation_spec(self) -> EvaluationSpec:
        names, config, account, region = self.names, self.config, self.gxp_account, self.region
        genai, settings = config.genai, config.genai.accounts[account.role]
        common = dict(
            bucket_name=names.genai_evaluation_bucket(account.id, region), lock_days=genai.days,
            thresholds={k: v.model_dump(exclude_none=True) for k, v in genai.evaluation.thresholds.items()},
            allowed=tuple(settings.models) + tuple(settings.inference_profiles),
            evaluate_role_name=names.genai_role_name("evaluate", region),
            log_retention_days=config.audit_log.cloudwatch_retention_days,
        )
        if not self.regulated:
            return EvaluationSpec(**common)
        record_class = config.signatures.record_classes[genai.evaluation.record_class]
        records_bucket = names.records_bucket(record_class.data_class, account.id, region)
        return EvaluationSpec(
            **common, record_bucket=records_bucket, record_prefix=record_class.key_prefix,
            record_key_alias=names.records_key_alias(record_class.data_class),
            release_role_name=names.signature_role_name("release", region),
            release=ReleaseReading(
                account=account.id, region=region, ledger_parameter=names.signature_ledger_parameter(),
                ledger_stack=stack_id("Signatures", account, region), signature_key_alias=names.signature_key_alias(),
                seal_key_alias=names.signature_seal_key_alias(),
                manifest_bucket=names.signature_manifest_bucket(account.id, region), evaluation_bucket=records_bucket,
                evaluation_prefix=record_class.key_prefix, evaluation_key_alias=names.records_key_alias(record_class.data_class),
                meaning=genai.evaluation.meaning, event_source=names.model_release_event_source(),
            ),
        )

    def _record_deviations(self) -> None:
        acknowledge(
            self.access_logs.bucket,
            ["GXP-S3-08", "HIPAA.Security-S3DefaultEncryptionKMS", "NIST.800.53.R5-S3DefaultEncryptionKMS"],
            "S3 server access log delivery supports only SSE-S3 on the destination bucket; the bucket holds request "
            "metadata, not prompts or outputs",
        )
        for bucket in (self.access_logs.bucket, self.logging.bucket.bucket, self.evaluation.bucket.bucket):
            acknowledge(
                bucket,
                ["HIPAA.Security-S3BucketReplicationEnabled", "NIST.800.53.R5-S3BucketReplicationEnabled"],
                "Prompts, outputs and evaluation evidence stay in the jurisdiction of the account that produced them; "
                "protection rests on Object Lock COMPLIANCE, versioning and the deny-delete policy within the region",
            )

"""Evaluation as evidence for Bedrock (Annex 11 4.7; EU AI Act Art. 14, 15): a locked bucket for the
held-out sets, the evaluation function that runs them through the guardrail and writes the go/no-go
record, and - in regulated accounts - the release function that admits a version only on a valid
'approved-for-use' signature bound to that record (ai/runtime, signatures/runtime/release_gate.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from .acknowledge import acknowledge
from .bedrock_guardrail import Guardrail
from .governed_function import GovernedFunction
from .gxp_bucket import GxpBucket
from .managed_key import ManagedKey, aliased_key_statement
from .release_gates import SIGNATURE_CODE, SIGNATURE_CODE_EXCLUDE, ReleaseReading

AI_CODE = Path(__file__).resolve().parent.parent / "ai"
HELD_OUT_PREFIX = "held-out/"
RESULTS_PREFIX = "results/"
RELEASES_PREFIX = "releases/"
RETENTION_CLASS = "genai-evaluation"


@dataclass(frozen=True)
class EvaluationSpec:
    bucket_name: str
    lock_days: int
    thresholds: dict
    allowed: tuple[str, ...]
    evaluate_role_name: str
    log_retention_days: int
    # Where go/no-go records go: a records bucket of the evaluation record class (regulated accounts),
    # else the evaluation bucket's results/ prefix.
    record_bucket: str | None = None
    record_prefix: str = RESULTS_PREFIX
    record_key_alias: str | None = None
    release: ReleaseReading | None = None
    release_role_name: str | None = None


class ModelEvaluation(Construct):
    def __init__(self, scope: Construct, id: str, *, spec: EvaluationSpec, key: ManagedKey, guardrail: Guardrail,
                 invoke_policy: iam.IManagedPolicy, access_log_bucket: s3.IBucket) -> None:
        super().__init__(scope, id)
        self.spec = spec
        self.bucket = GxpBucket(
            self, "Bucket", bucket_name=spec.bucket_name, encryption_key=key.key, retention_class=RETENTION_CLASS,
            lock_days=spec.lock_days, access_log_bucket=access_log_bucket, access_log_prefix="evaluation/",
        )
        bucket_arn = f"arn:aws:s3:::{spec.bucket_name}"
        record_bucket = spec.record_bucket or spec.bucket_name
        writes = [
            iam.PolicyStatement(sid="ReadHeldOutSets", actions=["s3:GetObject", "s3:GetObjectVersion"],
                                resources=[f"{bucket_arn}/{HELD_OUT_PREFIX}*"]),
            iam.PolicyStatement(sid="WriteEvaluationRecords", actions=["s3:PutObject"],
                                resources=[f"arn:aws:s3:::{record_bucket}/{spec.record_prefix}*"]),
        ]
        if spec.record_key_alias:
            writes.append(aliased_key_statement(
                ["kms:GenerateDataKey", "kms:Decrypt"], account=key.key.stack.account, region=key.key.stack.region,
                alias=spec.record_key_alias).copy(sid="EncryptEvaluationRecords"))
        self.evaluator = GovernedFunction(
            self, "Evaluate", code_root=AI_CODE, exclude=["lineage.py"],
            handler="runtime.bedrock_evaluation.handler",
            description="Runs a held-out set through a Bedrock model and the guardrail; records go or no-go",
            role_name=spec.evaluate_role_name, key=key.key, log_retention_days=spec.log_retention_days,
            statements=writes, timeout=Duration.minutes(15),
            environment={
                "DATASET_BUCKET": spec.bucket_name, "DATASET_PREFIX": HELD_OUT_PREFIX,
                "RECORD_BUCKET": record_bucket, "RECORD_PREFIX": spec.record_prefix,
                "GUARDRAIL_ID": guardrail.guardrail.attr_guardrail_id, "GUARDRAIL_VERSION": guardrail.version.attr_version,
                "THRESHOLDS": json.dumps(spec.thresholds, sort_keys=True, separators=(",", ":")),
                "ALLOWED": json.dumps(sorted(spec.allowed), separators=(",", ":")),
            },
        )
        # The evaluation calls Bedrock under the same policy as every application: through the guardrail.
        self.evaluator.role.add_managed_policy(invoke_policy)
        # Roles are named by condition with their literal ARNs: a GetAtt would make the key wait for the role,
        # which waits for the inference policy, which names the guardrail, which is encrypted with the key.
        stack = key.key.stack
        self.role_arn = f"arn:aws:iam::{stack.account}:role/{spec.evaluate_role_name}"
        key.allow("EvaluationReadsAndWrites", iam.AccountRootPrincipal(), ["kms:GenerateDataKey", "kms:Decrypt"],
                  {"StringEquals": {"kms:ViaService": f"s3.{stack.region}.amazonaws.com"},
                   "ArnEquals": {"aws:PrincipalArn": self.role_arn}})
        acknowledge(
            self.evaluator.policy,
            [f"AwsSolutions-IAM5[Resource::{bucket_arn}/{HELD_OUT_PREFIX}*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{record_bucket}/{spec.record_prefix}*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:kms:{key.key.stack.region}:{key.key.stack.account}:key/*]"],
            "Held-out sets and evaluation records get names at run time, each under its own prefix; the records "
            "bucket's key is named by alias through kms:ResourceAliases, since IAM cannot name a key by alias",
        )
        acknowledge(
            self.evaluator.function, ["HIPAA.Security-LambdaDLQ", "NIST.800.53.R5-LambdaDLQ"],
            "Invoked synchronously by the person or pipeline requesting an evaluation, who receives the outcome or "
            "the failure; nothing is recorded by a failed run",
        )
        self.releaser = self._release(spec, key) if spec.release else None

    def _release(self, spec: EvaluationSpec, key: ManagedKey) -> GovernedFunction:
        release = spec.release
        releaser = GovernedFunction(
            self, "Release", code_root=SIGNATURE_CODE, exclude=SIGNATURE_CODE_EXCLUDE,
            handler="runtime.release_handlers.bedrock_release_handler",
            description="Releases a Bedrock model or prompt version on a valid approved-for-use signature of its evaluation",
            role_name=spec.release_role_name, key=key.key, log_retention_days=spec.log_retention_days,
            statements=[*release.statements(), iam.PolicyStatement(
                sid="WriteReleaseRecords", actions=["s3:PutObject"],
                resources=[f"arn:aws:s3:::{spec.bucket_name}/{RELEASES_PREFIX}*"])],
            environment={**release.environment, "RELEASE_BUCKET": spec.bucket_name},
        )
        key.allow("ReleaseWritesRecords", iam.AccountRootPrincipal(), ["kms:GenerateDataKey"],
                  {"StringEquals": {"kms:ViaService": f"s3.{release.region}.amazonaws.com"},
                   "ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{release.account}:role/{spec.release_role_name}"}})
        acknowledge(
            releaser.policy,
            [f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{release.manifest_bucket}/manifests/*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{release.evaluation_bucket}/{release.evaluation_prefix}*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{spec.bucket_name}/{RELEASES_PREFIX}*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:dynamodb:{release.region}:{release.account}:table/{release.ledger_stack}-*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:kms:{release.region}:{release.account}:key/*]"],
            "The gate reads any signature of the evaluation record class and writes release records under its own "
            "prefix; the ledger table's name is generated in the Signatures stack (read from SSM), and keys in other "
            "stacks are named by alias through kms:ResourceAliases",
        )
        acknowledge(
            releaser.function, ["HIPAA.Security-LambdaDLQ", "NIST.800.53.R5-LambdaDLQ"],
            "Invoked synchronously by the person releasing a version, who receives the decision or the failure; a "
            "failed invocation releases nothing",
        )
        return releaser

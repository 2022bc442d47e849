"""Governance of the account's model package group (Annex 11 §10; 11.10(g); EU AI Act Art. 13, 14):

- a SageMaker model card that states what the models are for, their risk, what trains them (and on
  which legal basis) and the release criteria, encrypted with the stack's key;
- in regulated accounts, the evaluation recorder (the go/no-go record of a version's evaluation
  report) and the approval gate: EventBridge delivers every "SageMaker Model Package State Change" of
  the group to a function that keeps an Approved version only on a verified 'approved-for-use'
  signature of its current evaluation record and otherwise sets it back and alerts; an hourly sweep
  over every Approved version catches an event that was lost or failed.
  https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-approve.html
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_cdk import Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_sagemaker as sagemaker
from constructs import Construct

from .acknowledge import acknowledge
from .governed_function import GovernedFunction
from .managed_key import ManagedKey, aliased_key_statement
from .model_evaluation import AI_CODE
from .release_gates import SIGNATURE_CODE, SIGNATURE_CODE_EXCLUDE, ReleaseReading

STATE_CHANGE = "SageMaker Model Package State Change"
EVALUATION_REPORT_PREFIX = "evaluations/"


@dataclass(frozen=True)
class ModelCardSpec:
    name: str
    intended_use: str
    risk_rating: str
    risk_explanation: str
    owner: str
    training_data: str
    release_criteria: str


@dataclass(frozen=True)
class ApprovalGateSpec:
    release: ReleaseReading
    approval_role_name: str
    evaluate_role_name: str
    thresholds: dict
    artifact_bucket: str


class ModelGovernance(Construct):
    def __init__(self, scope: Construct, id: str, *, group_name: str, card: ModelCardSpec, key: ManagedKey,
                 log_retention_days: int, gate: ApprovalGateSpec | None) -> None:
        super().__init__(scope, id)
        self.group_name = group_name
        self.card = sagemaker.CfnModelCard(
            self, "ModelCard", model_card_name=card.name, model_card_status="PendingReview",
            security_config=sagemaker.CfnModelCard.SecurityConfigProperty(kms_key_id=key.key.key_arn),
            content=sagemaker.CfnModelCard.ContentProperty(
                model_overview=sagemaker.CfnModelCard.ModelOverviewProperty(
                    model_name=group_name, model_owner=card.owner, model_description=card.intended_use),
                intended_uses=sagemaker.CfnModelCard.IntendedUsesProperty(
                    purpose_of_model=card.intended_use, intended_uses=card.intended_use, risk_rating=card.risk_rating,
                    explanations_for_risk_rating=card.risk_explanation or None),
                training_details=sagemaker.CfnModelCard.TrainingDetailsProperty(training_observations=card.training_data),
                evaluation_details=[sagemaker.CfnModelCard.EvaluationDetailProperty(
                    name="Release criteria", evaluation_observation=card.release_criteria)],
            ),
        )
        # SageMaker reads and writes the card's content with the stack key on the caller's behalf.
        key.allow("SageMakerUsesKeyForModelCards", iam.AccountRootPrincipal(),
                  ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"],
                  {"StringEquals": {"kms:ViaService": f"sagemaker.{Stack.of(self).region}.amazonaws.com"}})
        self.recorder = self.gate = None
        if gate is not None:
            self._gate(gate, key, log_retention_days)

    def _gate(self, spec: ApprovalGateSpec, key: ManagedKey, log_retention_days: int) -> None:
        stack = Stack.of(self)
        region, account = stack.region, stack.account
        packages = f"arn:aws:sagemaker:{region}:{account}:model-package/{self.group_name}/*"
        group = f"arn:aws:sagemaker:{region}:{account}:model-package-group/{self.group_name}"
        release = spec.release
        self.recorder = GovernedFunction(
            self, "RecordEvaluation", code_root=AI_CODE, exclude=["lineage.py"],
            handler="runtime.package_evaluation.handler",
            description="Records go or no-go for a model version from its evaluation report and stamps the version",
            role_name=spec.evaluate_role_name, key=key.key, log_retention_days=log_retention_days,
            environment={"RECORD_BUCKET": release.evaluation_bucket, "RECORD_PREFIX": release.evaluation_prefix,
                         "THRESHOLDS": json.dumps(spec.thresholds, sort_keys=True, separators=(",", ":"))},
            statements=[
                iam.PolicyStatement(sid="ReadAndStampVersions", actions=["sagemaker:DescribeModelPackage",
                                                                         "sagemaker:UpdateModelPackage"], resources=[packages]),
                iam.PolicyStatement(sid="ReadEvaluationReports", actions=["s3:GetObject", "s3:GetObjectVersion"],
                                    resources=[f"arn:aws:s3:::{spec.artifact_bucket}/{EVALUATION_REPORT_PREFIX}*"]),
                iam.PolicyStatement(sid="WriteEvaluationRecords", actions=["s3:PutObject"],
                                    resources=[f"arn:aws:s3:::{release.evaluation_bucket}/{release.evaluation_prefix}*"]),
                aliased_key_statement(["kms:GenerateDataKey", "kms:Decrypt"], account=account, region=region,
                                      alias=release.evaluation_key_alias).copy(sid="EncryptEvaluationRecords"),
            ],
        )
        key.allow("RecorderReadsReports", iam.AccountRootPrincipal(), ["kms:Decrypt"],
                  {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                   "ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{account}:role/{spec.evaluate_role_name}"}})
        self.gate = GovernedFunction(
            self, "ApprovalGate", code_root=SIGNATURE_CODE, exclude=SIGNATURE_CODE_EXCLUDE,
            handler="runtime.release_handlers.sagemaker_approval_handler",
            description="Keeps a model version Approved only on a verified approved-for-use signature; else reverts and alerts",
            role_name=spec.approval_role_name, key=key.key, log_retention_days=log_retention_days,
            environment={**release.environment, "MODEL_PACKAGE_GROUP": self.group_name},
            statements=[*release.statements(),
                        iam.PolicyStatement(sid="ReadAndRevertVersions", actions=[
                            "sagemaker:DescribeModelPackage", "sagemaker:UpdateModelPackage"], resources=[packages]),
                        iam.PolicyStatement(sid="SweepApprovedVersions", actions=["sagemaker:ListModelPackages"],
                                            resources=["*"])],
        )
        self.rule = events.Rule(
            self, "ApprovalChanges",
            description=f"Every approval status change of {self.group_name} goes through the release gate",
            event_pattern=events.EventPattern(source=["aws.sagemaker"], detail_type=[STATE_CHANGE],
                                              detail={"ModelPackageGroupName": [self.group_name]}),
            targets=[targets.LambdaFunction(self.gate.function, retry_attempts=8)],
        )
        self.sweep = events.Rule(
            self, "ApprovalSweep", description=f"Hourly, every Approved version of {self.group_name} is re-checked",
            schedule=events.Schedule.rate(Duration.hours(1)),
            targets=[targets.LambdaFunction(self.gate.function, event=events.RuleTargetInput.from_object({"sweep": True}))],
        )
        acknowledge(
            self.recorder.policy,
            [f"AwsSolutions-IAM5[Resource::{packages}]",
             f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{spec.artifact_bucket}/{EVALUATION_REPORT_PREFIX}*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{release.evaluation_bucket}/{release.evaluation_prefix}*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:kms:{region}:{account}:key/*]"],
            "Model versions, reports and records get names at run time, each limited to the group or prefix; the "
            "records key is named by alias through kms:ResourceAliases",
        )
        acknowledge(
            self.gate.policy,
            [f"AwsSolutions-IAM5[Resource::{packages}]", "AwsSolutions-IAM5[Resource::*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{release.manifest_bucket}/manifests/*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:s3:::{release.evaluation_bucket}/{release.evaluation_prefix}*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:dynamodb:{region}:{account}:table/{release.ledger_stack}-*]",
             f"AwsSolutions-IAM5[Resource::arn:aws:kms:{region}:{account}:key/*]"],
            "The gate judges any version of its own group and any signature of the evaluation record class; "
            "ListModelPackages supports no resource ARN; the ledger table's name is generated in the Signatures stack "
            "(read from SSM), and keys in other stacks are named by alias through kms:ResourceAliases",
        )
        for function in (self.recorder, self.gate):
            acknowledge(
                function.function, ["HIPAA.Security-LambdaDLQ", "NIST.800.53.R5-LambdaDLQ"],
                "The recorder is invoked synchronously by whoever records an evaluation; the gate's events are retried "
                "by EventBridge, and an approval whose event is lost or fails is re-checked by the hourly sweep",
            )

"""SageMaker pipelines: the definition body is JSON with CloudFormation tokens spliced in, so
the rules rebuild it with a placeholder for each token and read the steps."""

from __future__ import annotations

import json

from cdk_nag import NagRuleCompliance as C

from ._read import prop
from .context import RuleContext

TOKEN = "<resolved-at-deploy>"
LINEAGE_KEYS = ("gxp:training-data-version", "gxp:training-image-digest")


def _definition(node) -> dict | None:
    body = (prop(node, "pipeline_definition") or {}).get("PipelineDefinitionBody")
    if isinstance(body, dict) and "Fn::Join" in body:
        separator, parts = body["Fn::Join"]
        body = separator.join(p if isinstance(p, str) else TOKEN for p in parts)
    if not isinstance(body, str):
        return None  # a definition in S3 cannot be read at synthesis: not proven
    try:
        return json.loads(body)
    except ValueError:
        return None


def _steps(node, kind: str) -> list[dict] | None:
    definition = _definition(node)
    if definition is None:
        return None
    return [s.get("Arguments") or {} for s in definition.get("Steps") or [] if s.get("Type") == kind]


def training_isolated_and_encrypted(node, ctx: RuleContext):
    steps = _steps(node, "Training")
    if steps is None:
        return C.NON_COMPLIANT
    for args in steps:
        vpc = args.get("VpcConfig") or {}
        if not (
            args.get("EnableNetworkIsolation") is True
            and vpc.get("Subnets")
            and vpc.get("SecurityGroupIds")
            and (args.get("ResourceConfig") or {}).get("VolumeKmsKeyId")
            and (args.get("OutputDataConfig") or {}).get("KmsKeyId")
        ):
            return C.NON_COMPLIANT
    return C.COMPLIANT if steps else C.NOT_APPLICABLE


def spot_training_checkpointed(node, ctx: RuleContext):
    steps = _steps(node, "Training")
    if steps is None:
        return C.NON_COMPLIANT
    for args in steps:
        if not args.get("EnableManagedSpotTraining"):
            continue
        stopping = args.get("StoppingCondition") or {}
        wait, run = stopping.get("MaxWaitTimeInSeconds"), stopping.get("MaxRuntimeInSeconds")
        if not ((args.get("CheckpointConfig") or {}).get("S3Uri") and wait and run and wait >= run):
            return C.NON_COMPLIANT
    return C.COMPLIANT if steps else C.NOT_APPLICABLE


def models_await_approval(node, ctx: RuleContext):
    steps = _steps(node, "RegisterModel")
    if steps is None:
        return C.NON_COMPLIANT
    for args in steps:
        lineage = args.get("CustomerMetadataProperties") or {}
        if args.get("ModelApprovalStatus") != "PendingManualApproval" or not all(k in lineage for k in LINEAGE_KEYS):
            return C.NON_COMPLIANT
    return C.COMPLIANT if steps else C.NOT_APPLICABLE

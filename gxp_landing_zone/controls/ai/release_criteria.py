"""GXP-AI-10: release decisions apply the configured thresholds: the evaluation functions judge against
exactly the config's criteria, read held-out sets from a locked bucket, run Bedrock through the
account's guardrail, and write their records where the release gate reads them."""

from __future__ import annotations

import json

from ..buckets._bucket import default_retention_days
from ..cfn import Unresolved
from ..deployed.model_governance import function_by_role, model_package_group
from ..deployed.s3 import bucket as read_bucket
from ..model import (REGULATED, Control, DeployedCheck, all_of, cannot_prove, cfn_bool, compliant, expect,
                     non_compliant, not_applicable)
from ..signatures._service import variable
from ._functions import BEDROCK_EVALUATION_HANDLER, PACKAGE_EVALUATION_HANDLER, expect_variable, functions_with
from ._helpers import GENAI_GUARDRAIL, WORKLOADS, compute_here, genai_settings


def _thresholds(function, required, what):
    text = variable(function, "THRESHOLDS")
    if isinstance(text, Unresolved):
        return cannot_prove(f"{what} THRESHOLDS: {text.why}")
    try:
        found = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        found = None
    return expect(found, required, f"{what} THRESHOLDS")


def _record_location(function, ctx, stack, record_class_name, what):
    if stack.account is None or ctx.config.account_by_id(stack.account).jurisdiction is None:
        return compliant()
    record_class = ctx.config.signatures.record_classes[record_class_name]
    bucket = ctx.names.records_bucket(record_class.data_class, stack.account, stack.region)
    return all_of(expect_variable(function, "RECORD_BUCKET", bucket, what),
                  expect_variable(function, "RECORD_PREFIX", record_class.key_prefix, what))


def _locked_dataset(function, stack, days):
    name = variable(function, "DATASET_BUCKET")
    if isinstance(name, Unresolved):
        return cannot_prove(f"DATASET_BUCKET: {name.why}")
    found = next((b for b in stack.of_type("AWS::S3::Bucket") if b.get("BucketName") == name), None)
    if found is None:
        return non_compliant(f"held-out sets are read from {name}, not a bucket of this stack whose lock can be shown")
    kept = default_retention_days(found)
    if isinstance(kept, Unresolved):
        return cannot_prove(f"{name} retention: {kept.why}")
    return all_of(expect(cfn_bool(found.get("ObjectLockEnabled")), True, f"{name} ObjectLockEnabled"),
                  expect(found.get("ObjectLockConfiguration.Rule.DefaultRetention.Mode"), "COMPLIANCE", f"{name} mode"),
                  compliant() if isinstance(kept, int) and kept >= days else non_compliant(f"{name} keeps {kept} days"))


def _through_guardrail(function, guardrail):
    identifier = variable(function, "GUARDRAIL_ID")
    if isinstance(identifier, Unresolved):
        return cannot_prove(f"GUARDRAIL_ID: {identifier.why}")
    if guardrail.refers_to(identifier) or (isinstance(identifier, str) and identifier == guardrail.get("GuardrailId")):
        return compliant()
    return non_compliant(f"the evaluation runs through guardrail {identifier}, not the account's")


def _bedrock(guardrail, ctx):
    stack = guardrail.stack
    if genai_settings(ctx, stack.account) is None:
        return not_applicable("the config allows this account no Bedrock")
    genai = ctx.config.genai
    found = functions_with(stack, BEDROCK_EVALUATION_HANDLER)
    if not found:
        return non_compliant("no evaluation function runs held-out sets where this guardrail screens inference")
    required = {k: v.model_dump(exclude_none=True) for k, v in genai.evaluation.thresholds.items()}
    return all_of(*(all_of(
        _thresholds(f, required, "the evaluation"), _locked_dataset(f, stack, genai.days), _through_guardrail(f, guardrail),
        _record_location(f, ctx, stack, genai.evaluation.record_class, "the evaluation")) for f in found))


def _models(group, ctx):
    stack, ml = group.stack, ctx.config.ml
    if stack.account is None or ctx.config.account_by_id(stack.account).jurisdiction is None or ml.record_class is None:
        return not_applicable("model versions of research accounts are not released for regulated use")
    found = functions_with(stack, PACKAGE_EVALUATION_HANDLER)
    if not found:
        return non_compliant("no function records go or no-go for this group's model versions")
    required = {k: v.model_dump(exclude_none=True) for k, v in ml.thresholds.items()}
    return all_of(*(all_of(_thresholds(f, required, "the recorder"),
                           _record_location(f, ctx, stack, ml.record_class, "the recorder")) for f in found))


def check(resource, ctx):
    if ctx.config is None:
        return cannot_prove("the release criteria come from the config")
    verdict = _bedrock(resource, ctx) if resource.type == "AWS::Bedrock::Guardrail" else _models(resource, ctx)
    if verdict.passed:
        return compliant("evaluations judge exactly the configured thresholds and write their records where the release "
                         "gate reads them" + ("; held-out sets locked, runs through the guardrail"
                                              if resource.type == "AWS::Bedrock::Guardrail" else ""))
    return verdict


def _deployed(reader):
    found = []
    if reader.config.genai is not None and reader.account.role in reader.config.genai.accounts:
        guardrails = GENAI_GUARDRAIL.read(reader)
        if guardrails:
            function = function_by_role(reader, reader.names.genai_role_name("evaluate", reader.region))
            name = variable(function, "DATASET_BUCKET")
            if isinstance(name, str):
                read_bucket(reader, name)
            found += guardrails
    if compute_here(reader) and reader.kind == REGULATED:
        function_by_role(reader, reader.names.ml_role_name("evaluate", reader.region))
        found.append(model_package_group(reader, reader.names.model_package_group))
    return found


CONTROL = Control(
    id="GXP-AI-10",
    title="Release criteria applied as configured",
    statement=(
        "Where Bedrock is allowed, an evaluation function runs held-out sets from a bucket of the GenAI stack under "
        "Object Lock COMPLIANCE through the account's guardrail and judges exactly the genai.evaluation thresholds; in "
        "regulated accounts a recorder judges each model version's report against exactly ml.thresholds; both write "
        "their go/no-go records to the evaluation record class the release gate reads."
    ),
    part11={
        "11.10(a)": "A release is decided by the same, configured acceptance criteria every time, on a held-out set that cannot be changed after the fact.",
    },
    annex11={
        "4.7": "Evaluation runs are test scenarios with stated acceptance limits, executed and recorded as evidence.",
        "11": "Each new evaluation of a version re-checks it against the validated criteria before it is released again.",
    },
    eu_ai_act={
        "15": "The accuracy and robustness a version must reach are declared and checked before use.",
    },
    resource_types=("AWS::Bedrock::Guardrail", "AWS::SageMaker::ModelPackageGroup"),
    check=check,
    deployed=DeployedCheck(read=_deployed, accounts=WORKLOADS, regions="workload"),
)

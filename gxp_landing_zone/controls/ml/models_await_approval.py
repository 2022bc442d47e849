"""GXP-ML-02: models are registered pending manual approval, with their lineage."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, compliant, expect, non_compliant, not_applicable
from ._pipeline import PIPELINE_REGULATED, definition, register_steps

PENDING = "PendingManualApproval"
# What trained the model, recorded on the model version itself: the data version and the exact image.
LINEAGE_KEYS = ("gxp:training-data-version", "gxp:training-image-digest")


def _lineage(found, name, step):
    metadata = step.get("CustomerMetadataProperties")
    if isinstance(metadata, dict) and any(k == "Get" or str(k).startswith("Std:") for k in metadata):
        return cannot_prove(f"{name} CustomerMetadataProperties are set when the pipeline runs")
    if not isinstance(metadata, dict):
        return non_compliant(f"{name} records no CustomerMetadataProperties: the model's lineage is lost")
    missing = [k for k in LINEAGE_KEYS if metadata.get(k) in (None, "", {})]
    if missing:
        return non_compliant(f"{name} does not record {', '.join(missing)}")
    return compliant()


def _step(found, name, step):
    status = found.get(step, "ModelApprovalStatus")
    if status is None:
        approval = non_compliant(f"{name} states no ModelApprovalStatus; required {PENDING}")
    else:
        approval = expect(status, PENDING, f"{name} ModelApprovalStatus")
    return all_of(approval, _lineage(found, name, step))


def check(pipeline, ctx):
    found = definition(pipeline)
    if isinstance(found, Unresolved):
        return cannot_prove(f"PipelineDefinition: {found.why}")
    steps = register_steps(found)
    if not steps:
        return not_applicable("the pipeline registers no model")
    verdict = all_of(*(_step(found, name, step) for name, step in steps))
    if verdict.passed:
        return compliant(f"{', '.join(n for n, _ in steps)}: registered {PENDING}, recording {', '.join(LINEAGE_KEYS)}")
    return verdict


CONTROL = Control(
    id="GXP-ML-02",
    title="Models registered pending approval, with lineage",
    statement=(
        f"Every model a SageMaker pipeline registers is registered as {PENDING} and records the training data "
        "version and training image digest on the model version, so promotion is a separate, attributable decision."
    ),
    jp_eres={
        "3.1.1": "Authenticity: the data version and image that produced a model stay traceable on the model version itself.",
    },
    resource_types=("AWS::SageMaker::Pipeline",),
    check=check,
    boundary=REGULATED_ONLY,
    deployed=PIPELINE_REGULATED,
)

"""GXP-AI-07: each model package group is described by a model card: intended use, risk rating as
configured, owner, training data and release criteria, encrypted with a customer-managed key."""

from __future__ import annotations

from ..cfn import Unresolved
from ..compute._helpers import customer_managed_key
from ..deployed.model_governance import model_card, model_package_group
from ..model import Control, DeployedCheck, all_of, cannot_prove, compliant, expect, expect_present, non_compliant
from ._helpers import WORKLOADS, compute_here


def _describes(card, group):
    return card.get("Content.ModelOverview.ModelName") == group


def check(group_resource, ctx):
    stack, group = group_resource.stack, group_resource.get("ModelPackageGroupName")
    if ctx.config is None:
        return cannot_prove("the required risk rating comes from the config")
    cards = stack.of_type("AWS::SageMaker::ModelCard")
    unknown = [c for c in cards if isinstance(c.get("Content.ModelOverview.ModelName"), Unresolved)]
    found = [c for c in cards if _describes(c, group)]
    if not found:
        if unknown:
            return cannot_prove(f"model card {unknown[0].logical_id}: which model it describes is known only at deploy time")
        return non_compliant(f"no model card describes {group}")
    verdicts = []
    for card in found:
        status = card.get("ModelCardStatus")
        verdicts.append(all_of(
            expect_present(card.get("Content.IntendedUses.IntendedUses"), "IntendedUses.IntendedUses"),
            expect(card.get("Content.IntendedUses.RiskRating"), ctx.config.ml.model_card.risk_rating, "IntendedUses.RiskRating"),
            expect_present(card.get("Content.ModelOverview.ModelOwner"), "ModelOverview.ModelOwner"),
            expect_present(card.get("Content.TrainingDetails.TrainingObservations"), "TrainingDetails.TrainingObservations"),
            expect_present(card.get("Content.EvaluationDetails"), "EvaluationDetails"),
            non_compliant("the card is Archived") if status == "Archived" else compliant(),
            customer_managed_key(card.get("SecurityConfig.KmsKeyId"), stack, "SecurityConfig.KmsKeyId"),
        ))
    verdict = all_of(*verdicts)
    if verdict.passed:
        return compliant(f"a model card describes {group}: intended use, risk {ctx.config.ml.model_card.risk_rating}, owner, "
                         "training data and release criteria, under a customer-managed key")
    return verdict


def _deployed(reader):
    if not compute_here(reader):
        return []
    model_card(reader, reader.names.model_card())
    return [model_package_group(reader, reader.names.model_package_group)]


CONTROL = Control(
    id="GXP-AI-07",
    title="Each model package group has a model card",
    statement=(
        "Every model package group has a SageMaker model card that names it and states the intended use, the risk "
        "rating the config gives, the owner, the training data and the evaluation (release) criteria, is not "
        "archived and is encrypted with a customer-managed key."
    ),
    annex11={
        "4.3": "The model package group appears in the inventory of computerised systems with its intended (GMP) use and owner.",
    },
    eu_ai_act={
        "13": "Deployers find the intended purpose, risk, training data and accuracy criteria of the models in one place.",
    },
    resource_types=("AWS::SageMaker::ModelPackageGroup",),
    check=check,
    deployed=DeployedCheck(read=_deployed, accounts=WORKLOADS, regions="workload"),
)

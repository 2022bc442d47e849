"""GXP-AI-09: a regulated account's Bedrock inference and Bedrock jobs stay in its jurisdiction, and
never go through a global inference profile."""

from __future__ import annotations

from ..guardrails._judges import both, confined, covering, everywhere, unconditional
from ..guardrails._scp import REGULATED_UNIT, UNIT, each_regulated_account, require
from ..model import Control, all_of
from ._helpers import INFERENCE_ACTIONS

# Bedrock actions that keep data where they run (jobs, imported models, knowledge bases).
BEDROCK_PLACEMENT = (
    "bedrock:CreateEvaluationJob",
    "bedrock:CreateKnowledgeBase",
    "bedrock:CreateModelCustomizationJob",
    "bedrock:CreateModelImportJob",
    "bedrock:CreateModelInvocationJob",
)
# A global profile may send a request to any commercial region.
GLOBAL_PROFILES = "arn:aws:bedrock:*:*:inference-profile/global.*"


def _account(reach, account, jurisdiction, inside):
    in_region = both(everywhere, confined("aws:RequestedRegion", inside))
    return all_of(
        require(reach, INFERENCE_ACTIONS, in_region, f"{account} ({jurisdiction}) Bedrock inference"),
        require(reach, INFERENCE_ACTIONS, both(covering([GLOBAL_PROFILES]), unconditional),
                f"{account} ({jurisdiction}) global inference profiles"),
        require(reach, BEDROCK_PLACEMENT, in_region, f"{account} ({jurisdiction}) Bedrock jobs"),
    )


def check(unit, ctx):
    return each_regulated_account(unit, ctx, _account)


CONTROL = Control(
    id="GXP-AI-09",
    title="Regulated Bedrock use stays in its jurisdiction",
    statement=(
        "For each regulated account, the SCPs that bind it deny Bedrock inference requested in a region outside the "
        "account's jurisdiction (a geographic profile's hops included), deny inference through any global inference "
        "profile, and deny Bedrock evaluation, customization, import, batch and knowledge-base jobs outside it."
    ),
    annex11={
        "7.1": "Prompts and outputs of regulated work are processed, and Bedrock jobs keep data, only where the account's obligations apply.",
    },
    jp_eres={"3.1.3": "Preservation: a Japanese account's AI processing and data stay in Japan."},
    resource_types=(UNIT,),
    check=check,
    deployed=REGULATED_UNIT,
)

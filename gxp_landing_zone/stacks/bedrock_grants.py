"""The Bedrock models and profiles an account may call, translated from the config (genai.accounts)
into what the GenAI stack's IAM policy and the Compute stack's endpoint policy name."""

from __future__ import annotations

from ..config import Account, EstateConfig
from ..config import bedrock_catalog as catalog
from ..constructs.bedrock_access import ProfileGrant, model_arn, profile_arn


def profile_grants(config: EstateConfig, account: Account) -> tuple[ProfileGrant, ...]:
    settings = config.genai.accounts[account.role]
    return tuple(
        ProfileGrant(p, catalog.PROFILES[p].model, tuple(sorted(catalog.PROFILES[p].destinations)))
        for p in settings.inference_profiles
    )


def inference_arns(config: EstateConfig, account: Account, region: str) -> list[str]:
    """Every ARN an inference request of the account may name: in-region models, profiles, and each
    profile's model in its destination regions."""
    settings = config.genai.accounts[account.role]
    arns = [model_arn(region, m) for m in settings.models]
    for grant in profile_grants(config, account):
        arns.append(profile_arn(region, account.id, grant.profile_id))
        arns += [model_arn(d, grant.model_id) for d in grant.destinations]
    return sorted(set(arns))

"""What the AI controls share: the config's GenAI and ML requirements for an account, which ARNs a
Bedrock inference request of it may name, how a policy names the guardrail's published version, and
where the IQ finds the account's GenAI resources.

Allowed ARNs are derived here from the config and the dated model table (config/bedrock_catalog.py),
never from the stacks that write them.
"""

from __future__ import annotations

import re
from typing import Any

from ...config import bedrock_catalog as catalog
from ...topology import runs_compute
from ..cfn import Joined, Ref, Resource, StackTemplate, Unresolved
from ..deployed.bedrock import GUARDRAIL, guardrail, invocation_logging
from ..model import REGULATED, RESEARCH, DeployedCheck

GUARDRAIL_VERSION = "AWS::Bedrock::GuardrailVersion"
INFERENCE_ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream")
WORKLOADS = frozenset({REGULATED, RESEARCH})


def account_role(ctx, account_id: str | None) -> str | None:
    config = ctx.config
    account = config.account_by_id(account_id) if config is not None and account_id else None
    return account.role if account is not None else None


def genai_settings(ctx, account_id: str | None):
    """The account's genai.accounts entry, or None where the config allows it no Bedrock."""
    role = account_role(ctx, account_id)
    genai = ctx.config.genai if ctx.config is not None else None
    return genai.accounts.get(role) if genai is not None and role is not None else None


def inference_arns(ctx, account_id: str, region: str) -> set[str]:
    """Every ARN a request of the account may name: in-region models, its profiles in the region, and
    each profile's model in the profile's destination regions (reached only through the profile)."""
    settings = genai_settings(ctx, account_id)
    if settings is None:
        return set()
    arns = {f"arn:aws:bedrock:{region}::foundation-model/{m}" for m in settings.models}
    for profile_id in settings.inference_profiles:
        profile = catalog.PROFILES[profile_id]
        arns.add(f"arn:aws:bedrock:{region}:{account_id}:inference-profile/{profile_id}")
        arns |= {f"arn:aws:bedrock:{d}::foundation-model/{profile.model}" for d in profile.destinations}
    return arns


def _version_of(version: Resource, guardrail_resource: Resource) -> bool:
    identifier = version.get("GuardrailIdentifier")
    return guardrail_resource.refers_to(identifier) or identifier == guardrail_resource.get("GuardrailArn")


def names_a_published_version(value: Any, stack: StackTemplate) -> bool | Unresolved:
    """Whether ``value`` is '<guardrail ARN>:<version>' of a guardrail and a published version of it in
    ``stack``: assembled from their attributes (a template) or written out (a deployed policy)."""
    if isinstance(value, Unresolved):
        return value
    for g in stack.of_type(GUARDRAIL):
        versions = [v for v in stack.of_type(GUARDRAIL_VERSION) if _version_of(v, g)]
        if isinstance(value, Joined) and len(value.parts) == 3 and value.parts[1] == ":":
            arn, version = value.parts[0], value.parts[2]
            if g.refers_to(arn) and arn.attribute == "GuardrailArn" and any(
                    v.refers_to(version) and version.attribute == "Version" for v in versions):
                return True
        arn = g.get("GuardrailArn")
        if isinstance(value, str) and isinstance(arn, str) and value.startswith(f"{arn}:"):
            if value[len(arn) + 1:] in {str(v.get("Version")) for v in versions}:
                return True
    return False


def stack_guardrail(resource: Resource) -> Resource | None:
    found = resource.stack.of_type(GUARDRAIL)
    return found[0] if found else None


# -- where the IQ looks -------------------------------------------------------------------------------


def runs_genai_here(reader) -> bool:
    config = reader.config
    return (config.genai is not None and reader.account.role in config.genai.accounts
            and reader.region in config.workload_regions(reader.account))


def _genai(reader) -> list[Resource]:
    if not runs_genai_here(reader):
        return []
    invocation_logging(reader)
    return [guardrail(reader)]


GENAI_GUARDRAIL = DeployedCheck(read=_genai, accounts=WORKLOADS, regions="workload")


def compute_here(reader) -> bool:
    return runs_compute(reader.config, reader.account) and reader.region in reader.config.workload_regions(reader.account)


ACCOUNT_ID = re.compile(r"^[0-9]{12}$")

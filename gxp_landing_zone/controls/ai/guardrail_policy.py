"""GXP-AI-02: the guardrail screens personal data, denied topics, prompt attacks and ungrounded answers
as the config requires, encrypted with a customer-managed key, with a published version."""

from __future__ import annotations

from ..cfn import Unresolved
from ..compute._helpers import customer_managed_key
from ..model import Control, all_of, cannot_prove, compliant, non_compliant, not_applicable
from ._helpers import GENAI_GUARDRAIL, GUARDRAIL_VERSION, genai_settings

# Filter strengths in order: a stronger filter than the config asks for is accepted.
STRENGTHS = ("NONE", "LOW", "MEDIUM", "HIGH")


def _listed(guardrail, path):
    items = guardrail.get(path)
    if isinstance(items, Unresolved):
        return items
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _pii(guardrail, wanted):
    found = _listed(guardrail, "SensitiveInformationPolicyConfig.PiiEntitiesConfig")
    if isinstance(found, Unresolved):
        return cannot_prove(f"PiiEntitiesConfig: {found.why}")
    actions = {e.get("Type"): e.get("Action") for e in found}
    wrong = [f"{t} {actions.get(t) or 'not detected'} (required {a})" for t, a in sorted(wanted.items())
             # Blocking where the config anonymizes is stricter, and accepted.
             if actions.get(t) != a and not (a == "ANONYMIZE" and actions.get(t) == "BLOCK")]
    return non_compliant("personal data: " + ", ".join(wrong)) if wrong else compliant()


def _prompt_attack(guardrail, strength):
    found = _listed(guardrail, "ContentPolicyConfig.FiltersConfig")
    if isinstance(found, Unresolved):
        return cannot_prove(f"ContentPolicyConfig: {found.why}")
    have = next((f.get("InputStrength") for f in found if f.get("Type") == "PROMPT_ATTACK"), None)
    if isinstance(have, Unresolved):
        return cannot_prove(f"PROMPT_ATTACK InputStrength: {have.why}")
    if have not in STRENGTHS or STRENGTHS.index(have) < STRENGTHS.index(strength):
        return non_compliant(f"prompt-attack filter on input is {have or 'absent'}; required {strength} or stronger")
    return compliant()


def _grounding(guardrail, required):
    found = _listed(guardrail, "ContextualGroundingPolicyConfig.FiltersConfig")
    if isinstance(found, Unresolved):
        return cannot_prove(f"ContextualGroundingPolicyConfig: {found.why}")
    thresholds = {f.get("Type"): f.get("Threshold") for f in found}
    verdicts = []
    for kind, wanted in required.items():
        have = thresholds.get(kind)
        if isinstance(have, Unresolved):
            verdicts.append(cannot_prove(f"{kind} threshold: {have.why}"))
        elif not isinstance(have, (int, float)) or isinstance(have, bool) or have < wanted:
            verdicts.append(non_compliant(f"{kind} threshold is {have}; required {wanted} or higher"))
    return all_of(*verdicts) if verdicts else compliant()


def _topics(guardrail, names):
    found = _listed(guardrail, "TopicPolicyConfig.TopicsConfig")
    if isinstance(found, Unresolved):
        return cannot_prove(f"TopicPolicyConfig: {found.why}")
    denied = {t.get("Name") for t in found if t.get("Type") == "DENY"}
    missing = sorted(set(names) - denied)
    return non_compliant(f"denied topics missing: {', '.join(missing)}") if missing else compliant()


def _published(guardrail):
    versions = [v for v in guardrail.stack.of_type(GUARDRAIL_VERSION)
                if guardrail.refers_to(v.get("GuardrailIdentifier")) or v.get("GuardrailIdentifier") == guardrail.get("GuardrailArn")]
    return compliant() if versions else non_compliant("no version of the guardrail is published; inference can name only a draft")


def check(guardrail, ctx):
    if ctx.config is None:
        return cannot_prove("the guardrail policy the estate requires comes from the config")
    if genai_settings(ctx, guardrail.stack.account) is None:
        return not_applicable("the config allows this account no Bedrock")
    policy = ctx.config.genai.guardrail
    verdict = all_of(
        _pii(guardrail, dict(policy.pii_entities)),
        _prompt_attack(guardrail, policy.prompt_attack_strength),
        _grounding(guardrail, {"GROUNDING": policy.grounding_threshold, "RELEVANCE": policy.relevance_threshold}),
        _topics(guardrail, [t.name for t in policy.denied_topics]),
        customer_managed_key(guardrail.get("KmsKeyArn"), guardrail.stack, "KmsKeyArn"),
        _published(guardrail),
    )
    if verdict.passed:
        return compliant(f"{len(policy.pii_entities)} PII types, {len(policy.denied_topics)} denied topic(s), prompt attacks "
                         f"({policy.prompt_attack_strength}), grounding and relevance screened as configured; "
                         "customer-managed key; a version published")
    return verdict


CONTROL = Control(
    id="GXP-AI-02",
    title="Guardrail screens prompts and answers as configured",
    statement=(
        "The Bedrock guardrail detects each configured personal-data type with its configured action (or blocks it), "
        "refuses each configured denied topic, filters prompt attacks in the input at the configured strength or "
        "stronger, blocks answers below the configured grounding and relevance thresholds, is encrypted with a "
        "customer-managed key, and has a published version."
    ),
    part11={
        "11.10(a)": "Every prompt and answer passes the same validated screening, so the AI-assisted step performs consistently as intended.",
    },
    eu_ai_act={
        "15": "Prompt-injection attempts are filtered and ungrounded answers blocked, keeping outputs robust against manipulation.",
    },
    resource_types=("AWS::Bedrock::Guardrail",),
    check=check,
    deployed=GENAI_GUARDRAIL,
)

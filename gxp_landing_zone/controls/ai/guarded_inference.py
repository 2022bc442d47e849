"""GXP-AI-03: IAM admits Bedrock inference only through the account's published guardrail version and
only on the models and profiles the config allows it."""

from __future__ import annotations

from ..cfn import Ref, Unresolved, contains_unresolved
from ..deployed.bedrock import guardrail
from ..deployed.iam import managed_policy
from ..model import Control, DeployedCheck, all_of, cannot_prove, compliant, non_compliant, not_applicable
from ..policy import Statement, document, statements, unreadable
from ._helpers import INFERENCE_ACTIONS, WORKLOADS, genai_settings, inference_arns, names_a_published_version, runs_genai_here

POLICY_TYPES = ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::Role")
# AWS managed policies that grant Bedrock inference on every model, with no guardrail condition.
UNGUARDED_MANAGED = ("AmazonBedrockFullAccess", "AmazonBedrockLimitedAccess", "AdministratorAccess", "PowerUserAccess")
KEY = "bedrock:GuardrailIdentifier"


def _documents(resource):
    if resource.type != "AWS::IAM::Role":
        return [resource.get("PolicyDocument")]
    inline = resource.get("Policies")
    if isinstance(inline, Unresolved):
        return [inline]
    return [p.get("PolicyDocument") if isinstance(p, dict) else p for p in inline or []]


def _managed_arns(resource):
    if resource.type != "AWS::IAM::Role":
        return compliant()
    arns = resource.get("ManagedPolicyArns")
    if isinstance(arns, Unresolved):
        return cannot_prove(f"ManagedPolicyArns: {arns.why}")
    broad = [a for a in arns or [] if isinstance(a, str) and a.rsplit("/", 1)[-1] in UNGUARDED_MANAGED]
    return non_compliant(f"attaches {', '.join(broad)}, which allow inference without the guardrail") if broad else compliant()


BEDROCK_ARN = "arn:aws:bedrock:"


def _may_name_bedrock(resource, stack) -> bool:
    """Whether a Resource entry can match a Bedrock ARN: IAM matches the whole ARN, so an entry whose
    literal part before its first wildcard is not a prefix of (or prefixed by) arn:aws:bedrock: cannot,
    nor can a reference to a resource of this template that is not a Bedrock one (a Cognito pool)."""
    if isinstance(resource, Ref):
        target = stack.resource(resource.logical_id) if stack is not None else None
        return target is None or target.type.startswith("AWS::Bedrock::")
    if not isinstance(resource, str):
        return True
    literal = resource.split("*", 1)[0].split("?", 1)[0]
    return BEDROCK_ARN.startswith(literal) or literal.startswith(BEDROCK_ARN)


def _grants(statement: Statement, stack=None) -> bool:
    if not (statement.is_allow and any(statement.applies_to_action(a) for a in INFERENCE_ACTIONS)):
        return False
    return "NotResource" in statement.raw or any(_may_name_bedrock(r, stack) for r in statement.resources())


def _unknown_where_it_matters(value, stack) -> Unresolved | None:
    """Why the document cannot be judged: an unresolved value matters only where it could grant
    inference (the document or a statement as a whole, an Effect or Action, or any part of a statement
    that grants inference); an unresolved Resource of, say, a Cognito grant does not."""
    why = unreadable(value)
    if why is None:
        return None
    doc = document(value)
    raw = doc.get("Statement") if isinstance(doc, dict) else None
    if not isinstance(doc, dict) or not isinstance(raw, (list, dict)) or any(
            not isinstance(s, dict) for s in (raw if isinstance(raw, list) else [raw])):
        return why
    for statement in statements(value):
        head = {k: statement.raw.get(k) for k in ("Effect", "Action", "NotAction")}
        if contains_unresolved(head) or (_grants(statement, stack) and contains_unresolved(statement.raw)):
            return why
    return None


def _allow(statement: Statement, stack, allowed, where):
    label = f"{where} statement {statement.sid or '(no Sid)'}"
    guard = statement.condition("StringEquals", KEY)
    if not guard:
        return non_compliant(f"{label} allows inference without requiring {KEY}")
    raw = next((v for k, v in (statement.conditions.get("StringEquals") or {}).items() if k.lower() == KEY.lower()), None)
    named = [names_a_published_version(v, stack) for v in (raw if isinstance(raw, list) else [raw])]
    if any(isinstance(n, Unresolved) for n in named):
        return cannot_prove(f"{label} {KEY} is known only at deploy time")
    if not all(named):
        return non_compliant(f"{label} {KEY} does not name a published version of this account's guardrail")
    verdicts = []
    for resource in statement.resources():
        if not isinstance(resource, str):
            verdicts.append(cannot_prove(f"{label} Resource {resource} is known only at deploy time"))
        elif resource not in allowed:
            verdicts.append(non_compliant(f"{label} allows {resource}, which the config does not allow this account"))
        elif ":foundation-model/" in resource and f":bedrock:{stack.region}::" not in resource and not statement.condition(
                "StringEquals", "bedrock:InferenceProfileArn"):
            verdicts.append(non_compliant(f"{label} allows {resource} in another region without bedrock:InferenceProfileArn"))
    if "NotResource" in statement.raw:
        verdicts.append(non_compliant(f"{label} uses NotResource"))
    return all_of(*verdicts) if verdicts else compliant()


def _denies_the_rest(found: list[Statement], stack):
    for statement in found:
        if statement.is_deny and all(statement.applies_to_action(a) for a in INFERENCE_ACTIONS) and "*" in statement.resources():
            raw = next((v for k, v in (statement.conditions.get("StringNotEquals") or {}).items() if k.lower() == KEY.lower()), None)
            if raw is not None and all(names_a_published_version(v, stack) is True for v in (raw if isinstance(raw, list) else [raw])):
                return compliant()
    return non_compliant(f"no Deny refuses inference whose {KEY} is another guardrail or none")


def check(resource, ctx):
    stack = resource.stack
    verdicts, granted = [_managed_arns(resource)], False
    for policy in _documents(resource):
        if (why := _unknown_where_it_matters(policy, stack)) is not None:
            return cannot_prove(f"policy document: {why.why}")
        found = statements(policy)
        allows = [s for s in found if _grants(s, stack)]
        if not allows:
            continue
        granted = True
        if ctx.config is None:
            return cannot_prove("which models an account may call comes from the config")
        if genai_settings(ctx, stack.account) is None:
            verdicts.append(non_compliant("allows Bedrock inference in an account the config allows no Bedrock"))
            continue
        allowed = inference_arns(ctx, stack.account, stack.region)
        verdicts += [_allow(s, stack, allowed, resource.logical_id) for s in allows]
        verdicts.append(_denies_the_rest(found, stack))
    verdict = all_of(*verdicts)
    if verdict.passed and not granted:
        return not_applicable("grants no Bedrock inference")
    if verdict.passed:
        return compliant("Bedrock inference only on the configured models and profiles, only with the account's "
                         "published guardrail version; any other guardrail or none is denied")
    return verdict


def _deployed(reader):
    if not runs_genai_here(reader):
        return []
    guardrail(reader)
    return [managed_policy(reader, reader.names.genai_invoke_policy())]


CONTROL = Control(
    id="GXP-AI-03",
    title="Inference only through the guardrail, only on allowed models",
    statement=(
        "Every IAM policy or role that allows Bedrock inference requires bedrock:GuardrailIdentifier to be a "
        "published version of the account's guardrail, names only the models and inference profiles the config "
        "allows the account (a profile's destination-region models only through that profile), and denies inference "
        "under any other guardrail or none; no role attaches an AWS managed policy that allows inference without it."
    ),
    part11={
        "11.10(a)": "The AI-assisted step runs only on the validated models and never bypasses the validated guardrail.",
        "11.10(d)": "Bedrock models are usable only by roles the account grants them to, and only those the configuration lists.",
    },
    annex11={
        "10": "A model enters use only through a controlled change to the configuration, never by a caller choosing it.",
    },
    eu_ai_act={
        "15": "The protective screening cannot be bypassed by a caller omitting or swapping the guardrail.",
    },
    resource_types=POLICY_TYPES,
    check=check,
    deployed=DeployedCheck(read=_deployed, accounts=WORKLOADS, regions="workload"),
)

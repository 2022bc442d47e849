"""GXP-AI-04: from the workload VPC, Bedrock is reached through interface endpoints whose policies
admit only the account's principals, only the allowed models, and a read-only control plane."""

from __future__ import annotations

from ..cfn import Unresolved
from ..compute._helpers import vpcs_with
from ..deployed.endpoints import vpc_endpoints
from ..model import Control, DeployedCheck, all_of, cannot_prove, cfn_bool, compliant, non_compliant, not_applicable
from ..policy import statements, unreadable
from ._helpers import WORKLOADS, genai_settings, inference_arns

RUNTIME_ACTIONS = ("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream", "bedrock:ApplyGuardrail")
READ_ONLY_PREFIXES = ("bedrock:get", "bedrock:list")


def _own_account(statement, account):
    values = statement.condition("StringEquals", "aws:PrincipalAccount")
    return values == [account]


def _runtime_policy(document, account, allowed, label):
    """``allowed`` holds the configured model and profile ARNs and the account's guardrails."""
    verdicts = []
    for s in statements(document):
        if not s.is_allow:
            continue
        if not _own_account(s, account):
            verdicts.append(non_compliant(f"{label} admits principals outside account {account}"))
        actions = [a for a in s.raw.get("Action", []) if isinstance(a, str)] if isinstance(s.raw.get("Action"), list) \
            else [s.raw.get("Action")]
        if "NotAction" in s.raw or any(not isinstance(a, str) or a.lower() not in [r.lower() for r in RUNTIME_ACTIONS] for a in actions):
            verdicts.append(non_compliant(f"{label} allows {s.raw.get('Action') or s.raw.get('NotAction')}, beyond inference"))
        outside = [r for r in s.resources() if not (isinstance(r, str) and r in allowed)]
        if outside or "NotResource" in s.raw:
            verdicts.append(non_compliant(f"{label} allows {', '.join(map(str, outside)) or 'NotResource'}, not configured"))
    if not any(s.is_allow for s in statements(document)):
        return non_compliant(f"{label} allows nothing")
    return all_of(*verdicts) if verdicts else compliant()


def _control_policy(document, account, label):
    verdicts = []
    for s in statements(document):
        if not s.is_allow:
            continue
        if not _own_account(s, account):
            verdicts.append(non_compliant(f"{label} admits principals outside account {account}"))
        actions = s.raw.get("Action") if isinstance(s.raw.get("Action"), list) else [s.raw.get("Action")]
        writes = [a for a in actions if not (isinstance(a, str) and a.lower().startswith(READ_ONLY_PREFIXES))]
        if writes or "NotAction" in s.raw:
            verdicts.append(non_compliant(f"{label} allows {', '.join(map(str, writes)) or 'NotAction'}: not read-only"))
    if not any(s.is_allow for s in statements(document)):
        return non_compliant(f"{label} allows nothing")
    return all_of(*verdicts) if verdicts else compliant()


def _endpoint(vpc, service, judge):
    region = vpc.stack.region
    name = f"com.amazonaws.{region}.{service}"
    found = [e for e in vpc.stack.of_type("AWS::EC2::VPCEndpoint") if vpc.refers_to(e.get("VpcId"))]
    unknown = [e for e in found if isinstance(e.get("ServiceName"), Unresolved)]
    matching = [e for e in found if e.get("ServiceName") == name]
    if not matching:
        return cannot_prove(f"{name}: {unknown[0].get('ServiceName').why}") if unknown else non_compliant(f"no {name} endpoint")
    verdicts = []
    for endpoint in matching:
        document = endpoint.get("PolicyDocument")
        if document is None:
            verdicts.append(non_compliant(f"{name} has no endpoint policy: it admits every principal and action"))
        elif (why := unreadable(document)) is not None:
            verdicts.append(cannot_prove(f"{name} policy: {why.why}"))
        else:
            verdicts.append(all_of(
                expect_private(endpoint, name),
                judge(document, f"{name} policy"),
            ))
    return all_of(*verdicts)


def expect_private(endpoint, name):
    private = cfn_bool(endpoint.get("PrivateDnsEnabled"))
    if isinstance(private, Unresolved):
        return cannot_prove(f"{name} PrivateDnsEnabled: {private.why}")
    return compliant() if private else non_compliant(f"{name} PrivateDnsEnabled is not true: callers reach the public endpoint")


def check(vpc, ctx):
    stack = vpc.stack
    if ctx.config is None:
        return cannot_prove("which accounts use Bedrock comes from the config")
    if genai_settings(ctx, stack.account) is None:
        return not_applicable("the config allows this account no Bedrock")
    account = stack.account
    allowed = inference_arns(ctx, account, stack.region) | {f"arn:aws:bedrock:{stack.region}:{account}:guardrail/*"}
    verdict = all_of(
        _endpoint(vpc, "bedrock-runtime", lambda d, label: _runtime_policy(d, account, allowed, label)),
        _endpoint(vpc, "bedrock", lambda d, label: _control_policy(d, account, label)),
    )
    if verdict.passed:
        return compliant("bedrock-runtime and bedrock endpoints with private DNS; inference on the configured models and "
                         f"the control plane read-only, for principals of {account} only")
    return verdict


CONTROL = Control(
    id="GXP-AI-04",
    title="Bedrock reached privately, under endpoint policies",
    statement=(
        "Where the config allows Bedrock, the workload VPC has bedrock-runtime and bedrock interface endpoints with "
        "private DNS, whose policies admit only the account's principals, on the runtime endpoint only inference on "
        "the configured models and profiles (and the account's guardrails), and on the control plane only Get and "
        "List actions."
    ),
    part11={
        "11.10(d)": "Workloads reach the models over the account's private network path, open only to its own principals.",
    },
    annex11={
        "12.1": "Logical access to the AI service from the regulated network is restricted to the account and its allowed models.",
    },
    eu_ai_act={
        "15": "Prompts and answers do not cross the internet, and the guardrail and logging cannot be changed from the workload network.",
    },
    resource_types=("AWS::EC2::VPC",),
    check=check,
    deployed=DeployedCheck(read=vpcs_with(vpc_endpoints), accounts=WORKLOADS, regions="workload"),
)

"""The risk assessment: a GAMP 5 software category per component, an FMEA per user requirement, and the
test depth each requirement's risk asks for (Annex 11 §1: validation based on a documented risk
assessment; GAMP 5 Second Edition's categories 1, 3, 4 and 5).

Risk priority = severity x occurrence x detectability (each 1-5). High: severity 5 with occurrence of 2
or more, or a priority of 40 or more; medium: a priority of 16 or more; low otherwise. Depth: low ->
IQ; medium -> IQ and an OQ, PQ or UAT test; high -> IQ (where a control implements it) and at least two
tests beyond it, among them a challenge test (an OQ step that tries what must be refused, or a PQ test
under load). tests/test_validation_package.py fails if a requirement's tests are shallower.
"""

from __future__ import annotations

from dataclasses import dataclass

from .user_needs import UserNeed


@dataclass(frozen=True)
class Component:
    name: str
    category: int
    why: str
    stacks: tuple[str, ...]  # stack name prefixes that deploy it ("*" for the platform AWS runs)
    verified_by: str


COMPONENTS = (
    Component("AWS cloud services (S3, KMS, CloudTrail, Config, Organizations, IAM Identity Center, VPC, EventBridge, SNS)",
              1, "Infrastructure software supplied by AWS, used as supplied; qualified by its configuration (IQ) and the "
                 "supplier assessment (customer's part, Annex 11 §3)", ("*",), "IQ of every control; supplier assessment"),
    Component("Estate configuration: this landing zone's stacks, guardrails, policies and keys",
              4, "Standard services configured from one config file; the code produces a configuration that every "
                 "synthesis judges and IQ verifies deployed", ("Organization", "OrganizationBaseline", "Baseline", "Access",
                                                                 "LogArchive", "Audit", "Compliance", "Records"),
              "synthesis (controls engine), IQ, OQ"),
    Component("Electronic signature service (Lambda code, Cognito user pool, API Gateway, DynamoDB ledger)",
              5, "Custom application code that executes Part 11 signatures", ("Signatures",),
              "unit tests of the runtime, IQ, OQ-SIG-01..06, PQ-01, UAT-01"),
    Component("Discovery compute (AWS Batch, SageMaker pipelines, HealthOmics)",
              4, "Configured services; the workloads they run are the customer's applications, validated by the customer",
              ("Compute",), "IQ, PQ-02"),
    Component("Qualification tooling (controls engine, IQ and OQ runners, this package's generator)",
              5, "Custom tools whose output is GxP evidence; verified by the project's own test suite (every control "
                 "with compliant, non-compliant and weakening cases; runners against moto)", (), "test suite"),
)

HIGH, MEDIUM, LOW = "high", "medium", "low"


def priority(need: UserNeed) -> int:
    return need.severity * need.occurrence * need.detectability


def risk_class(need: UserNeed) -> str:
    rpn = priority(need)
    if (need.severity == 5 and need.occurrence >= 2) or rpn >= 40:
        return HIGH
    return MEDIUM if rpn >= 16 else LOW


DEPTH = {
    HIGH: "IQ where a control implements it, plus at least two OQ/PQ/UAT tests, one of them a challenge test",
    MEDIUM: "IQ where a control implements it, plus at least one OQ, PQ or UAT test",
    LOW: "IQ of the controls that implement it (or a UAT test where none does)",
}


def depth_gaps(need: UserNeed) -> list[str]:
    """What the need's tests lack for its risk class; empty when the depth is met."""
    beyond = len(need.oq) + len(need.pq) + len(need.uat)
    challenge = bool(need.oq or need.pq)
    gaps = []
    if not need.controls and not need.uat:
        gaps.append("no test at all")
    level = risk_class(need)
    if level == MEDIUM and beyond < 1:
        gaps.append("a medium-risk need needs an OQ, PQ or UAT test beyond IQ")
    if level == HIGH and (beyond < 2 or not challenge):
        gaps.append("a high-risk need needs two tests beyond IQ, one of them an OQ challenge or a PQ test")
    return gaps


def fmea(needs) -> list[dict]:
    return [{"requirement": n.id, "failure": n.failure, "severity": n.severity, "occurrence": n.occurrence,
             "detectability": n.detectability, "priority": priority(n), "risk": risk_class(n),
             "depth": DEPTH[risk_class(n)], "gaps": depth_gaps(n)} for n in needs]


def components(stack_names) -> list[dict]:
    """The components this estate deploys, with the stacks of each."""
    names = list(stack_names)
    rows = []
    for c in COMPONENTS:
        deployed = names if c.stacks == ("*",) else [s for s in names if any(s.split("-")[0] == p for p in c.stacks)]
        if c.stacks and not deployed:
            continue
        rows.append({"name": c.name, "category": c.category, "why": c.why, "verified_by": c.verified_by,
                     "stacks": [] if c.stacks == ("*",) else deployed})
    return rows

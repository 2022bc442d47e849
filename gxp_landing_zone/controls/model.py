"""What a control is: its ID, the clauses it serves (each with why), where it applies, what it requires,
and the two predicates that judge it - one on the synthesized template, one on the deployed account.

Both predicates end in the same function: the IQ reads the deployed resource with boto3, puts it in the
shape CloudFormation uses (see ``deployed/``), and calls the control's ``check``. Synthesis and
qualification therefore cannot disagree about what the control requires.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from .cfn import Joined, Ref, Resource, Unresolved

if TYPE_CHECKING:
    from .context import ControlContext
    from .deployed.reader import AccountReader

# Framework IDs as the regulation catalog (validation/regulations.yaml) names them.
FRAMEWORKS = ("part11", "annex11", "jp-eres", "eu-ai-act")

# Where a control applies: "everywhere", or only inside the validation boundary (every account but
# research accounts).
EVERYWHERE = "everywhere"
REGULATED_ONLY = "regulated"

# Account kinds, as the config names them.
MANAGEMENT, LOG_ARCHIVE, AUDIT, REGULATED, RESEARCH = "management", "log-archive", "audit", "regulated", "research"
DEPLOYMENT = "deployment"
ALL_KINDS = frozenset({MANAGEMENT, LOG_ARCHIVE, AUDIT, REGULATED, RESEARCH, DEPLOYMENT})


class Outcome(str, Enum):
    COMPLIANT = "COMPLIANT"
    NON_COMPLIANT = "NON_COMPLIANT"
    # The value the control depends on is not in the template (a deploy-time parameter, a condition)
    # or could not be read from the account: not proven, so it fails like a violation.
    CANNOT_PROVE = "CANNOT_PROVE"
    NOT_APPLICABLE = "NOT_APPLICABLE"

    @property
    def failed(self) -> bool:
        return self in (Outcome.NON_COMPLIANT, Outcome.CANNOT_PROVE)


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    # What was seen, in words a reviewer can check against the template or the API response.
    observed: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome is Outcome.COMPLIANT


def compliant(observed: str = "") -> Verdict:
    return Verdict(Outcome.COMPLIANT, observed)


def non_compliant(observed: str) -> Verdict:
    return Verdict(Outcome.NON_COMPLIANT, observed)


def cannot_prove(observed: str | Unresolved) -> Verdict:
    return Verdict(Outcome.CANNOT_PROVE, f"cannot prove: {observed.why}" if isinstance(observed, Unresolved) else observed)


def not_applicable(observed: str = "") -> Verdict:
    return Verdict(Outcome.NOT_APPLICABLE, observed)


_SEVERITY = (Outcome.NON_COMPLIANT, Outcome.CANNOT_PROVE, Outcome.COMPLIANT, Outcome.NOT_APPLICABLE)


def all_of(*verdicts: Verdict) -> Verdict:
    """Every part must pass: the worst verdict wins, and the failing parts say why."""
    if not verdicts:
        return not_applicable()
    worst = min(verdicts, key=lambda v: _SEVERITY.index(v.outcome))
    if worst.outcome is Outcome.NOT_APPLICABLE:
        return worst
    same = [v.observed for v in verdicts if v.outcome is worst.outcome and v.observed]
    return Verdict(worst.outcome, "; ".join(same))


# -- reading values as CloudFormation does ----------------------------------------------------------


def cfn_bool(value: Any) -> bool | None | Unresolved:
    """CloudFormation accepts true/false and the strings "true"/"false" for Boolean properties."""
    if isinstance(value, (bool, Unresolved)) or value is None:
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return Unresolved(f"{value!r} is not a Boolean")


def cfn_int(value: Any) -> int | None | Unresolved:
    if isinstance(value, bool):
        return Unresolved(f"{value!r} is not a number")
    if isinstance(value, (int, Unresolved)) or value is None:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return Unresolved(f"{value!r} is not a whole number")


def show(value: Any) -> str:
    if isinstance(value, (Ref, Joined)):
        return str(value)
    return repr(value) if not isinstance(value, Unresolved) else str(value)


def expect(value: Any, required: Any, what: str) -> Verdict:
    """``value`` equals ``required``; unresolved is "cannot prove"."""
    if isinstance(value, Unresolved):
        return cannot_prove(f"{what}: {value.why}")
    if value == required:
        return compliant(f"{what} is {show(value)}")
    return non_compliant(f"{what} is {show(value)}; required {show(required)}")


def expect_true(resource: Resource, path: str) -> Verdict:
    return expect(cfn_bool(resource.get(path)), True, path)


def expect_present(value: Any, what: str) -> Verdict:
    if isinstance(value, Unresolved):
        return cannot_prove(f"{what}: {value.why}")
    if value in (None, "", [], {}):
        return non_compliant(f"{what} is not set")
    return compliant(f"{what} is {show(value)}")


# -- the control ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DeployedCheck:
    """The IQ half of a control: which deployed resources to read, in which accounts and regions.
    ``read`` yields resources in CloudFormation's shape; the control's own ``check`` judges them."""

    read: Callable[["AccountReader"], Iterable[Resource]]
    accounts: frozenset[str]
    # "home": the home region only; "all": every allowed region; "workload": each region the account
    # runs workloads in (its configured regions, else the home region).
    regions: str = "home"


def _frozen(clauses: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(clauses or {}))


@dataclass(frozen=True, kw_only=True)
class Control:
    id: str
    title: str
    statement: str
    resource_types: tuple[str, ...]
    check: Callable[[Resource, "ControlContext"], Verdict]
    deployed: DeployedCheck
    # Clause -> one line on how this control serves it, per framework.
    part11: Mapping[str, str] = field(default_factory=dict)
    annex11: Mapping[str, str] = field(default_factory=dict)
    jp_eres: Mapping[str, str] = field(default_factory=dict)
    eu_ai_act: Mapping[str, str] = field(default_factory=dict)
    boundary: str = EVERYWHERE
    # Regimes the control belongs to (an account declares which apply to it).
    regimes: tuple[str, ...] = ("gxp",)
    # The AWS Config managed rule that watches the same setting after deployment, where one exists.
    config_rule: str | None = None
    # Set, instead of clauses, on a control kept for how the platform performs (reliability, cost) that serves
    # no clause of a traced regulation: why it exists. The report lists it apart and claims nothing for it.
    operational: str = ""

    def __post_init__(self):
        for name in ("part11", "annex11", "jp_eres", "eu_ai_act"):
            object.__setattr__(self, name, _frozen(getattr(self, name)))
        if self.boundary not in (EVERYWHERE, REGULATED_ONLY):
            raise ValueError(f"{self.id}: boundary must be {EVERYWHERE!r} or {REGULATED_ONLY!r}")

    @property
    def rationales(self) -> dict[str, Mapping[str, str]]:
        """Framework ID -> clause -> rationale."""
        return {"part11": self.part11, "annex11": self.annex11, "jp-eres": self.jp_eres, "eu-ai-act": self.eu_ai_act}

    @property
    def clauses(self) -> dict[str, tuple[str, ...]]:
        return {framework: tuple(clauses) for framework, clauses in self.rationales.items()}

    def rationale(self, framework: str, clause: str) -> str | None:
        return self.rationales.get(framework, {}).get(clause)

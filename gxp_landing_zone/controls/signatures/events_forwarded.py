"""GXP-ESIG-08: every signature event, applied or refused, is forwarded to the audit account's bus."""

from __future__ import annotations

from ..cfn import Ref, Unresolved, contains_unresolved
from ..deployed.lambda_functions import bus_rules
from ..model import (
    REGULATED_ONLY,
    Control,
    Outcome,
    Verdict,
    cannot_prove,
    compliant,
    non_compliant,
    not_applicable,
)
from ..policy import as_list, document
from ._service import is_service_function, is_signing_function, service_check, service_functions, variable

VARIABLE = "EVENT_BUS_NAME"
# A rule without EventBusName is on the account's default bus.
DEFAULT_BUS = "default"
ENABLED = "ENABLED"


def _bus(value, stack):
    """A bus as a comparable name: an ARN's last part, a Ref to a bus of the template by its Name."""
    if value is None:
        return DEFAULT_BUS
    if isinstance(value, Ref):
        target = stack.target(value, "AWS::Events::EventBus")
        return (target.get("Name") if target is not None else None) or value
    if isinstance(value, str) and ":event-bus/" in value:
        return value.rsplit("/", 1)[-1]
    return value


def _matches_source(entry, source: str) -> bool:
    if isinstance(entry, dict) and isinstance(entry.get("prefix"), str):
        return source.startswith(entry["prefix"])
    return entry == source


def _relevant(rule, bus, source) -> bool:
    """Whether a rule is on the function's bus and could match the signature source."""
    on = rule.get("EventBusName")
    if isinstance(on, Unresolved) or isinstance(rule.get("EventPattern"), Unresolved):
        return True
    if _bus(on, rule.stack) != bus:
        return False
    pattern = document(rule.get("EventPattern"))
    if not isinstance(pattern, dict) or contains_unresolved(pattern) is not None:
        return True
    return any(_matches_source(e, source) for e in as_list(pattern.get("source")))


def _forwards_everything(rule, ctx):
    name = rule.get("Name") if isinstance(rule.get("Name"), str) else rule.logical_id
    for path in ("EventBusName", "State", "EventPattern", "Targets"):
        if (why := contains_unresolved(rule.get(path))) is not None:
            return cannot_prove(f"rule {name} {path}: {why.why}")
    if rule.get("State") != ENABLED:
        return non_compliant(f"rule {name} State is {rule.get('State') or 'not set'}; required {ENABLED}")
    pattern = document(rule.get("EventPattern"))
    # Any filter beside the source (detail-type, detail) drops some signature events: refusals must
    # reach the audit account as surely as applied signatures.
    extra = sorted(set(pattern) - {"source"}) if isinstance(pattern, dict) else ["(not an object)"]
    if extra:
        return non_compliant(f"rule {name} also filters on {extra}, so some signature events are not forwarded")
    arns = [t.get("Arn") for t in as_list(rule.get("Targets")) if isinstance(t, dict)]
    if ctx.audit_bus_arn not in arns:
        return non_compliant(f"rule {name} targets {arns or 'nothing'}; required {ctx.audit_bus_arn}")
    return compliant(f"rule {name} forwards every {ctx.signature_event_source} event to {ctx.audit_bus_arn}")


def check(function, ctx):
    bus = variable(function, VARIABLE)
    if bus is None:
        signing = is_signing_function(function, ctx)
        if isinstance(signing, Unresolved):
            return cannot_prove(f"whether the function signs: {signing.why}")
        return non_compliant(f"the signing function sets no {VARIABLE}") if signing else not_applicable()
    service = is_service_function(function, ctx)
    if isinstance(service, Unresolved):
        return cannot_prove(f"whether the function is the signature service's: {service.why}")
    if not service:
        return not_applicable()
    if isinstance(bus, Unresolved):
        return cannot_prove(f"{VARIABLE}: {bus.why}")
    if ctx.audit_bus_arn is None:
        return cannot_prove("the audit bus comes from the config, which was not given")
    bus = _bus(bus, function.stack)
    source = ctx.signature_event_source
    verdicts = [
        _forwards_everything(rule, ctx)
        for rule in function.stack.of_type("AWS::Events::Rule")
        if _relevant(rule, bus, source)
    ]
    if not verdicts:
        return non_compliant(f"no rule on bus {bus} matches source {source}")
    for outcome in (Outcome.COMPLIANT, Outcome.CANNOT_PROVE):
        chosen = [v.observed for v in verdicts if v.outcome is outcome]
        if chosen:
            return Verdict(outcome, "; ".join(chosen))
    return non_compliant("; ".join(v.observed for v in verdicts))


def _read(reader):
    functions = service_functions(reader)
    for bus in sorted({bus for f in functions if isinstance(bus := variable(f, VARIABLE), str)}):
        bus_rules(reader, bus)
    return functions


CONTROL = Control(
    id="GXP-ESIG-08",
    title="Signature events reach the audit account",
    statement=(
        "On the bus each signature-service function publishes to (EVENT_BUS_NAME), an enabled rule matches every "
        "event of the signature source, with no other filter, and targets the audit account's event bus, where "
        "refusals raise an alert."
    ),
    part11={
        "11.300(d)": "Refused signature attempts reach the audit account at once, where they are reported as possible misuse.",
        "11.10(e)": "Every signing action is recorded outside the account that performed it, where its operators cannot obscure it.",
    },
    annex11={
        "9": "Signature events join the audit trail kept in the separate audit account.",
        "13": "Refused signatures arrive where they are assessed as incidents.",
    },
    jp_eres={
        "3.1.1": "Authenticity: who signed what, and who was refused, is traceable outside the workload account.",
        "4": "Each signature event, with its signer, is kept as evidence of the signer's act.",
    },
    resource_types=("AWS::Lambda::Function",),
    check=check,
    deployed=service_check(_read),
    boundary=REGULATED_ONLY,
)

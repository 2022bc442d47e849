"""GXP-ESIG-12: meanings reserved to named groups (batch release by a Qualified Person) and the rule that
one person signs a version with one meaning are deployed exactly as the config states them."""

from __future__ import annotations

import json

from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, cannot_prove, compliant, non_compliant
from ._service import service_check, service_functions, signing_setting, variable

VARIABLE = "SIGNING_RESTRICTIONS"


def expected(ctx) -> dict | Unresolved:
    if ctx.config is None:
        return Unresolved("the reserved meanings come from the config, which was not given")
    settings = ctx.config.signatures
    return {
        "restricted_meanings": {m: sorted(groups) for m, groups in settings.restricted_meanings.items()},
        "same_person_may_sign": sorted(n for n, rc in settings.record_classes.items() if rc.same_person_may_sign),
    }


def deployed(text: str) -> dict | None:
    try:
        policy = json.loads(text)
        return {
            "restricted_meanings": {
                m: sorted(groups) for m, groups in (policy.get("restricted_meanings") or {}).items()
            },
            "same_person_may_sign": sorted(policy.get("same_person_may_sign") or []),
        }
    except (TypeError, ValueError, AttributeError):
        return None


def check(function, ctx):
    if variable(function, VARIABLE) is None and variable(function, "SIGNING_POLICY") is not None:
        # A function given a signing policy without restrictions enforces none: batch release open to all.
        return non_compliant(f"the function has a signing policy but no {VARIABLE}")
    text = signing_setting(function, ctx, VARIABLE)
    if not isinstance(text, str):
        return text
    wanted = expected(ctx)
    if isinstance(wanted, Unresolved):
        return cannot_prove(wanted)
    found = deployed(text)
    if found is None:
        return non_compliant(f"{VARIABLE} is not a JSON object")
    differs = [k for k in wanted if found[k] != wanted[k]]
    if differs:
        return non_compliant(f"{VARIABLE} differs from the config in {', '.join(differs)}: {json.dumps(found, sort_keys=True)}")
    reserved = ", ".join(f"{m} to {'/'.join(g)}" for m, g in wanted["restricted_meanings"].items()) or "none"
    return compliant(f"reserved meanings ({reserved}) and one meaning per person per version as configured")


CONTROL = Control(
    id="GXP-ESIG-12",
    title="Batch release reserved to Qualified Persons; one meaning per person",
    statement=(
        "The restrictions each signature function enforces (SIGNING_RESTRICTIONS) reserve each restricted meaning "
        "(batch release) to exactly the groups the config names, whatever a record class grants, and let one person "
        "sign a version with several meanings only in the record classes the config allows."
    ),
    part11={
        "11.10(g)": "A meaning reserved to named groups can be signed by their members alone, and a reviewer cannot also approve the same version.",
        "11.10(f)": "The steps of a sequence are taken by different people unless the config allows otherwise.",
    },
    annex11={
        "15": "Batch release is certified only by members of the configured Qualified Person group, identified by their electronic signature.",
        "12.1": "The authority to release is restricted to the persons the validated configuration names.",
    },
    jp_eres={"4": "The responsibility a release signature carries rests only with those entitled to release."},
    resource_types=("AWS::Lambda::Function",),
    check=check,
    deployed=service_check(service_functions),
    boundary=REGULATED_ONLY,
)

"""GXP-ESIG-12: meanings reserved to named groups (batch release by a Qualified Person) and the rule that
one person signs a version with one meaning are deployed exactly as the config states them, and the API
that applies signatures also serves the printable release record (Annex 11 8.2)."""

from __future__ import annotations

import json

from ..cfn import Unresolved
from ..deployed.apigateway import REST_API, estate_apis
from ..model import REGULATED_ONLY, Control, cannot_prove, compliant, non_compliant, not_applicable
from ._routes import routes
from ._service import service_check, service_functions, signing_setting, variable

VARIABLE = "SIGNING_RESTRICTIONS"
# The signing route marks the signature service's API; the release record is its printout
# (signatures/runtime/release.py), answered by a function through a Lambda proxy integration.
SIGNING_ROUTE, RELEASE_ROUTE = ("POST", "/signatures"), ("GET", "/signatures/release-record")
PROXY = "AWS_PROXY"


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


def _release_route(api):
    found = routes(api)
    if isinstance(found, Unresolved):
        return cannot_prove(found)
    if SIGNING_ROUTE not in found:
        return not_applicable("the API applies no signatures")
    method = found.get(RELEASE_ROUTE)
    if method is None:
        return non_compliant("the API applies signatures (POST /signatures) but serves no GET /signatures/release-record: "
                             "no printout of a release record")
    kind = method.get("Integration.Type")
    if isinstance(kind, Unresolved):
        return cannot_prove(f"GET /signatures/release-record Integration.Type: {kind.why}")
    if kind != PROXY:
        return non_compliant(f"GET /signatures/release-record has integration {kind or 'none'}; required {PROXY} to the "
                             "signature service")
    return compliant("the signature API serves GET /signatures/release-record through a Lambda proxy integration")


def check(resource, ctx):
    if resource.type == REST_API:
        return _release_route(resource)
    function = resource
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
    title="Batch release reserved to Qualified Persons, with a printable release record; one meaning per person",
    statement=(
        "The restrictions each signature function enforces (SIGNING_RESTRICTIONS) reserve each restricted meaning "
        "(batch release) to exactly the groups the config names, whatever a record class grants, and let one person "
        "sign a version with several meanings only in the record classes the config allows. The API that applies "
        "signatures serves the printable release record (GET /signatures/release-record) through a Lambda proxy "
        "integration."
    ),
    part11={
        "11.10(g)": "A meaning reserved to named groups can be signed by their members alone, and a reviewer cannot also approve the same version.",
        "11.10(f)": "The steps of a sequence are taken by different people unless the config allows otherwise.",
    },
    annex11={
        "15": "Batch release is certified only by members of the configured Qualified Person group, identified by their electronic signature.",
        "12.1": "The authority to release is restricted to the persons the validated configuration names.",
        "8.2": "The signature API serves a printout for batch release; what it states (the record's hash, the release "
               "manifestations, whether the data changed since first entry) is qualified by OQ-SIG-07.",
    },
    jp_eres={"4": "The responsibility a release signature carries rests only with those entitled to release."},
    resource_types=("AWS::Lambda::Function", REST_API),
    check=check,
    deployed=service_check(lambda reader: service_functions(reader) + [r for r in estate_apis(reader) if r.type == REST_API]),
    boundary=REGULATED_ONLY,
)

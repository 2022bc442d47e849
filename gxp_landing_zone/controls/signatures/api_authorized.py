"""GXP-API-01: every API method requires an authenticated identity."""

from __future__ import annotations

from ..cfn import Unresolved
from ..deployed.apigateway import METHOD, estate_apis
from ..model import Control, cannot_prove, compliant, non_compliant, not_applicable
from ._service import service_check

NONE = "NONE"


def check(method, ctx):
    http_method, integration = method.get("HttpMethod"), method.get("Integration.Type")
    # Browsers send CORS pre-flight requests without credentials; a MOCK integration answers them
    # inside API Gateway, reaching no function and no data.
    if http_method == "OPTIONS" and integration == "MOCK":
        return not_applicable()
    kind = method.get("AuthorizationType")
    if isinstance(kind, Unresolved):
        return cannot_prove(f"AuthorizationType: {kind.why}")
    if kind is None or str(kind).upper() == NONE:
        return non_compliant(f"{http_method} has AuthorizationType {kind or 'not set (NONE)'}: anyone may call it")
    return compliant(f"{http_method} has AuthorizationType {kind}")


CONTROL = Control(
    id="GXP-API-01",
    title="Every API method requires an authenticated identity",
    statement=(
        "No API Gateway method has authorization NONE (or none stated): every call carries a verified identity. "
        "Only CORS pre-flight OPTIONS methods answered by a MOCK integration are exempt."
    ),
    part11={
        "11.10(d)": "Only authenticated users reach the signature functions.",
        "11.10(g)": "Each call arrives with a verified identity and its groups, on which the authority check rests.",
        "11.200(a)": "The token every call needs comes only from a sign-in with both identification components.",
    },
    annex11={"12.1": "Logical access to every API operation is restricted to authenticated persons."},
    jp_eres={"4": "Every signature request is attributable to an identified signer."},
    resource_types=(METHOD,),
    check=check,
    deployed=service_check(lambda reader: [r for r in estate_apis(reader) if r.type == METHOD]),
)

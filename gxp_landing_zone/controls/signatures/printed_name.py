"""GXP-ESIG-06: the user pool holds every signer's full name, the printed name of the manifestation."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, cannot_prove, cfn_bool, compliant, non_compliant
from ._pool import SIGNER_POOL

# Cognito's standard attribute for the full name (OIDC "name").
FULL_NAME = "name"


def check(pool, ctx):
    schema = pool.get("Schema")
    if isinstance(schema, Unresolved):
        return cannot_prove(f"Schema: {schema.why}")
    for attribute in schema if isinstance(schema, list) else []:
        name = attribute.get("Name") if isinstance(attribute, dict) else attribute
        if isinstance(name, Unresolved):
            return cannot_prove(f"a Schema entry: {name.why}")
        if name != FULL_NAME:
            continue
        required = cfn_bool(attribute.get("Required"))
        if isinstance(required, Unresolved):
            return cannot_prove(f"Schema {FULL_NAME}.Required: {required.why}")
        if required:
            return compliant(f"Schema attribute '{FULL_NAME}' is required")
        return non_compliant(f"Schema attribute '{FULL_NAME}' is optional; required true")
    return non_compliant(f"Schema has no '{FULL_NAME}' attribute; required, with Required true")


CONTROL = Control(
    id="GXP-ESIG-06",
    title="Printed name held for every signer",
    statement="The user pool requires the full-name attribute ('name'): the printed name each signature manifestation shows.",
    part11={"11.50(a)": "Every signer has the printed name the manifestation must show; no account exists without one."},
    annex11={"14": "The signature names its signer as a handwritten one does."},
    jp_eres={"4": "Signature content: the signer's name is available for every signature."},
    resource_types=("AWS::Cognito::UserPool",),
    check=check,
    deployed=SIGNER_POOL,
    boundary=REGULATED_ONLY,
)

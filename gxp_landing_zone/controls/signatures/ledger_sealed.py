"""GXP-ESIG-13: every ledger entry is sealed with an asymmetric KMS key that only the signing function
may use, so an entry written around the service (straight into the table or the manifest bucket) is
told apart from one the service recorded."""

from __future__ import annotations

from ..cfn import Unresolved
from ..deployed.kms import key as read_key
from ..model import REGULATED_ONLY, Control, cannot_prove, non_compliant, not_applicable, show
from ..signing_keys import key_named, signing_key_verdict
from ._service import is_signing_function, service_check, service_functions, variable

VARIABLE = "LEDGER_SEAL_KEY"


def check(function, ctx):
    signing = is_signing_function(function, ctx)
    if isinstance(signing, Unresolved):
        return cannot_prove(f"whether the function signs: {signing.why}")
    if not signing:
        return not_applicable()
    value = variable(function, VARIABLE)
    if value is None:
        return non_compliant(f"the signing function sets no {VARIABLE}: its ledger entries are not sealed")
    if isinstance(value, Unresolved):
        return cannot_prove(f"{VARIABLE}: {value.why}")
    key = key_named(function, value)
    if key is None:
        return cannot_prove(f"{VARIABLE} {show(value)} is not a key this account's template or reading defines")
    return signing_key_verdict(key, function.get("Role"), "the signing function", "the seal key")


def _read(reader):
    functions = service_functions(reader)
    read_key(reader, reader.names.signature_seal_key_alias(), _alias_target(reader))
    return functions


def _alias_target(reader):
    from ..deployed.kms import aliases

    found = aliases(reader, "alias/gxp/")
    return None if isinstance(found, Unresolved) else found.get(reader.names.signature_seal_key_alias())


CONTROL = Control(
    id="GXP-ESIG-13",
    title="Ledger entries sealed by a key only the signing function may use",
    statement=(
        "The signing function seals every ledger entry with the key named in LEDGER_SEAL_KEY: an asymmetric KMS "
        "signing key whose policy allows kms:Sign to the function's role alone, denies it to every other principal, "
        "denies grants on the key and denies changes to its policy outside a deployment."
    ),
    part11={
        "11.70": "A signature cannot be forged, copied or transferred by writing the ledger or the manifest bucket: the entry would lack a seal only the service can make.",
        "11.10(e)": "Entries of the signing record written around the service are told apart from those the service recorded.",
    },
    annex11={"14": "The permanent link between a signature and its record carries proof that the signature service made it."},
    jp_eres={
        "3.1.1": "Authenticity: who wrote each ledger entry is provable from its seal, not only from where it is stored.",
        "4": "Signature-record linking is proven by a seal the signers' own service alone can apply.",
    },
    resource_types=("AWS::Lambda::Function",),
    check=check,
    deployed=service_check(_read),
    boundary=REGULATED_ONLY,
)

"""GXP-ESIG-09: the signing authority and order the functions enforce are exactly the config's."""

from __future__ import annotations

import json

from ...config.change_control import RELEASE_MEANING
from ...naming import CHANGE_RECORD_PREFIX
from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, cannot_prove, compliant, non_compliant
from ._service import service_check, service_functions, signing_setting

VARIABLE = "SIGNING_POLICY"
# The deployment account's service signs one record class: the pipeline's change records.
CHANGE_RECORD_CLASS = "change-record"
COMPARED = ("meanings", "grants", "sequences", "record_classes")


def expected_policy(function, ctx) -> dict | Unresolved:
    """The policy the validated config implies for the records buckets of this account and region (in the
    deployment account: the change records, signed only "approved-for-release" by the release approvers)."""
    account, region = function.stack.account, function.region
    if ctx.config is None:
        return Unresolved("the signing policy comes from the config, which was not given")
    if not (isinstance(account, str) and isinstance(region, str)):
        return Unresolved("the records buckets are named by account and region, which the stack does not state")
    settings, names = ctx.config.signatures, ctx.names
    if ctx.account_kind(account) == "deployment":
        groups = ctx.config.change_control.release.approver_groups
        return {
            "meanings": [RELEASE_MEANING],
            "grants": {CHANGE_RECORD_CLASS: {group: [RELEASE_MEANING] for group in groups}},
            "sequences": {},
            "record_classes": {f"{names.evidence_bucket}/{CHANGE_RECORD_PREFIX}": CHANGE_RECORD_CLASS},
        }
    return {
        "meanings": sorted(settings.meanings),
        "grants": ctx.signature_grants,
        "sequences": ctx.signature_sequences,
        "record_classes": {
            f"{names.records_bucket(rc.data_class, account, region)}/{rc.key_prefix}": name
            for name, rc in settings.record_classes.items()
        },
    }


def deployed_policy(text) -> dict | None:
    """The deployed policy in the expected form (each group's meanings sorted), or None if it is not
    a JSON object of that shape."""
    try:
        policy = json.loads(text)
        return {
            **policy,
            "meanings": sorted(policy.get("meanings") or []),
            "grants": {
                name: {group: sorted(meanings) for group, meanings in (groups or {}).items()}
                for name, groups in (policy.get("grants") or {}).items()
            },
            "sequences": {name: list(order) for name, order in (policy.get("sequences") or {}).items()},
            "record_classes": dict(policy.get("record_classes") or {}),
        }
    except (TypeError, ValueError, AttributeError):
        return None


def check(function, ctx):
    text = signing_setting(function, ctx, VARIABLE)
    if not isinstance(text, str):
        return text
    wanted = expected_policy(function, ctx)
    if isinstance(wanted, Unresolved):
        return cannot_prove(wanted)
    deployed = deployed_policy(text)
    if deployed is None:
        return non_compliant(f"{VARIABLE} is not a JSON policy object")
    differs = [key for key in COMPARED if deployed[key] != wanted[key]]
    # A default class signs records no record class covers, under whichever grants it names.
    if deployed.get("default_record_class"):
        differs.append(f"default_record_class {deployed['default_record_class']!r} (a catch-all)")
    if differs:
        return non_compliant(f"{VARIABLE} differs from the config in {', '.join(differs)}")
    return compliant(f"{VARIABLE} has the config's {', '.join(COMPARED)} and no catch-all record class")


CONTROL = Control(
    id="GXP-ESIG-09",
    title="Signing authority and order deployed as configured",
    statement=(
        "The signing policy each signature function is given (SIGNING_POLICY) holds exactly the meanings, the groups "
        "granted each meaning per record class, the required sequences and the bucket-to-record-class map of the "
        "validated config, with no catch-all record class; the signing function always has one."
    ),
    part11={
        "11.10(g)": "Only the groups the validated config authorises can sign each record class with each meaning.",
        "11.10(f)": "The order of signatures the config requires (e.g. review before approval) is the order enforced.",
    },
    annex11={"12.1": "Signing is restricted to the persons the validated configuration authorises."},
    jp_eres={"4": "Each meaning is applied only by those responsible for it, so the signature carries that responsibility."},
    resource_types=("AWS::Lambda::Function",),
    check=check,
    deployed=service_check(service_functions),
    boundary=REGULATED_ONLY,
)

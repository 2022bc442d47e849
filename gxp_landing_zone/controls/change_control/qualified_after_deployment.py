"""GXP-CHG-02: every deployment is qualified: IQ and OQ in the validation accounts before production, IQ in
every production account after it."""

from __future__ import annotations

from ...config.change_control import oq_targets, promoted_accounts, validation_accounts
from ..cfn import Unresolved
from ..model import Control, all_of, cannot_prove, compliant, non_compliant, not_applicable
from ._pipeline import MODULE, PIPELINE, PROMOTION_PIPELINE, accounts_of, actions, before, doubtful, where

ACCOUNTS = "$GXP_QUALIFY_ACCOUNTS"


def _qualified(found, kind: str, step: str, required: set[str], after: list, until: list, what: str):
    """A ``step`` action that runs the ``kind`` qualification of every required account, after every one of
    ``after`` and before every one of ``until``."""
    candidates = [a for a in found if a.step == step]
    command = f"{MODULE} qualify {kind}"
    if not candidates:
        if doubtful(found):
            return cannot_prove(f"no readable {step} step; " + "; ".join(doubtful(found)))
        return non_compliant(f"no {step} step: {what} is not qualified")
    reasons = []
    for action in candidates:
        if not (action.runs(command) and action.runs(ACCOUNTS)):
            reasons.append(f"{action.label} does not run `{command} ... --accounts {ACCOUNTS}`")
            continue
        missing = sorted(required - accounts_of(action))
        if missing:
            reasons.append(f"{action.label} leaves out {', '.join(missing)}")
            continue
        if any(not before(a, action) for a in after):
            reasons.append(f"{where(action)} does not wait for {', '.join(where(a) for a in after if not before(a, action))}")
            continue
        if any(not before(action, a) for a in until):
            reasons.append(f"{where(action)} does not finish before {', '.join(where(a) for a in until if not before(action, a))}")
            continue
        return compliant(f"{where(action)} runs the {kind.upper()} of {', '.join(sorted(required))}")
    return non_compliant("; ".join(reasons))


def check(pipeline, ctx):
    found = actions(pipeline)
    if isinstance(found, Unresolved):
        return cannot_prove(f"Stages: {found.why}")
    if ctx.config is None:
        return cannot_prove("the accounts to qualify are known only from the config")
    if not any(a.deploys or a.doubt for a in found):
        return not_applicable("the pipeline deploys nothing")
    config = ctx.config
    validation = [a for a in found if a.step == "deploy:validation"]
    # An action whose project cannot be read might deploy: it is held to what a production deployment is.
    production = [a for a in found if (a.deploys or a.doubt) and a not in validation]
    if not validation:
        return non_compliant("no deploy:validation step: changes reach production without being deployed to the validation accounts")
    early = [where(a) for a in production if not all(before(v, a) for v in validation)]
    if early:
        return non_compliant(f"{', '.join(early)} deploys to production before the validation accounts are deployed")
    return all_of(
        _qualified(found, "iq", "iq:validation", {a.role for a in validation_accounts(config)}, validation, production,
                   "the validation deployment"),
        _qualified(found, "oq", "oq:validation", {a.role for a in oq_targets(config)}, validation, production,
                   "the validation deployment's operation"),
        _qualified(found, "iq", "iq:production", {a.role for a in promoted_accounts(config)}, production, [],
                   "the production deployment"),
    )


CONTROL = Control(
    id="GXP-CHG-02",
    title="Every deployment qualified",
    statement=(
        "The promotion pipeline deploys each change to the validation accounts first and then runs the IQ of every "
        "validation account and the OQ of every OQ target before any production deployment, and runs the IQ of "
        "every production account after the last production deployment; a failed check stops the pipeline."
    ),
    part11={
        "11.10(a)": "Each change is shown, by executed IQ and OQ, to leave the system performing as validated.",
        "11.10(k)": "The qualification records of every change are produced with it and kept with its change record.",
    },
    annex11={
        "10": "A change is tested in a validation environment before use, and its installation verified after it.",
        "4.2": "Change control records carry the qualification results of the change they document.",
    },
    jp_eres={"3.1.1": "Authenticity: the system remains validated through every change."},
    resource_types=(PIPELINE,),
    check=check,
    deployed=PROMOTION_PIPELINE,
)

"""GXP-CHG-01: nothing reaches production before a QA approver's electronic signature releases it."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, cannot_prove, compliant, non_compliant, not_applicable
from ._pipeline import MODULE, PIPELINE, PROMOTION_PIPELINE, actions, before, doubtful, where

GATE_STEP = "release-gate"
# The release gate: waits for and verifies the signature (gxp_landing_zone/change_control/gate.py).
GATE_COMMAND = f"{MODULE} gate"
VALIDATION_STEPS = ("deploy:validation", "iq:validation", "oq:validation")


def check(pipeline, ctx):
    found = actions(pipeline)
    if isinstance(found, Unresolved):
        return cannot_prove(f"Stages: {found.why}")
    # An action whose project cannot be read might deploy: it is held to what a deployment is held to.
    deploying = [a for a in found if (a.deploys and a.step != "deploy:validation") or a.doubt]
    if not deploying:
        return not_applicable("the pipeline deploys nothing")
    gates = [a for a in found if a.step == GATE_STEP]
    running = [a for a in gates if a.runs(GATE_COMMAND)]
    if not running:
        if doubtful(found):
            return cannot_prove("no readable release-gate step; " + "; ".join(doubtful(found)))
        if gates:
            return non_compliant(f"{', '.join(a.label for a in gates)} is marked {GATE_STEP} but does not run `{GATE_COMMAND}`")
        return non_compliant("no release-gate step: production deployments are not preceded by an e-signed release")
    gate = min(running, key=lambda a: a.position)
    early = [a for a in deploying if not before(gate, a)]
    if any(not a.doubt for a in early):
        return non_compliant(f"{', '.join(where(a) for a in early if not a.doubt)} deploys before (or beside) the release "
                             f"gate {where(gate)}")
    late = [where(a) for a in found if a.step in VALIDATION_STEPS and not before(a, gate)]
    if late:
        return non_compliant(f"{', '.join(late)} runs after (or beside) the release gate {where(gate)}: the release "
                             "signature would not cover its results")
    if early:
        return cannot_prove(f"what runs before the release gate cannot all be read: {'; '.join(doubtful(early))}")
    return compliant(f"the release gate {where(gate)} runs `{GATE_COMMAND}` after every validation step and before "
                     f"{len(deploying)} production deployment step(s)")


CONTROL = Control(
    id="GXP-CHG-01",
    title="Release approved by electronic signature before production",
    statement=(
        "The promotion pipeline has a release-gate step that runs the release gate (the signature check of "
        "gxp_landing_zone.change_control); every step of the validation stage runs before it, and every step that "
        "deploys to production after it, so a change reaches production only with a valid 'approved-for-release' "
        "signature of a QA approver on its change record."
    ),
    part11={
        "11.10(k)": "Change control of the system (11.10(k)(2)): every change is approved by a signed, dated decision before it is put into use.",
        "11.10(a)": "The validated state is kept: only a change whose validation evidence QA approved is deployed.",
    },
    annex11={
        "10": "Changes to the system are made only in a controlled manner: the defined procedure includes a QA approval before release.",
        "4.2": "The change control record carries the approver's electronic signature, binding the approval to the record.",
    },
    jp_eres={"3.1.1": "Authenticity: the system changes only with a recorded approval by a responsible person."},
    resource_types=(PIPELINE,),
    check=check,
    deployed=PROMOTION_PIPELINE,
)

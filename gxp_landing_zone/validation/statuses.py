"""The status of a clause and the evidence level of a control: a documented list, computed from the
synthesis results, the executed IQ/OQ records given to the report or package, and what the customer
recorded. Synthesis alone never makes a clause "met".
"""

from __future__ import annotations

from dataclasses import dataclass

MET = "met"
VERIFIED = "verified at synthesis (qualification pending)"
CUSTOMER_OPEN = "customer part open"
NOT_MET = "not met"
NOT_APPLICABLE = "not applicable"
NOT_COVERED = "not yet covered"
NO_RESOURCES = "no resources in scope"
CUSTOMER = "customer responsibility"

# Worst first: the order the summary and the report list them in.
STATUSES = (NOT_MET, NOT_COVERED, VERIFIED, CUSTOMER_OPEN, NO_RESOURCES, MET, NOT_APPLICABLE, CUSTOMER)
MEANINGS = {
    NOT_MET: "a control failed at synthesis or in an executed IQ/OQ record, with no accepted exception",
    NOT_COVERED: "no control or package document serves this clause yet",
    VERIFIED: "every control passed on the synthesized templates; executed IQ/OQ evidence for at least one of them "
              "is not attached yet",
    CUSTOMER_OPEN: "the platform's part is qualified (or provided by the package's documents); the customer's part "
                   "is not recorded yet",
    NO_RESOURCES: "the controls exist, but the estate has no resource they apply to",
    MET: "every control passed at synthesis and in executed, signed IQ/OQ records, and for a shared clause the "
         "customer recorded its part",
    NOT_APPLICABLE: "the clause does not apply to this platform, for the reason given",
    CUSTOMER: "met by the customer's procedures alone (training, written policies, agreements), or a shared clause "
              "whose platform part no control can carry, for the reason given",
}

# Evidence a control reached.
QUALIFIED = "qualified"  # passed at synthesis and in executed, signed IQ/OQ records for every target
SYNTHESIS = "synthesis"  # passed on the synthesized templates only
NO_EVIDENCE = "none"  # failed, or no resource in scope
EVIDENCE_LEVELS = (QUALIFIED, SYNTHESIS, NO_EVIDENCE)

# Clauses that do not apply to this platform, with the reason a reviewer can check.
NOT_APPLICABLE_CLAUSES = {
    ("part11", "11.200(b)"): (
        "No biometric signature is used: the signature service signs with two non-biometric components, a "
        "password and an authenticator code (11.200(a), GXP-ESIG-01)."
    ),
}

# Shared clauses whose platform part no control of this estate can carry, so that what remains is the
# customer's alone: the reason says why, and what the customer shows instead is in package/customer.py.
CUSTOMER_HELD_CLAUSES = {
    ("part11", "11.300(b)"): (
        "No platform control can check, recall or age passwords: workforce passwords live in the customer's "
        "identity provider behind IAM Identity Center, and Cognito user pools (the signer pool) have no password "
        "expiry. Periodic review of identification codes and the identity provider's password policy are the "
        "customer's."
    ),
    ("annex11", "4.8"): (
        "Moving records onto or off this platform is a migration the customer plans and verifies; no control of "
        "the estate performs one. What the platform offers such a migration are tools, not a control: S3 checks "
        "the SHA-256 sent with each upload, and the record export (GXP-REC-07) verifies a copy against the "
        "checksum stored with the version."
    ),
}


@dataclass(frozen=True)
class ControlEvidence:
    """What one control reached: at synthesis (results of its evaluations) and in qualification."""

    results: tuple[str, ...]  # compliant / deviation / not_met per evaluation
    qualification: str | None  # "pass", "fail", "incomplete" (targets without a record), or None (no records given)

    @property
    def failed(self) -> bool:
        return "not_met" in self.results or self.qualification == "fail"

    @property
    def level(self) -> str:
        if not self.results or self.failed:
            return NO_EVIDENCE
        return QUALIFIED if self.qualification == "pass" else SYNTHESIS


def clause_status(kind: str, key: tuple[str, str], controls: list[ControlEvidence], documents: bool,
                  customer_recorded: bool) -> str:
    """``controls``: the evidence of the controls citing the clause; ``documents``: the package's documents
    serve it; ``customer_recorded``: QA recorded the customer's part."""
    if key in NOT_APPLICABLE_CLAUSES:
        return NOT_APPLICABLE
    if kind == "procedural" or (key in CUSTOMER_HELD_CLAUSES and not controls):
        return CUSTOMER
    if not controls and not documents:
        return NOT_COVERED
    if any(c.failed for c in controls):
        return NOT_MET
    in_scope = [c for c in controls if c.results]
    if not in_scope and not documents:
        return NO_RESOURCES
    if any(c.level != QUALIFIED for c in in_scope):
        return VERIFIED
    if kind == "shared" or documents:
        return MET if customer_recorded else CUSTOMER_OPEN
    return MET

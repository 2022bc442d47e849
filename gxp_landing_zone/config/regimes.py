"""Regimes per account: which bodies of rules apply to the data an account processes.

GxP (21 CFR Part 11, EU GMP Annex 11, the MHLW ER/ES guideline) is the estate's baseline and
applies to every account; HIPAA applies only where protected health information is processed,
GDPR where personal data of people in the EU is, APPI where personal information under Japan's
act is. An account lists the regimes that apply to it; the HIPAA Security pack of cdk-nag runs only
on the stacks of accounts that list hipaa, and the compliance report says which regime each
control and clause belongs to.
"""

from __future__ import annotations

from typing import Literal

REGIMES = ("gxp", "hipaa", "gdpr", "appi")
Regime = Literal["gxp", "hipaa", "gdpr", "appi"]
BASELINE = "gxp"
REGIME_TITLES = {
    "gxp": "GxP: 21 CFR Part 11, EU GMP Annex 11, MHLW ER/ES",
    "hipaa": "HIPAA Security Rule (protected health information)",
    "gdpr": "EU GDPR (personal data of people in the EU)",
    "appi": "Japan APPI (personal information)",
}
REGIMES_FIELD_DOC = (
    "regimes that apply to this account's data, e.g. [gxp, hipaa]; gxp always (the estate's baseline), "
    "hipaa only where protected health information is processed"
)


def check_regimes(role: str, regimes: list[str] | None) -> list[str] | None:
    """The account's regimes, refusing a list without the baseline or with a regime twice."""
    if regimes is None:
        return None
    twice = sorted({r for r in regimes if regimes.count(r) > 1})
    if twice:
        raise ValueError(f"regime {', '.join(twice)} is listed twice for '{role}'")
    if BASELINE not in regimes:
        raise ValueError(
            f"regimes of '{role}' must include gxp: the landing zone's controls are the gxp regime and apply to "
            f"every account; list hipaa, gdpr or appi in addition where they apply, e.g. [gxp, hipaa]"
        )
    return regimes


def regimes_of(account) -> tuple[str, ...]:
    """The regimes of an account as the config gives them, else the baseline alone."""
    return tuple(account.regimes or (BASELINE,))

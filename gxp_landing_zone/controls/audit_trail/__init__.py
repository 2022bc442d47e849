"""The organization audit trail (21 CFR 11.10(e); Annex 11 §9, §12.4; MHLW ER/ES authenticity)."""

"""Organization guardrails: the service control policies that bind every member account
(21 CFR 11.10(c), (d), (e); Annex 11 §7.1, §9, §12.1; MHLW ER/ES authenticity and preservation)."""

"""AI and ML: Bedrock inference logged, guardrailed, scoped and private; misuse signalled to the audit
account; model versions released only on a signed evaluation; training data under discovery; models
documented and monitored (21 CFR 11.10(a), (e); Annex 11 §4, §9, §10, §11; EU AI Act Art. 10-15)."""

"""Validated change control: the promotion pipeline's order of steps, the deploy-around guardrail and the
change records (Annex 11 10, 4.2; 21 CFR 11.10(a), 11.10(k))."""

"""Genomics: HealthOmics stores under customer-managed keys and run groups bounded by the config
(11.10(a), 11.10(d); Annex 11 §7.1, §12.1)."""

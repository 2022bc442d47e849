"""Regulated records: one bucket, one key and one retention per data class, kept in its jurisdiction
and traced (11.10(c), (e); Annex 11 §1, §7.1, §17; MHLW ER/ES preservation)."""

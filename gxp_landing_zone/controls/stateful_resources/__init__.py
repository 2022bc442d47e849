"""Where data lives and whether it survives its stack (11.10(c); Annex 11 §1, §7.1, §17)."""

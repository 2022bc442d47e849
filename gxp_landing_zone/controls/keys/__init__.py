"""Customer-managed KMS keys of the estate: rotation and key policies (11.10(c), (d); Annex 11 §7.1, §12.1)."""

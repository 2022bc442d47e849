"""Every S3 bucket of the estate: evidence, records, manifests, logs (11.10(c), (d), (e); Annex 11 §7.1, §17)."""

"""Discovery compute: the workload network, the Batch fleet's instances and jobs, and account-wide EBS
encryption (11.10(a), 11.10(d); Annex 11 §5, §7.1, §12.1)."""

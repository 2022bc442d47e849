"""Access: people reach the accounts only through IAM Identity Center, with their own identity, for a
limited session, at the level their role needs (21 CFR 11.10(d), (g), 11.300; Annex 11 §12)."""

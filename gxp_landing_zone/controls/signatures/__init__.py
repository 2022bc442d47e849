"""The electronic-signature service: signer register, ledger, manifests, API and handlers
(21 CFR Part 11 Subpart C; Annex 11 §14; MHLW ER/ES 4).

The signing rules themselves (manifest binding, chain, freshness, authority, sequencing) are runtime
code, proven by tests/signatures/; these controls prove the infrastructure around them.
"""

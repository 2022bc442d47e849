"""IQ checks: Regulated records and the e-signature service beyond the bucket basics: jurisdiction, replication, lifecycle, signer pool, functions and API.

Registered with ``iq_check`` from checks.py, which imports this module at its end."""

from __future__ import annotations

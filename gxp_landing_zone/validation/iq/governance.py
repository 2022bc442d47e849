"""IQ checks: Estate governance: identity, key policies, log groups, Config rules and aggregation, alerts, retention of stateful resources and data residency.

Registered with ``iq_check`` from checks.py, which imports this module at its end."""

from __future__ import annotations

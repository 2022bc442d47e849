"""IQ checks: Discovery compute beyond the network basics: instance settings of the Batch fleets, SageMaker pipelines and HealthOmics stores and run groups.

Registered with ``iq_check`` from checks.py, which imports this module at its end."""

from __future__ import annotations

"""Pre-flight: read-only checks of what a first `make deploy` into a fresh organization needs and
the stacks cannot create themselves (organization features, trusted access, delegated
administrators, Identity Center, service-linked roles, CDK bootstrap, Lambda concurrency)."""

from .result import Check
from .runner import PreflightError, Run, account_run, organization_run

__all__ = ["Check", "PreflightError", "Run", "account_run", "organization_run"]

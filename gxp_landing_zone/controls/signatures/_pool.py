"""What the signer-register controls share: where the IQ finds the signer user pool."""

from __future__ import annotations

from ..deployed.cognito import signer_pools
from ..model import REGULATED, DeployedCheck

# The signature service, and with it the signer pool, is deployed in each workload region of every
# regulated account (estate.py), tagged with the account's role.
SIGNER_POOL = DeployedCheck(read=signer_pools, accounts=frozenset({REGULATED}), regions="workload")

"""What the audit-trail controls share: where the IQ finds the organization trail."""

from __future__ import annotations

from ..deployed.cloudtrail import trail
from ..model import MANAGEMENT, DeployedCheck

# The organization trail lives in the management account's home region.
ORGANIZATION_TRAIL = DeployedCheck(
    read=lambda reader: [trail(reader, reader.names.trail_name)],
    accounts=frozenset({MANAGEMENT}),
    regions="home",
)

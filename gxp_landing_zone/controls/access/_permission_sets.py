"""Where the IQ finds the permission sets: the management account's home region, where Identity
Center runs."""

from __future__ import annotations

from ..deployed.sso import permission_sets
from ..model import MANAGEMENT, DeployedCheck

PERMISSION_SET = "AWS::SSO::PermissionSet"

IDENTITY_CENTER = DeployedCheck(read=permission_sets, accounts=frozenset({MANAGEMENT}), regions="home")

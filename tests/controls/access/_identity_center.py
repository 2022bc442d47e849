"""What the access tests share: the Access stack and its permission sets."""

from __future__ import annotations

from controls.support import properties
from gxp_landing_zone.stacks.access import AccessStack

STACK = "Access-management-us-east-1"
PERMISSION_SET = "AWS::SSO::PermissionSet"


def permission_set(template: dict, name: str) -> dict:
    """The properties of the permission set whose logical ID holds ``name`` (GxpAuditor, ...)."""
    return properties(template, PERMISSION_SET, name)


def build(app, config):
    return AccessStack(app, config=config, account=config.management, region=config.home_region)


def l1(stack, key: str):
    """The CfnPermissionSet the construct built for ``key`` (auditor, platform-admin, regulated-data-operator)."""
    return stack.node.find_child("IdentityCenterPermissionSets").permission_sets[key]

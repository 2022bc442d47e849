from __future__ import annotations

from aws_cdk import Environment, Stack, Tags
from constructs import Construct

from ..config import Account, AccountKind, EstateConfig
from ..constructs.tags import BOUNDARY_TAG
from ..naming import Names
from ..topology import stack_id


class GxpStack(Stack):
    """A stack pinned to one account and region from the config.

    Availability zones are fixed from the region name, so synthesis never needs an
    AWS lookup (and never writes placeholder zones into the template).
    """

    component = "Base"

    def __init__(self, scope: Construct, *, config: EstateConfig, account: Account, region: str, **kwargs) -> None:
        super().__init__(
            scope,
            stack_id(self.component, account, region),
            env=Environment(account=account.id, region=region),
            termination_protection=True,
            description=f"GxP landing zone: {self.component} for {account.role} in {region}",
            **kwargs,
        )
        self.config = config
        self.gxp_account = account
        self.names = Names(config)
        inside = account.kind in (AccountKind.REGULATED, AccountKind.LOG_ARCHIVE, AccountKind.AUDIT, AccountKind.MANAGEMENT)
        Tags.of(self).add(BOUNDARY_TAG, "regulated" if inside else "research")
        Tags.of(self).add("gxp:account-role", account.role)
        if account.jurisdiction:
            Tags.of(self).add("gxp:jurisdiction", account.jurisdiction)

    @property
    def availability_zones(self) -> list[str]:
        return [f"{self.region}{suffix}" for suffix in ("a", "b", "c")]

    @property
    def is_home_region(self) -> bool:
        return self.region == self.config.home_region

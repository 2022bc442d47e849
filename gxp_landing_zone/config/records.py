"""Regulated records: where a data class may be copied to, and the checks that keep every
class's records in their jurisdiction (Annex 11 7.1; MHLW ER/ES 3.1.3) unless the class is
de-identified and the config says it may leave.

The checks here need the whole estate (accounts, regions, naming prefix), so EstateConfig
calls ``check_data_classes`` from its model validator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from ..naming import records_bucket_name
from .regions import REGION_JURISDICTION

if TYPE_CHECKING:  # pragma: no cover
    from .model import EstateConfig

# S3's own limit for bucket names.
MAX_BUCKET_NAME = 63


class ReplicationTarget(BaseModel):
    """A records bucket of the same class in another regulated account (or region) to copy to."""

    # Same rules as model.Strict (which imports this module, so it cannot be the base here).
    model_config = ConfigDict(extra="forbid", frozen=True)

    account: str = Field(description="role of a regulated account, e.g. regulated-us")
    region: str | None = Field(default=None, description="one of that account's regions; default its first")


def check_data_classes(config: "EstateConfig") -> None:
    """Raise ValueError naming the field for a class that cannot be built as configured."""

    prefix = config.organization.naming_prefix
    for index, data_class in enumerate(config.data_classes):
        where = f"data_classes[{index}] ({data_class.name})"
        if data_class.may_leave_jurisdiction and not data_class.de_identified:
            raise ValueError(
                f"{where}.may_leave_jurisdiction: only a de-identified class may leave its jurisdiction; "
                "set de_identified: true (after de-identification is confirmed) or remove may_leave_jurisdiction"
            )
        if data_class.replicate_to and not data_class.de_identified:
            raise ValueError(
                f"{where}.replicate_to: '{data_class.name}' is not de-identified, and identified records "
                "are never replicated; remove replicate_to or mark the class de_identified: true"
            )
        buckets = [
            records_bucket_name(prefix, data_class.name, account.id, region)
            for account in config.regulated_accounts
            for region in config.workload_regions(account)
        ]
        name = max(buckets, key=len, default="")
        if len(name) > MAX_BUCKET_NAME:
            raise ValueError(
                f"{where}.name: the records bucket name '{name}' has {len(name)} characters, "
                f"over S3's limit of {MAX_BUCKET_NAME}; shorten the class name by "
                f"{len(name) - MAX_BUCKET_NAME} or the organization.naming_prefix"
            )
        targets = []
        for t_index, target in enumerate(data_class.replicate_to):
            field = f"{where}.replicate_to[{t_index}]"
            try:
                destination = config.account(target.account)
            except KeyError:
                destination = None
            if destination is None or destination.jurisdiction is None:
                raise ValueError(f"{field}.account: '{target.account}' is not a regulated account in accounts")
            regions = config.workload_regions(destination)
            region = target.region or regions[0]
            if region not in regions:
                raise ValueError(
                    f"{field}.region: {target.account} holds no workloads in {region}; use one of {', '.join(regions)}"
                )
            if (destination.role, region) in targets:
                raise ValueError(f"{field}: {target.account} {region} is listed twice")
            targets.append((destination.role, region))
            if not data_class.may_leave_jurisdiction:
                for source in config.regulated_accounts:
                    if source.role == destination.role:
                        continue
                    if REGION_JURISDICTION[region] != source.jurisdiction:
                        raise ValueError(
                            f"{field}: {source.role} ({source.jurisdiction}) data would be copied to {region} "
                            f"({REGION_JURISDICTION[region]}), outside its jurisdiction; set "
                            "may_leave_jurisdiction: true only if the de-identified data may lawfully leave"
                        )

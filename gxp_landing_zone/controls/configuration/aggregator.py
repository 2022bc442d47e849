"""GXP-CFG-05: the audit account aggregates Config data from the whole organization, every region."""

from __future__ import annotations

from ..cfn import Unresolved
from ..deployed.config import aggregator
from ..model import AUDIT, Control, DeployedCheck, cannot_prove, cfn_bool, compliant, non_compliant

AGGREGATOR_NAME = "gxp-organization"


def check(resource, ctx):
    source = resource.get("OrganizationAggregationSource")
    if isinstance(source, Unresolved):
        return cannot_prove(f"OrganizationAggregationSource: {source.why}")
    if not isinstance(source, dict):
        return non_compliant("OrganizationAggregationSource is not set: accounts outside the listed ones are not seen")
    every = cfn_bool(source.get("AllAwsRegions"))
    regions = source.get("AwsRegions")
    if isinstance(every, Unresolved) or isinstance(regions, Unresolved):
        return cannot_prove(f"OrganizationAggregationSource: {(every if isinstance(every, Unresolved) else regions).why}")
    if every is True:
        return compliant("aggregates the organization in all regions")
    # Listing every allowed region is as complete: the region guardrail denies all others.
    if isinstance(regions, list) and ctx.allowed_regions and ctx.allowed_regions <= set(regions):
        return compliant(f"aggregates the organization in every allowed region {sorted(ctx.allowed_regions)}")
    return non_compliant(
        f"AllAwsRegions is {every}, AwsRegions is {regions or 'not set'}; required all regions "
        f"(or every allowed region {sorted(ctx.allowed_regions)})"
    )


CONTROL = Control(
    id="GXP-CFG-05",
    title="Organization-wide compliance view",
    statement="The audit account aggregates AWS Config data from every account of the organization in every region.",
    annex11={
        "4.3": "The aggregated inventory lists every resource of every account.",
    },
    resource_types=("AWS::Config::ConfigurationAggregator",),
    check=check,
    deployed=DeployedCheck(
        read=lambda reader: [aggregator(reader, AGGREGATOR_NAME)], accounts=frozenset({AUDIT}), regions="home"
    ),
)

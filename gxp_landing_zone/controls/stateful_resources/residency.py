"""GXP-RES-01: every stateful resource sits in an allowed region, and a regulated account's in its jurisdiction."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import LOG_ARCHIVE, REGULATED, RESEARCH, Control, DeployedCheck, cannot_prove, compliant, non_compliant
from ._residency import estate_buckets
from .retained import STATEFUL_TYPES


def check(resource, ctx):
    region = resource.region
    if isinstance(region, Unresolved):
        return cannot_prove(f"the resource's region: {region.why}")
    if region is None:
        return cannot_prove("the stack names no region (an environment-agnostic stack may deploy anywhere)")
    if not ctx.has_config:
        return cannot_prove("no config: the allowed regions are not known")
    if region not in ctx.allowed_regions:
        return non_compliant(f"in {region}, which is not an allowed region ({', '.join(sorted(ctx.allowed_regions))})")
    jurisdiction = ctx.jurisdiction_by_account.get(resource.stack.account or "")
    if jurisdiction is None:
        return compliant(f"in {region}, an allowed region")
    found = ctx.region_jurisdiction.get(region)
    if found != jurisdiction:
        return non_compliant(
            f"in {region} ({found or 'no known jurisdiction'}); account {resource.stack.account} keeps its data in {jurisdiction}"
        )
    return compliant(f"in {region}, inside the account's jurisdiction {jurisdiction}")


CONTROL = Control(
    id="GXP-RES-01",
    title="Data residency",
    statement=(
        "Every stateful resource (buckets and their policies, keys, log groups, tables, signer user pools, "
        "genomic stores, image repositories) sits in a region the config allows, and a regulated account's in "
        "a region of its jurisdiction (EU data in the EU, JP data in Japan)."
    ),
    annex11={
        "7.1": "Data is stored only in locations whose protection the organization has qualified.",
    },
    jp_eres={"3.1.3": "Preservation: JP records are preserved in Japan, under the regime that governs them."},
    # Where data may be stored is also what GDPR (Chapter V transfers) and APPI (cross-border provision) regulate.
    regimes=("gxp", "gdpr", "appi"),
    resource_types=STATEFUL_TYPES,
    check=check,
    deployed=DeployedCheck(read=estate_buckets, accounts=frozenset({LOG_ARCHIVE, REGULATED, RESEARCH}), regions="workload"),
)

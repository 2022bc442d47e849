"""GXP-REC-03: records and their replicas stay in the jurisdiction of the account that holds them."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, compliant, non_compliant
from ._records import RECORDS_BUCKETS, destinations, records_bucket


def _home(bucket, ctx):
    if bucket.stack.account is None:
        return None, cannot_prove("the stack's account is not known, so neither is its jurisdiction")
    jurisdiction = ctx.jurisdiction_by_account.get(bucket.stack.account)
    if jurisdiction is None:
        return None, non_compliant(f"account {bucket.stack.account} is not a regulated account with a jurisdiction")
    region = bucket.region
    if isinstance(region, Unresolved) or region is None:
        return jurisdiction, cannot_prove(region if region is not None else "the bucket's region is not known")
    found = ctx.region_jurisdiction.get(region)
    if found != jurisdiction:
        return jurisdiction, non_compliant(f"the bucket is in {region} ({found or 'no known jurisdiction'}); the account's jurisdiction is {jurisdiction}")
    return jurisdiction, compliant(f"the bucket is in {region} ({jurisdiction})")


def _replica(name, data_class: str, jurisdiction: str, ctx):
    if isinstance(name, Unresolved):
        return cannot_prove(f"replication destination: {name.why}")
    region = ctx.records_bucket_region.get(name)
    if region is None:
        return non_compliant(f"replicates to {name}, which is not a records bucket the config defines")
    found = ctx.region_jurisdiction.get(region)
    if found != jurisdiction and data_class not in ctx.classes_leaving_jurisdiction:
        return non_compliant(f"replicates {data_class} to {name} in {region} ({found}); the class may not leave {jurisdiction}")
    return compliant(f"replica {name} in {region} ({found})")


def check(bucket, ctx):
    data_class, verdict = records_bucket(bucket, ctx)
    if verdict is not None:
        return verdict
    jurisdiction, here = _home(bucket, ctx)
    if jurisdiction is None:
        return here
    found = destinations(bucket)
    if isinstance(found, Unresolved):
        return all_of(here, cannot_prove(f"ReplicationConfiguration: {found.why}"))
    return all_of(here, *(_replica(name, data_class, jurisdiction, ctx) for _, name in found))


CONTROL = Control(
    id="GXP-REC-03",
    title="Records stay in their jurisdiction",
    statement=(
        "Each records bucket sits in a region of its regulated account's jurisdiction (EU records in the EU, JP "
        "records in Japan), and replicates only to records buckets the config defines, in that jurisdiction "
        "unless the config lets the class leave it."
    ),
    part11={"11.10(c)": "Records are kept where the organization's retention and protection obligations for them apply."},
    annex11={
        "7.1": "Data is stored only in locations whose protection the organization has qualified.",
    },
    jp_eres={"3.1.3": "Preservation: JP records are preserved in Japan, under the regime that governs them."},
    # Where data may be stored is also what GDPR (Chapter V transfers) and APPI (cross-border provision) regulate.
    regimes=("gxp", "gdpr", "appi"),
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=RECORDS_BUCKETS,
    boundary=REGULATED_ONLY,
)

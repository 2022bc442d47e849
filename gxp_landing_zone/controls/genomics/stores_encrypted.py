"""GXP-OMICS-01: HealthOmics stores are encrypted with a customer-managed key."""

from __future__ import annotations

from ..cfn import Unresolved
from ..compute._helpers import customer_managed_key
from ..model import Control, all_of, cannot_prove, expect, non_compliant
from ._helpers import STORES_CHECK

# SseConfig Type KMS with a KeyArn; without SseConfig HealthOmics uses a key AWS owns, which no key
# policy of the customer's governs and whose use CloudTrail does not show.
REQUIRED_TYPE = "KMS"


def check(store, ctx):
    config = store.get("SseConfig")
    if isinstance(config, Unresolved):
        return cannot_prove(f"SseConfig: {config.why}")
    if not config:
        return non_compliant("no SseConfig: the store is encrypted with a key AWS owns")
    return all_of(
        expect(store.get("SseConfig.Type"), REQUIRED_TYPE, "SseConfig.Type"),
        customer_managed_key(store.get("SseConfig.KeyArn"), store.stack, "SseConfig.KeyArn"),
    )


CONTROL = Control(
    id="GXP-OMICS-01",
    title="Genomic stores encrypted with a customer-managed key",
    statement="HealthOmics sequence and reference stores are encrypted with a customer-managed KMS key.",
    part11={
        "11.10(d)": "Reads and references are readable only through a key whose policy names who may use it, and every use of it is logged.",
    },
    annex11={
        "7.1": "Genomic data at rest is secured electronically under a key the customer controls.",
        "12.1": "Access to the stored data is restricted through the key as well as through HealthOmics permissions.",
    },
    resource_types=("AWS::Omics::SequenceStore", "AWS::Omics::ReferenceStore"),
    check=check,
    deployed=STORES_CHECK,
)

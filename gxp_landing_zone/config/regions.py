"""AWS commercial regions and the jurisdiction each one sits in.

Residency is decided per region, not per prefix: eu-west-2 (London) and
eu-central-2 (Zurich) carry an ``eu-`` prefix but are outside the European
Union, so they do not count as EU for an EU-regulated account.
"""

REGION_JURISDICTION: dict[str, str] = {
    "us-east-1": "US",
    "us-east-2": "US",
    "us-west-1": "US",
    "us-west-2": "US",
    "ca-central-1": "CA",
    "ca-west-1": "CA",
    "eu-central-1": "EU",
    "eu-west-1": "EU",
    "eu-west-3": "EU",
    "eu-south-1": "EU",
    "eu-south-2": "EU",
    "eu-north-1": "EU",
    "eu-west-2": "UK",
    "eu-central-2": "CH",
    "ap-northeast-1": "JP",
    "ap-northeast-3": "JP",
    "ap-northeast-2": "KR",
    "ap-southeast-1": "SG",
    "ap-southeast-2": "AU",
    "ap-southeast-4": "AU",
    "ap-south-1": "IN",
    "ap-south-2": "IN",
    "ap-east-1": "HK",
    "sa-east-1": "BR",
    "me-central-1": "AE",
    "il-central-1": "IL",
    "af-south-1": "ZA",
}

# Jurisdictions a regulated account may declare, with the regulation that
# governs electronic records there.
REGULATED_JURISDICTIONS: dict[str, str] = {
    "US": "FDA 21 CFR Part 11",
    "EU": "EU GMP Annex 11",
    "JP": "MHLW/PMDA ER/ES guideline",
}


def regions_in(jurisdiction: str) -> list[str]:
    return sorted(r for r, j in REGION_JURISDICTION.items() if j == jurisdiction)

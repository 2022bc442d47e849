"""Which Bedrock foundation models and inference profiles exist where, and what they cost: data with
the date it was compiled and the pages it was read from. Nothing is looked up at synthesis; the config
is checked against this table, so update the table (and its date) when AWS changes the pages.

- Model availability by region: https://docs.aws.amazon.com/bedrock/latest/userguide/models-regions.html
- Inference profiles, their source and destination regions:
  https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html
  A geographic profile (us., eu., jp., apac.) keeps a request in the regions of its geography; a global
  profile routes to any commercial region (https://docs.aws.amazon.com/bedrock/latest/userguide/
  geographic-cross-region-inference.html).
- Prices, USD per million tokens, on demand: https://aws.amazon.com/bedrock/pricing/ . A request through
  a cross-region profile is priced in its source region; for Claude 4.5 models a geographic (regional)
  profile costs 10% more than the global one. Illustrative figures: confirm them on the page before a
  budget rests on them.

Only the models the reference estate and its tests use are listed; add rows for others.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

AS_OF = dt.date(2026, 11, 30)
AVAILABILITY_SOURCE = "https://docs.aws.amazon.com/bedrock/latest/userguide/models-regions.html"
PROFILE_SOURCE = "https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html"
PRICE_SOURCE = "https://aws.amazon.com/bedrock/pricing/ (on demand, illustrative)"

GLOBAL = "global"
# A profile ID starts with its geography: us.anthropic..., eu.amazon..., global.anthropic...
GEOGRAPHY_PREFIXES = ("us", "eu", "jp", "apac", GLOBAL)


@dataclass(frozen=True)
class Model:
    name: str
    # Regions that serve the model on demand, in-region (its foundation-model ARN answers there).
    in_region: frozenset[str]
    input_per_million: float
    output_per_million: float  # 0 for embedding models, which bill input only


@dataclass(frozen=True)
class Profile:
    model: str
    geography: str
    # Where a request may start (the profile's ARN exists there) and where Bedrock may run it.
    sources: frozenset[str]
    destinations: frozenset[str]
    # Multiplier on the model's price for requests through this profile.
    price_factor: float = 1.0

    @property
    def is_global(self) -> bool:
        return self.geography == GLOBAL


_US = frozenset({"us-east-1", "us-east-2", "us-west-1", "us-west-2"})
_EU = frozenset({"eu-central-1", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-3"})
_JP = frozenset({"ap-northeast-1", "ap-northeast-3"})
_APAC = frozenset({"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2"})
# Global profiles may send a request to any commercial region; the source regions listed are those
# this product knows.
_COMMERCIAL = frozenset({
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2",
    "eu-west-3", "eu-north-1", "eu-south-1", "eu-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
    "ap-south-1", "ap-southeast-1", "ap-southeast-2", "sa-east-1",
})

SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0"
TITAN_EMBED_V2 = "amazon.titan-embed-text-v2:0"

MODELS: dict[str, Model] = {
    HAIKU_3: Model(
        "Claude 3 Haiku",
        frozenset({"us-east-1", "us-west-2", "eu-central-1", "eu-west-1", "eu-west-3", "ap-northeast-1", "ap-southeast-2"}),
        0.25, 1.25,
    ),
    "anthropic.claude-3-5-sonnet-20240620-v1:0": Model(
        "Claude 3.5 Sonnet", frozenset({"us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1"}), 3.0, 15.0,
    ),
    # Served through inference profiles only: no region answers its foundation-model ARN directly.
    SONNET_45: Model("Claude Sonnet 4.5", frozenset(), 3.0, 15.0),
    TITAN_EMBED_V2: Model(
        "Titan Text Embeddings V2",
        frozenset({"us-east-1", "us-east-2", "us-west-2", "eu-central-1", "eu-west-2", "ap-northeast-1"}),
        0.02, 0.0,
    ),
}

PROFILES: dict[str, Profile] = {
    f"us.{SONNET_45}": Profile(SONNET_45, "us", _US, _US, price_factor=1.1),
    f"eu.{SONNET_45}": Profile(SONNET_45, "eu", _EU, _EU, price_factor=1.1),
    f"jp.{SONNET_45}": Profile(SONNET_45, "jp", _JP, _JP, price_factor=1.1),
    f"global.{SONNET_45}": Profile(SONNET_45, GLOBAL, _COMMERCIAL, _COMMERCIAL),
    f"apac.{HAIKU_3}": Profile(HAIKU_3, "apac", _APAC, _APAC),
    f"us.{HAIKU_3}": Profile(HAIKU_3, "us", frozenset({"us-east-1", "us-west-2"}), frozenset({"us-east-1", "us-west-2"})),
    f"eu.{HAIKU_3}": Profile(
        HAIKU_3, "eu", frozenset({"eu-central-1", "eu-west-1", "eu-west-3"}), frozenset({"eu-central-1", "eu-west-1", "eu-west-3"})
    ),
}


def geography(profile_id: str) -> str | None:
    prefix = profile_id.split(".", 1)[0]
    return prefix if prefix in GEOGRAPHY_PREFIXES else None


def price(identifier: str) -> tuple[float, float] | None:
    """USD per million input and output tokens for a model or profile ID, or None when not listed."""
    if identifier in MODELS:
        model = MODELS[identifier]
        return model.input_per_million, model.output_per_million
    profile = PROFILES.get(identifier)
    if profile is None or profile.model not in MODELS:
        return None
    model = MODELS[profile.model]
    return model.input_per_million * profile.price_factor, model.output_per_million * profile.price_factor

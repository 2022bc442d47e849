"""Generative AI on Amazon Bedrock: which models and inference profiles each account may call, the
guardrail every call goes through, how long prompts and outputs are kept, and the thresholds a prompt
or model version must meet before it is released for regulated use.

Every model and profile is checked against the dated table in ``bedrock_catalog.py``: a model not
offered in the account's region, a global profile in a regulated account, or a geographic profile that
could route a regulated account's prompts outside its jurisdiction is refused with the field named.
Checks that need the rest of the estate run from ``check_genai``, called by EstateConfig.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, field_validator, model_validator

from . import bedrock_catalog as catalog
from .base import Strict
from .records import Retention
from .regions import REGION_JURISDICTION

if TYPE_CHECKING:  # pragma: no cover
    from .model import EstateConfig

# Entity types Bedrock Guardrails can detect (AWS::Bedrock::Guardrail PiiEntityConfig Type).
PII_ENTITIES = (
    "ADDRESS", "AGE", "AWS_ACCESS_KEY", "AWS_SECRET_KEY", "CA_HEALTH_NUMBER", "CA_SOCIAL_INSURANCE_NUMBER",
    "CREDIT_DEBIT_CARD_CVV", "CREDIT_DEBIT_CARD_EXPIRY", "CREDIT_DEBIT_CARD_NUMBER", "DRIVER_ID", "EMAIL",
    "INTERNATIONAL_BANK_ACCOUNT_NUMBER", "IP_ADDRESS", "LICENSE_PLATE", "MAC_ADDRESS", "NAME", "PASSWORD", "PHONE",
    "PIN", "SWIFT_CODE", "UK_NATIONAL_HEALTH_SERVICE_NUMBER", "UK_NATIONAL_INSURANCE_NUMBER",
    "UK_UNIQUE_TAXPAYER_REFERENCE_NUMBER", "URL", "USERNAME", "US_BANK_ACCOUNT_NUMBER", "US_BANK_ROUTING_NUMBER",
    "US_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER", "US_PASSPORT_NUMBER", "US_SOCIAL_SECURITY_NUMBER",
    "VEHICLE_IDENTIFICATION_NUMBER",
)
# The evaluation function's metrics (ai/runtime/metrics.py): shares of the held-out set, 0..1.
METRICS = ("answer_match_rate", "refusal_rate", "false_refusal_rate")
ROLE_KINDS = ("regulated", "research")
MAX_TOKENS_PER_MONTH = 10**13  # far above any account's use; refuses a mistyped exponent

Threshold = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Grounding = Annotated[float, Field(ge=0, le=0.99, allow_inf_nan=False)]


class DeniedTopic(Strict):
    name: str = Field(pattern=r"^[0-9A-Za-z-_ !?.]{1,100}$", description="e.g. Medical advice to patients")
    definition: str = Field(min_length=1, max_length=200, description="what the topic covers, in one sentence")
    examples: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list, max_length=5)


class Guardrail(Strict):
    """The Bedrock guardrail every inference request must name (bedrock:GuardrailIdentifier)."""

    pii_entities: dict[str, Literal["BLOCK", "ANONYMIZE"]] = Field(
        min_length=1, description="entity type -> action, e.g. {US_SOCIAL_SECURITY_NUMBER: BLOCK, EMAIL: ANONYMIZE}"
    )
    denied_topics: list[DeniedTopic] = Field(default_factory=list)
    prompt_attack_strength: Literal["LOW", "MEDIUM", "HIGH"] = Field(
        default="HIGH", description="filter strength for prompt injection and jailbreak attempts in the input"
    )
    grounding_threshold: Grounding = Field(default=0.75, description="contextual grounding: answers less grounded are blocked")
    relevance_threshold: Grounding = Field(default=0.75, description="contextual grounding: answers less relevant are blocked")
    blocked_message: str = Field(
        default="This request cannot be processed under the organization's AI use policy.", min_length=1, max_length=500
    )

    @field_validator("pii_entities")
    @classmethod
    def _entities(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(PII_ENTITIES))
        if unknown:
            raise ValueError(f"unknown PII entity type {', '.join(unknown)}; use Bedrock's names, e.g. EMAIL, NAME, PHONE")
        return value

    @field_validator("denied_topics")
    @classmethod
    def _topics(cls, value: list[DeniedTopic]) -> list[DeniedTopic]:
        names = [t.name for t in value]
        if len(set(names)) != len(names):
            raise ValueError("a denied topic is named twice")
        return value


class Bound(Strict):
    """A threshold: the metric must be at least ``min`` or at most ``max``."""

    min: Threshold | None = None
    max: Threshold | None = None

    @model_validator(mode="after")
    def _one(self):
        if (self.min is None) == (self.max is None):
            raise ValueError("give exactly one of min or max")
        return self

    def met_by(self, value: float) -> bool:
        return value >= self.min if self.min is not None else value <= self.max


class Evaluation(Strict):
    """Release criteria: a prompt or model version is released for regulated use only when its
    evaluation on a held-out set meets every threshold and a signer of ``record_class`` has signed the
    evaluation record with ``meaning`` (the signature service binds it to the record's SHA-256)."""

    thresholds: dict[str, Bound] = Field(
        min_length=1, description="metric -> bound, e.g. {answer_match_rate: {min: 0.9}, false_refusal_rate: {max: 0.05}}"
    )
    record_class: str = Field(description="signatures.record_classes entry that holds evaluation records, e.g. ai-evaluation")
    meaning: str = Field(default="approved-for-use", description="the signature meaning that releases a version")

    @field_validator("thresholds")
    @classmethod
    def _metrics(cls, value: dict[str, Bound]) -> dict[str, Bound]:
        unknown = sorted(set(value) - set(METRICS))
        if unknown:
            raise ValueError(f"unknown metric {', '.join(unknown)}; the evaluation measures {', '.join(METRICS)}")
        return value


class TokenVolume(Strict):
    input_tokens: Annotated[int, Field(ge=0, le=MAX_TOKENS_PER_MONTH)] = Field(description="per month, e.g. 50000000")
    output_tokens: Annotated[int, Field(ge=0, le=MAX_TOKENS_PER_MONTH)] = Field(default=0, description="per month")


class GenAiAccount(Strict):
    models: list[str] = Field(default_factory=list, description="foundation model IDs called in-region")
    inference_profiles: list[str] = Field(default_factory=list, description="cross-region profile IDs, e.g. eu.anthropic...")
    monthly_tokens: dict[str, TokenVolume] = Field(
        default_factory=dict, description="model or profile ID -> expected monthly volume, for the cost report"
    )

    @model_validator(mode="after")
    def _something(self):
        if not self.models and not self.inference_profiles:
            raise ValueError("give at least one model or inference profile, or remove the account from genai.accounts")
        for label, values in (("models", self.models), ("inference_profiles", self.inference_profiles)):
            if len(set(values)) != len(values):
                raise ValueError(f"{label}: an identifier is listed twice")
        return self


class GenAi(Retention):
    """``retention_years``/``retention_days``: how long prompts, outputs and evaluation evidence are kept
    under Object Lock COMPLIANCE; at least as long as the records in ``supports``."""

    accounts: dict[str, GenAiAccount] = Field(min_length=1, description="account role -> what it may call")
    supports: list[str] = Field(
        default_factory=list, description="data classes whose records AI output feeds; retention covers the longest"
    )
    guardrail: Guardrail
    evaluation: Evaluation

    def allowed(self, role: str) -> GenAiAccount | None:
        return self.accounts.get(role)


def _check_account(config: "EstateConfig", role: str, settings: GenAiAccount) -> None:
    where = f"genai.accounts.{role}"
    try:
        account = config.account(role)
    except KeyError:
        raise ValueError(f"{where}: '{role}' is not in accounts") from None
    if account.kind.value not in ROLE_KINDS:
        raise ValueError(f"{where}: GenAI runs in regulated and research accounts only, not in {account.kind.value}")
    if not config.compute_settings(account).enabled:
        raise ValueError(f"{where}: compute is off for {role}; the Bedrock endpoints live in its workload VPC")
    regions = config.workload_regions(account)
    for index, model in enumerate(settings.models):
        known = catalog.MODELS.get(model)
        if known is None:
            raise ValueError(f"{where}.models[{index}]: '{model}' is not in the model table (config/bedrock_catalog.py, "
                             f"as of {catalog.AS_OF}); add it there from {catalog.AVAILABILITY_SOURCE}")
        missing = [r for r in regions if r not in known.in_region]
        if missing:
            via = [p for p, v in catalog.PROFILES.items() if v.model == model and set(missing) <= v.sources]
            hint = f"; reach it through an inference profile such as {via[0]}" if via else ""
            raise ValueError(f"{where}.models[{index}]: {model} is not offered on demand in {', '.join(missing)} "
                             f"(model table as of {catalog.AS_OF}){hint}")
    for index, profile_id in enumerate(settings.inference_profiles):
        _check_profile(f"{where}.inference_profiles[{index}]", account, regions, profile_id)
    for identifier in settings.monthly_tokens:
        if identifier not in settings.models and identifier not in settings.inference_profiles:
            raise ValueError(f"{where}.monthly_tokens: '{identifier}' is neither in models nor in inference_profiles")


def _check_profile(where: str, account, regions: list[str], profile_id: str) -> None:
    profile = catalog.PROFILES.get(profile_id)
    if profile is None:
        raise ValueError(f"{where}: '{profile_id}' is not in the inference profile table (config/bedrock_catalog.py, "
                         f"as of {catalog.AS_OF}); add it there from {catalog.PROFILE_SOURCE}")
    missing = [r for r in regions if r not in profile.sources]
    if missing:
        raise ValueError(f"{where}: {profile_id} cannot be called from {', '.join(missing)}")
    if account.jurisdiction is None:
        return
    if profile.is_global:
        raise ValueError(f"{where}: {profile_id} is a global profile, which may process {account.role}'s prompts in any "
                         f"commercial region; a regulated account uses its geography's profile ({account.jurisdiction.lower()}.)")
    outside = sorted(r for r in profile.destinations if REGION_JURISDICTION.get(r) != account.jurisdiction)
    if outside:
        raise ValueError(f"{where}: {profile_id} may route {account.role}'s prompts to {', '.join(outside)}, outside "
                         f"{account.jurisdiction}; use a profile whose regions are all in {account.jurisdiction}")


def check_genai(config: "EstateConfig") -> None:
    """Raise ValueError naming the field for GenAI settings the estate cannot honour."""
    genai = config.genai
    if genai is None:
        return
    for role, settings in genai.accounts.items():
        _check_account(config, role, settings)
    classes = {c.name: c for c in config.data_classes}
    for name in genai.supports:
        if name not in classes:
            raise ValueError(f"genai.supports: '{name}' is not in data_classes ({', '.join(sorted(classes))})")
    longest = max((classes[n] for n in genai.supports), key=lambda c: c.days, default=None)
    if longest is not None and genai.days < longest.days:
        raise ValueError(
            f"genai: retention ({genai.days} days) is shorter than data class '{longest.name}' ({longest.days} days), whose "
            "records AI output supports; prompts and outputs are their audit trail and are kept as long (21 CFR 11.10(e))"
        )
    evaluation = genai.evaluation
    record_class = config.signatures.record_classes.get(evaluation.record_class)
    if record_class is None:
        raise ValueError(f"genai.evaluation.record_class: '{evaluation.record_class}' is not in signatures.record_classes")
    if not any(evaluation.meaning in meanings for meanings in record_class.signers.values()):
        raise ValueError(
            f"genai.evaluation.meaning: no group of signatures.record_classes.{evaluation.record_class} may sign "
            f"'{evaluation.meaning}', so nothing could ever be released; grant it to the releasing group"
        )

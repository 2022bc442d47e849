"""Model governance for SageMaker: what each account's training pipeline reads, the model card that
describes the model package group, the thresholds a model version must meet, and the endpoints (with
data-quality monitoring) the config deploys.

A training pipeline may read a data class that holds personal data only when the class declares its
legal basis (GDPR Art. 6(1); EU AI Act Art. 10); ``check_ml`` refuses anything else, naming the field.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, field_validator

from .base import Strict
from .genai import Bound

if TYPE_CHECKING:  # pragma: no cover
    from .model import EstateConfig

EndpointInstance = Annotated[str, Field(pattern=r"^ml\.[a-z0-9]+\.[0-9]*x?large$", description="e.g. ml.m5.large")]


class ModelCard(Strict):
    """Published as the SageMaker model card of each account's model package group (EU AI Act Art. 13)."""

    intended_use: str = Field(min_length=1, max_length=2048, description="what the models are for, and what not")
    risk_rating: Literal["High", "Medium", "Low", "Unknown"] = "Unknown"
    risk_explanation: str = Field(default="", max_length=2048)
    owner: str = Field(min_length=1, max_length=1024, description="the accountable model owner, e.g. Discovery Data Science")


class Endpoint(Strict):
    """A real-time endpoint serving an approved version of the account's model package group."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{2,40}$", description="e.g. target-scoring")
    model_package_version: Annotated[int, Field(ge=1)] = Field(description="an Approved version of the group")
    instance_type: EndpointInstance = "ml.m5.large"
    instance_count: Annotated[int, Field(ge=1, le=10)] = 1
    baseline_prefix: str = Field(
        pattern=r"^([A-Za-z0-9_.-]+/)+$",
        description="prefix in the ML artifact bucket holding the data-quality baseline (statistics.json, constraints.json)",
    )


class MlAccount(Strict):
    training_data_classes: list[str] = Field(
        default_factory=list, description="data classes whose records buckets the training pipeline reads"
    )
    endpoints: list[Endpoint] = Field(default_factory=list)

    @field_validator("endpoints")
    @classmethod
    def _unique(cls, value: list[Endpoint]) -> list[Endpoint]:
        names = [e.name for e in value]
        if len(set(names)) != len(names):
            raise ValueError("an endpoint name is used twice")
        return value


class Ml(Strict):
    model_card: ModelCard = Field(
        default_factory=lambda: ModelCard(intended_use="Discovery research models; not for clinical decisions",
                                          owner="Model owner not named in the config")
    )
    thresholds: dict[str, Bound] = Field(
        default_factory=dict,
        description="metric (as the pipeline's evaluation report names it) -> bound, e.g. {auc: {min: 0.85}}",
    )
    record_class: str | None = Field(
        default=None,
        description="signatures.record_classes entry for evaluation records, e.g. ai-evaluation; without it a "
        "regulated account's model approvals are not gated and synthesis fails (GXP-AI-06)",
    )
    meaning: str = Field(default="approved-for-use", description="the signature meaning that releases a model version")
    monitoring_schedule: str = Field(
        default="cron(0 * ? * * *)", pattern=r"^cron\(.+\)$", description="data-quality monitoring, e.g. hourly"
    )
    accounts: dict[str, MlAccount] = Field(default_factory=dict, description="account role -> its training data and endpoints")

    def settings(self, role: str) -> MlAccount:
        return self.accounts.get(role) or MlAccount()


def check_ml(config: "EstateConfig") -> None:
    ml = config.ml
    if ml.record_class is not None:
        record_class = config.signatures.record_classes.get(ml.record_class)
        if record_class is None:
            raise ValueError(f"ml.record_class: '{ml.record_class}' is not in signatures.record_classes")
        if not any(ml.meaning in meanings for meanings in record_class.signers.values()):
            raise ValueError(f"ml.meaning: no group of signatures.record_classes.{ml.record_class} may sign '{ml.meaning}'")
    classes = {c.name: (i, c) for i, c in enumerate(config.data_classes)}
    for role, settings in config.ml.accounts.items():
        where = f"ml.accounts.{role}"
        try:
            account = config.account(role)
        except KeyError:
            raise ValueError(f"{where}: '{role}' is not in accounts") from None
        if account not in config.workload_accounts or not config.compute_settings(account).enabled:
            raise ValueError(f"{where}: {role} runs no compute, so no training pipeline or endpoint")
        for name in settings.training_data_classes:
            field = f"{where}.training_data_classes"
            if name not in classes:
                raise ValueError(f"{field}: '{name}' is not in data_classes ({', '.join(sorted(classes))})")
            if account.jurisdiction is None:
                raise ValueError(f"{field}: {role} is a research account; records of '{name}' stay in regulated accounts")
            index, data_class = classes[name]
            if data_class.personal_data and data_class.legal_basis is None:
                raise ValueError(
                    f"{field}: '{name}' holds personal data (data_classes[{index}].personal_data) and declares no "
                    f"legal_basis; declare the GDPR Art. 6(1) basis on data_classes[{index}] before a pipeline reads it"
                )
        if settings.endpoints and not config.ml.thresholds:
            raise ValueError(f"{where}.endpoints: serving a model needs release criteria; set ml.thresholds")

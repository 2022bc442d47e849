"""Discovery compute settings: Batch capacity, Spot share, network egress and the prices the
report uses. Defaults apply to every workload account; ``accounts`` overrides them per role.

Validation that needs to know an account's kind (NAT only outside the regulated boundary)
lives in ``EstateConfig``; everything else is checked here.
"""

from __future__ import annotations

import ipaddress
import math
import re
from typing import Annotated

from pydantic import AfterValidator, Field, ValidationError, field_validator, model_validator

from .base import CalendarDate, Strict, one_of
from .regions import REGION_JURISDICTION

# x86_64 families Batch can mix in one compute environment, with their generation.
# Graviton (arm64) families are left out on purpose: one environment must run one
# image architecture, and the job definitions here pull x86_64 images.
CPU_FAMILY_GENERATION: dict[str, int] = {
    "c5": 5, "c5a": 5, "c5d": 5, "c5n": 5, "m5": 5, "m5a": 5, "m5d": 5, "m5n": 5, "r5": 5, "r5a": 5, "r5d": 5, "r5n": 5,
    "c6i": 6, "c6a": 6, "c6id": 6, "c6in": 6, "m6i": 6, "m6a": 6, "m6id": 6, "m6in": 6, "r6i": 6, "r6a": 6, "r6id": 6,
    "c7i": 7, "c7a": 7, "m7i": 7, "m7a": 7, "r7i": 7, "r7a": 7, "r7iz": 7,
    "c8i": 8, "m8i": 8, "r8i": 8,
}
GPU_FAMILIES = ("g4dn", "g5", "g6", "g6e", "gr6", "p3", "p4d", "p4de", "p5", "p5e")
INSTANCE_SIZE = r"(nano|micro|small|medium|large|metal|[0-9]*xlarge)"

MIN_CPU_FAMILIES = 3  # one family's Spot pool drying up must not stop the queue
MIN_CPU_GENERATIONS = 2
MAX_VCPUS = 100_000
CLOUDWATCH_RETENTION_DAYS = (
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
)
HOURS_PER_MONTH = 730
# USD per vCPU-hour. The dearest x86 families cost well under 1 USD per vCPU-hour on demand; the
# ceiling refuses a mistyped figure (or 1e308, which would overflow the monthly cost to inf)
# while leaving room for any real price.
MAX_PRICE_PER_VCPU_HOUR = 10.0

CpuFamilies = Annotated[list[str], Field(min_length=1, description="EC2 instance families, e.g. c6i")]
GpuTypes = Annotated[list[str], Field(description="EC2 GPU instance types, e.g. g5.2xlarge; empty: no GPU queue")]
Vcpus = Annotated[int, Field(gt=0, le=MAX_VCPUS)]
CloudWatchDays = one_of(CLOUDWATCH_RETENTION_DAYS, "a retention CloudWatch Logs offers")


def _sane_price(value: float) -> float:
    if value > MAX_PRICE_PER_VCPU_HOUR:
        raise ValueError(
            f"{value} USD per vCPU-hour is above {MAX_PRICE_PER_VCPU_HOUR:g}, far more than any x86 instance costs; "
            "check the figure (prices are per vCPU-hour, not per instance-hour or per month)"
        )
    return value


Price = Annotated[float, Field(gt=0, allow_inf_nan=False), AfterValidator(_sane_price)]
SpotShare = Annotated[int, Field(ge=0, le=100, description="percent of max vCPUs placed on Spot")]
TrainingInstance = Annotated[str, Field(pattern=r"^ml\.[a-z0-9]+\.[0-9]*x?large$", description="SageMaker training instance, e.g. ml.g5.2xlarge")]
# SageMaker caps a training job at 28 days; Spot waiting counts against MaxWaitTimeInSeconds (2x this).
TrainingHours = Annotated[int, Field(gt=0, le=336)]
ReservationId = Annotated[str, Field(pattern=r"^cr-[0-9a-f]{17}$", description="EC2 Capacity Reservation ID")]


def _check_families(value: list[str]) -> list[str]:
    unknown = [f for f in value if f not in CPU_FAMILY_GENERATION]
    if unknown:
        hint = ""
        if any(f.split(".")[0] in CPU_FAMILY_GENERATION for f in unknown):
            hint = " (give the family, e.g. c6i, not an instance size)"
        elif any(f.endswith("g") or f.endswith("gd") or f.endswith("gn") for f in unknown):
            hint = " (Graviton families need their own arm64 environment, which this product does not build)"
        known = ", ".join(sorted(CPU_FAMILY_GENERATION))
        raise ValueError(f"unknown CPU instance family {', '.join(unknown)}{hint}; use x86_64 families from: {known}")
    if len(set(value)) != len(value):
        raise ValueError("an instance family is listed twice")
    return value


def _check_gpu_types(value: list[str]) -> list[str]:
    pattern = re.compile(rf"({'|'.join(GPU_FAMILIES)})\.{INSTANCE_SIZE}")
    bad = [t for t in value if not pattern.fullmatch(t)]
    if bad:
        raise ValueError(
            f"unknown GPU instance type {', '.join(bad)}; give family.size with a GPU family from: "
            f"{', '.join(GPU_FAMILIES)} (e.g. g5.2xlarge)"
        )
    if len(set(value)) != len(value):
        raise ValueError("a GPU instance type is listed twice")
    return value


class ComputeOverride(Strict):
    """Per-account changes to the defaults; every field is optional."""

    enabled: bool | None = None
    cpu_instance_families: CpuFamilies | None = None
    gpu_instance_types: GpuTypes | None = None
    max_vcpus: Vcpus | None = None
    gpu_max_vcpus: Vcpus | None = None
    spot_share_percent: SpotShare | None = None
    capacity_reservation_id: ReservationId | None = None
    nat_allowed: bool | None = None
    flow_log_retention_days: CloudWatchDays | None = None  # type: ignore[valid-type]
    checkpoint_expiry_days: Annotated[int, Field(gt=0, le=3650)] | None = None
    vpc_cidr: str | None = None
    training_instance_type: TrainingInstance | None = None
    training_max_hours: TrainingHours | None = None
    omics_max_cpus: Annotated[int, Field(gt=0, le=100_000)] | None = None
    omics_max_gpus: Annotated[int, Field(gt=0, le=10_000)] | None = None
    omics_max_runs: Annotated[int, Field(gt=0, le=1_000)] | None = None
    omics_max_duration_minutes: Annotated[int, Field(gt=0, le=100_000)] | None = None

    _families = field_validator("cpu_instance_families")(lambda v: v if v is None else _check_families(v))
    _gpus = field_validator("gpu_instance_types")(lambda v: v if v is None else _check_gpu_types(v))


class ComputeSettings(Strict):
    """The settings one workload account gets, after its overrides are applied."""

    enabled: bool = True
    cpu_instance_families: CpuFamilies = Field(default_factory=lambda: ["c6i", "c6a", "m6i", "c7i", "m7i", "r6i"])
    gpu_instance_types: GpuTypes = Field(default_factory=lambda: ["g5.xlarge", "g5.2xlarge", "g6.xlarge", "g6.2xlarge"])
    max_vcpus: Vcpus = 256
    gpu_max_vcpus: Vcpus = 64
    spot_share_percent: SpotShare = 80
    capacity_reservation_id: ReservationId | None = None
    nat_allowed: bool = False
    flow_log_retention_days: CloudWatchDays = 365  # type: ignore[valid-type]
    checkpoint_expiry_days: Annotated[int, Field(gt=0, le=3650)] = 14
    vpc_cidr: str = "10.64.0.0/16"
    training_instance_type: TrainingInstance = "ml.g5.2xlarge"
    training_max_hours: TrainingHours = 24
    # HealthOmics run group: what all runs together may hold at once, and how long one may last.
    omics_max_cpus: Annotated[int, Field(gt=0, le=100_000)] = 256
    omics_max_gpus: Annotated[int, Field(gt=0, le=10_000)] = 8
    omics_max_runs: Annotated[int, Field(gt=0, le=1_000)] = 20
    omics_max_duration_minutes: Annotated[int, Field(gt=0, le=100_000)] = 1440

    _families = field_validator("cpu_instance_families")(lambda v: _check_families(v))
    _gpus = field_validator("gpu_instance_types")(lambda v: _check_gpu_types(v))

    @field_validator("vpc_cidr")
    @classmethod
    def _cidr(cls, value: str) -> str:
        try:
            network = ipaddress.IPv4Network(value)
        except ValueError:
            raise ValueError(f"'{value}' is not an IPv4 CIDR block such as 10.64.0.0/16")
        if not network.is_private or not 16 <= network.prefixlen <= 20:
            raise ValueError(f"'{value}' must be a private range between /16 and /20 (three /24-or-larger subnets)")
        return value

    @model_validator(mode="after")
    def _diversified(self):
        families = self.cpu_instance_families
        generations = {CPU_FAMILY_GENERATION[f] for f in families}
        if len(families) < MIN_CPU_FAMILIES or len(generations) < MIN_CPU_GENERATIONS:
            raise ValueError(
                f"cpu_instance_families {families} spans {len(families)} families and {len(generations)} "
                f"generation(s); Spot needs at least {MIN_CPU_FAMILIES} families from at least "
                f"{MIN_CPU_GENERATIONS} generations (e.g. c6i, m6i, c7i) so one reclaimed pool does not stall the queue"
            )
        if self.on_demand_vcpus == 0:
            raise ValueError(
                f"spot_share_percent {self.spot_share_percent} of max_vcpus {self.max_vcpus} leaves no on-demand "
                "vCPUs for the deadline queue; lower the Spot share or raise max_vcpus"
            )
        return self

    # -- derived sizes ---------------------------------------------------------------------

    @property
    def spot_vcpus(self) -> int:
        return math.floor(self.max_vcpus * self.spot_share_percent / 100)

    @property
    def on_demand_vcpus(self) -> int:
        return self.max_vcpus - self.spot_vcpus

    @property
    def designed_spot_share(self) -> float:
        """The share Batch can actually place on Spot, after rounding to whole vCPUs."""
        return 100 * self.spot_vcpus / self.max_vcpus


class FamilyPrice(Strict):
    on_demand: Price = Field(description="USD per vCPU-hour, on-demand")
    spot: Price = Field(description="USD per vCPU-hour, typical Spot")

    @model_validator(mode="after")
    def _spot_cheaper(self):
        if self.spot > self.on_demand:
            raise ValueError(f"spot price {self.spot} is above the on-demand price {self.on_demand}; check the figures")
        return self


class ComputePrices(Strict):
    """Prices as data, with the date and place they were read; the report never fetches prices."""

    as_of: CalendarDate
    region: str
    source: str = Field(min_length=1, description="where the figures were read, e.g. the EC2 pricing page")
    per_vcpu_hour: dict[str, FamilyPrice] = Field(min_length=1, description="USD per vCPU-hour by instance family")

    @field_validator("region")
    @classmethod
    def _region(cls, value: str) -> str:
        if value not in REGION_JURISDICTION:
            raise ValueError(f"'{value}' is not an AWS commercial region this product knows")
        return value

    @field_validator("per_vcpu_hour")
    @classmethod
    def _families(cls, value: dict[str, FamilyPrice]) -> dict[str, FamilyPrice]:
        unknown = [f for f in value if f not in CPU_FAMILY_GENERATION]
        if unknown:
            raise ValueError(f"price given for unknown CPU instance family {', '.join(unknown)}")
        return value


class Compute(Strict):
    defaults: ComputeSettings = Field(default_factory=ComputeSettings)
    accounts: dict[str, ComputeOverride] = Field(default_factory=dict, description="overrides by account role")
    prices: ComputePrices | None = None

    def settings_for(self, role: str) -> ComputeSettings:
        override = self.accounts.get(role)
        if override is None:
            return self.defaults
        merged = {**self.defaults.model_dump(), **override.model_dump(exclude_none=True)}
        try:
            return ComputeSettings.model_validate(merged)
        except ValidationError as exc:
            problems = "; ".join(
                f"compute.accounts.{'.'.join([role, *map(str, e['loc'])])}: {e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors(include_url=False)
            )
            raise ValueError(problems) from None

    def monthly_cost(self, settings: ComputeSettings) -> dict[str, float] | None:
        """Monthly cost of the configured CPU max vCPUs running flat out, in USD.

        The range spans the cheapest configured family at Spot prices to the dearest at
        on-demand prices; ``designed`` prices the Spot/on-demand split at the family average.
        """
        if self.prices is None:
            return None
        priced = [self.prices.per_vcpu_hour[f] for f in settings.cpu_instance_families if f in self.prices.per_vcpu_hour]
        if not priced:
            return None
        hours = HOURS_PER_MONTH
        average_od = sum(p.on_demand for p in priced) / len(priced)
        average_spot = sum(p.spot for p in priced) / len(priced)
        return {
            "all_on_demand": round(settings.max_vcpus * average_od * hours, 2),
            "designed": round((settings.spot_vcpus * average_spot + settings.on_demand_vcpus * average_od) * hours, 2),
            "all_spot": round(settings.max_vcpus * average_spot * hours, 2),
            "low": round(settings.max_vcpus * min(p.spot for p in priced) * hours, 2),
            "high": round(settings.max_vcpus * max(p.on_demand for p in priced) * hours, 2),
        }

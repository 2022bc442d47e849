"""The compute section of the config: the reference file resolves per account, and malformed
compute settings give one clean message naming the field and the fix."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from config_cases import assert_refused
import yaml

from gxp_landing_zone.config import parse_config

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = yaml.safe_load((ROOT / "config" / "reference.yaml").read_text())


def _defaults(key, value):
    return lambda d: d["compute"]["defaults"].__setitem__(key, value)


def _override(role, key, value):
    return lambda d: d["compute"]["accounts"].setdefault(role, {}).__setitem__(key, value)


def _price(family, **values):
    return lambda d: d["compute"]["prices"]["per_vcpu_hour"].__setitem__(family, values)


# (name, mutation, words the message must contain)
MALFORMED = [
    ("unknown instance family", _defaults("cpu_instance_families", ["c6i", "m6i", "c7x"]),
     ["compute.defaults.cpu_instance_families", "unknown CPU instance family c7x"]),
    ("instance size instead of family", _defaults("cpu_instance_families", ["c6i.large", "m6i", "c7i"]),
     ["unknown CPU instance family c6i.large", "not an instance size"]),
    ("Graviton family", _defaults("cpu_instance_families", ["c6g", "m6i", "c7i"]), ["c6g", "arm64"]),
    ("too few families", _defaults("cpu_instance_families", ["c6i", "c7i"]),
     ["compute.defaults", "at least 3 families"]),
    ("one generation only", _defaults("cpu_instance_families", ["c6i", "m6i", "r6i"]),
     ["1 generation(s)", "at least 2 generations"]),
    ("family listed twice", _defaults("cpu_instance_families", ["c6i", "c6i", "m7i"]), ["listed twice"]),
    ("no families", _defaults("cpu_instance_families", []), ["compute.defaults.cpu_instance_families"]),
    ("unknown GPU type", _defaults("gpu_instance_types", ["g5.xlarge", "x9.2xlarge"]),
     ["compute.defaults.gpu_instance_types", "unknown GPU instance type x9.2xlarge"]),
    ("GPU family without size", _defaults("gpu_instance_types", ["g5"]), ["unknown GPU instance type g5", "family.size"]),
    ("max vCPUs zero", _defaults("max_vcpus", 0), ["compute.defaults.max_vcpus", "greater than 0"]),
    ("max vCPUs negative in an override", _override("regulated-eu", "max_vcpus", -4),
     ["compute.accounts.regulated-eu.max_vcpus", "greater than 0"]),
    ("GPU max vCPUs zero", _defaults("gpu_max_vcpus", 0), ["compute.defaults.gpu_max_vcpus"]),
    ("Spot share over 100", _defaults("spot_share_percent", 150), ["compute.defaults.spot_share_percent", "less than or equal to 100"]),
    ("Spot share negative", _override("research", "spot_share_percent", -1),
     ["compute.accounts.research.spot_share_percent", "greater than or equal to 0"]),
    ("no on-demand vCPUs left", _defaults("spot_share_percent", 100), ["leaves no on-demand vCPUs for the deadline queue"]),
    ("NAT in a regulated account (default)", _defaults("nat_allowed", True),
     ["compute.defaults: nat_allowed is true for regulated account regulated-us", "no internet path"]),
    ("NAT in a regulated account (override)", _override("regulated-jp", "nat_allowed", True),
     ["compute.accounts.regulated-jp: nat_allowed is true for regulated account regulated-jp"]),
    ("override for unknown account", _override("regulated-cn", "max_vcpus", 8),
     ["compute.accounts: 'regulated-cn' is not a regulated or research account"]),
    ("override for a non-workload account", _override("audit", "max_vcpus", 8), ["'audit' is not a regulated or research account"]),
    ("bad capacity reservation id", _override("regulated-us", "capacity_reservation_id", "reservation-1"),
     ["compute.accounts.regulated-us.capacity_reservation_id"]),
    ("flow-log retention not offered", _defaults("flow_log_retention_days", 100), ["compute.defaults.flow_log_retention_days"]),
    ("flow-log retention shorter than audit logs", _override("research", "flow_log_retention_days", 90),
     ["compute.accounts.research: flow_log_retention_days 90", "audit_log.cloudwatch_retention_days 365"]),
    ("public VPC range", _defaults("vpc_cidr", "52.0.0.0/16"), ["compute.defaults.vpc_cidr", "private range"]),
    ("not a CIDR", _override("research", "vpc_cidr", "10.0.0.0/33"), ["compute.accounts.research.vpc_cidr", "IPv4 CIDR"]),
    ("misspelt compute setting", _defaults("max_vcpu", 8), ["compute.defaults.max_vcpu: unknown setting"]),
    ("price for unknown family", _price("z1d", on_demand=0.1, spot=0.05), ["compute.prices.per_vcpu_hour", "unknown CPU instance family z1d"]),
    ("Spot dearer than on-demand", _price("c6i", on_demand=0.04, spot=0.05), ["compute.prices.per_vcpu_hour.c6i", "above the on-demand price"]),
    ("zero price", _price("c6i", on_demand=0, spot=0), ["compute.prices.per_vcpu_hour.c6i.on_demand", "greater than 0"]),
    ("price without date", lambda d: d["compute"]["prices"].pop("as_of"), ["compute.prices.as_of: required setting is missing"]),
    ("price date not a date", lambda d: d["compute"]["prices"].__setitem__("as_of", "last week"), ["compute.prices.as_of"]),
    ("price region unknown", lambda d: d["compute"]["prices"].__setitem__("region", "us-north-9"), ["compute.prices.region"]),
    ("infinite price", _price("c6i", on_demand=float("inf"), spot=0.01), ["compute.prices.per_vcpu_hour.c6i.on_demand", "finite"]),
    ("not-a-number price", _price("c6i", on_demand=0.04, spot=float("nan")), ["compute.prices.per_vcpu_hour.c6i.spot", "finite"]),
    ("price of 1e308", _price("c6i", on_demand=1e308, spot=0.01), ["compute.prices.per_vcpu_hour.c6i.on_demand", "above 10"]),
    ("price as true", _price("c6i", on_demand=True, spot=0.01), ["compute.prices.per_vcpu_hour.c6i.on_demand", "YAML read true"]),
    ("price as text", _price("c6i", on_demand="0.04", spot=0.01), ["compute.prices.per_vcpu_hour.c6i.on_demand", "valid number"]),
    ("impossible price date", lambda d: d["compute"]["prices"].__setitem__("as_of", "2026-02-30"),
     ["compute.prices.as_of: '2026-02-30' is not a calendar date"]),
    ("price date as a number", lambda d: d["compute"]["prices"].__setitem__("as_of", 0), ["compute.prices.as_of", "YYYY-MM-DD"]),
    ("max vCPUs as true", _defaults("max_vcpus", True), ["compute.defaults.max_vcpus", "YAML read true"]),
    ("max vCPUs as a fraction", _override("research", "max_vcpus", 1.9), ["compute.accounts.research.max_vcpus", "valid integer"]),
    ("Spot share as true", _override("research", "spot_share_percent", True), ["compute.accounts.research.spot_share_percent"]),
    ("flow-log retention as true", _defaults("flow_log_retention_days", True), ["compute.defaults.flow_log_retention_days", "YAML read true"]),
    ("flow-log retention 1.0", _override("research", "flow_log_retention_days", 1.0), ["compute.accounts.research.flow_log_retention_days"]),
    ("NAT as 1", _override("research", "nat_allowed", 1), ["compute.accounts.research.nat_allowed", "valid boolean"]),
    ("GPU type with a trailing newline", _defaults("gpu_instance_types", ["g5.xlarge\n"]), ["unknown GPU instance type g5.xlarge\\n"]),
]


@pytest.mark.parametrize("name,mutate,expected", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_compute_config_names_the_field(name, mutate, expected):
    assert_refused(REFERENCE, mutate, expected)


def test_reference_compute_settings(reference_config):
    us = reference_config.compute_settings(reference_config.account("regulated-us"))
    research = reference_config.compute_settings(reference_config.account("research"))
    assert not us.nat_allowed and research.nat_allowed
    assert (us.spot_vcpus, us.on_demand_vcpus) == (204, 52)
    assert research.spot_share_percent == 90
    # An override changes only what it names.
    assert research.cpu_instance_families == us.cpu_instance_families


def test_compute_section_is_optional():
    data = copy.deepcopy(REFERENCE)
    del data["compute"]
    config = parse_config(data)
    settings = config.compute_settings(config.account("research"))
    assert settings.max_vcpus > 0 and not settings.nat_allowed
    assert config.compute.monthly_cost(settings) is None


def test_monthly_cost_range_brackets_the_design(reference_config):
    settings = reference_config.compute_settings(reference_config.account("regulated-us"))
    cost = reference_config.compute.monthly_cost(settings)
    assert cost["low"] <= cost["all_spot"] < cost["designed"] < cost["all_on_demand"] <= cost["high"]

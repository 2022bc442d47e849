"""The config model: the reference file loads, and malformed files give one clean message
naming the field, never a traceback."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from config_cases import assert_refused, run_app
import yaml

from gxp_landing_zone.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_CONFIG = ROOT / "config" / "reference.yaml"

REFERENCE = yaml.safe_load(REFERENCE_CONFIG.read_text())


def _account(data, role):
    return next(a for a in data["accounts"] if a["role"] == role)


def _set(path, value):
    def mutate(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return mutate


def _del(path):
    def mutate(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return mutate


def _account_field(role, key, value):
    return lambda d: _account(d, role).__setitem__(key, value)


# (name, mutation, words the message must contain)
MALFORMED = [
    ("short account id", _account_field("management", "id", "12345"), ["accounts[0] (management).id", "12-digit"]),
    ("account id as number", _account_field("audit", "id", 333333333333), ["(audit).id", "12-digit"]),
    ("letters in account id", _account_field("research", "id", "77777777777x"), ["(research).id"]),
    ("duplicate account id", _account_field("research", "id", "111111111111"), ["id 111111111111", "unique"]),
    ("duplicate role", _account_field("research", "role", "audit"), ["role audit", "unique"]),
    ("unknown role", _account_field("research", "role", "sandbox"), ["'sandbox' is not a known role"]),
    ("missing log-archive", lambda d: d["accounts"].remove(_account(d, "log-archive")), ["'log-archive' is required"]),
    ("unknown region", _set(["allowed_regions"], ["us-east-1", "mars-north-1"]), ["mars-north-1", "allowed_regions"]),
    ("home region not allowed", _set(["home_region"], "us-west-2"), ["home_region us-west-2", "allowed_regions"]),
    ("account region not allowed", _account_field("research", "regions", ["us-west-2"]), ["us-west-2", "not in allowed_regions"]),
    ("EU account in a US region", _account_field("regulated-eu", "regions", ["us-east-1"]), ["(regulated-eu)", "outside the account's jurisdiction EU"]),
    ("EU account in London", lambda d: (d["allowed_regions"].append("eu-west-2"), _account(d, "regulated-eu").__setitem__("regions", ["eu-west-2"])), ["eu-west-2 is in UK"]),
    ("JP account in Seoul", lambda d: (d["allowed_regions"].append("ap-northeast-2"), _account(d, "regulated-jp").__setitem__("regions", ["ap-northeast-2"])), ["outside the account's jurisdiction JP"]),
    ("regulated without jurisdiction", lambda d: _account(d, "regulated-us").pop("jurisdiction"), ["needs jurisdiction"]),
    ("unknown jurisdiction", _account_field("regulated-us", "jurisdiction", "CN"), ["needs jurisdiction set to one of US, EU, JP"]),
    ("jurisdiction on research", _account_field("research", "jurisdiction", "US"), ["regulated accounts only"]),
    ("retention zero", lambda d: d["data_classes"][0].__setitem__("retention_years", 0), ["data_classes[0] (raw-lab-data).retention_years", "greater than 0"]),
    ("retention over 100 years", lambda d: d["data_classes"][0].__setitem__("retention_years", 101), ["retention_years", "less than or equal to 100"]),
    ("retention in days and years", lambda d: d["data_classes"][0].__setitem__("retention_days", 30), ["exactly one of retention_years or retention_days"]),
    ("retention missing", lambda d: d["data_classes"][0].pop("retention_years"), ["exactly one of retention_years or retention_days"]),
    ("audit log shorter than records", _set(["audit_log", "retention_years"], 5), ["audit_log retention", "11.10(e)"]),
    ("duplicate data class", lambda d: d["data_classes"].append(copy.deepcopy(d["data_classes"][0])), ["name raw-lab-data appears more than once"]),
    ("misspelt setting", lambda d: d["data_classes"][0].__setitem__("retention_yeras", 3), ["retention_yeras: unknown setting"]),
    ("unknown top-level key", _set(["regions"], ["us-east-1"]), ["regions: unknown setting"]),
    ("bad naming prefix", _set(["organization", "naming_prefix"], "Example_Bio"), ["organization.naming_prefix"]),
    ("bad root id", _set(["organization", "root_id"], "root"), ["organization.root_id"]),
    ("bad Identity Center ARN", _set(["access", "instance_arn"], "arn:aws:sso:::instance/nope"), ["access.instance_arn"]),
    ("session too long", _set(["access", "session_hours"], {"auditor": 24}), ["session for auditor is 24 h"]),
    ("assignment to unknown account", lambda d: d["access"]["assignments"][0].__setitem__("accounts", ["nowhere"]), ["account role 'nowhere'"]),
    ("unknown permission set", lambda d: d["access"]["assignments"][0].__setitem__("permission_set", "root"), ["permission_set"]),
    ("CloudWatch retention not offered", _set(["audit_log", "cloudwatch_retention_days"], 100), ["cloudwatch_retention_days"]),
    ("missing data classes", _del(["data_classes"]), ["data_classes: required setting is missing"]),
    ("region listed twice", _set(["allowed_regions"], ["us-east-1", "us-east-1"]), ["listed twice"]),
]


def test_reference_config_loads(reference_config):
    assert [a.role for a in reference_config.regulated_accounts] == ["regulated-us", "regulated-eu", "regulated-jp"]
    assert reference_config.audit_log.days >= max(c.days for c in reference_config.data_classes)


@pytest.mark.parametrize("name,mutate,expected", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_config_names_the_field(name, mutate, expected):
    assert_refused(REFERENCE, mutate, expected)


def test_at_least_twenty_malformed_cases():
    assert len(MALFORMED) >= 20


@pytest.mark.parametrize(
    "text,expected",
    [("accounts: [unclosed", "not valid YAML at line 1"), ("- a\n- b\n", "must be a YAML mapping"), ("", "must be a YAML mapping")],
)
def test_unreadable_yaml(tmp_path, text, expected):
    path = tmp_path / "estate.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=expected):
        load_config(path)


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "nope.yaml")


def test_app_exits_cleanly_on_bad_config(tmp_path):
    """What a platform engineer sees from `cdk synth -c config=bad.yaml`: a message, exit 2, no traceback."""
    bad = copy.deepcopy(REFERENCE)
    _account(bad, "regulated-eu")["regions"] = ["us-east-1"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(bad))
    run = run_app(path, tmp_path / "out")
    assert run.returncode == 2
    assert "outside the account's jurisdiction EU" in run.stderr
    assert "Traceback" not in run.stderr
    assert not list((tmp_path / "out").glob("*.template.json")), "a bad config must not leave templates behind"

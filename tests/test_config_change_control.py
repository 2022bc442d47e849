"""The change_control section and the deployment and validation accounts: the reference loads, and every
way a change could reach production unvalidated or unsigned is a config error naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_cases import assert_refused
import yaml

from gxp_landing_zone.config import parse_config
from gxp_landing_zone.config.change_control import oq_targets, production_accounts, promoted_accounts, validation_accounts

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = yaml.safe_load((ROOT / "config" / "reference.yaml").read_text())
OTHER_CONNECTION = "arn:aws:codeconnections:us-east-1:111111111111:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"


def _cc(data):
    return data["change_control"]


def _account(data, role):
    return next(a for a in data["accounts"] if a["role"] == role)


def _source(key, value):
    return lambda d: _cc(d)["source"].__setitem__(key, value)


def _drop_source(key):
    return lambda d: _cc(d)["source"].pop(key)


def _drop_account(role):
    return lambda d: d["accounts"].remove(_account(d, role))


def _data_steward_accounts(*roles):
    return lambda d: d["access"]["assignments"][2].__setitem__("accounts", list(roles))


def _without_validation_eu(data):
    _drop_account("validation-eu")(data)
    _data_steward_accounts("regulated-us", "regulated-eu", "regulated-jp", "validation-us", "validation-jp")(data)
    _cc(data)["validation"]["oq_targets"] = ["validation-us", "validation-jp"]


# (name, mutation, words the message must contain)
MALFORMED = [
    ("missing connection ARN", _drop_source("connection_arn"), ["connection_arn: missing", "CodeConnections"]),
    ("no source at all", lambda d: _cc(d).__setitem__("source", {"branch": "main"}), ["change_control.source: connection_arn: missing", "or codecommit_repository, or s3_bucket"]),
    ("connection ARN that is not one", _source("connection_arn", "arn:aws:iam::888888888888:role/x"),
     ["change_control.source.connection_arn", "is not a connection ARN"]),
    ("connection in another account", _source("connection_arn", OTHER_CONNECTION),
     ["change_control.source.connection_arn", "belongs to account 111111111111", "deployment account 888888888888"]),
    ("two sources", _source("codecommit_repository", "gxp-landing-zone"), ["give one source, not connection_arn and codecommit_repository"]),
    ("repository without owner", _source("repository", "gxp-landing-zone"), ["change_control.source.repository", "owner/name"]),
    ("branch git refuses", _source("branch", "main..old"), ["change_control.source.branch", "not a branch name"]),
    ("config path outside the repository", _source("config_path", "../estate.yaml"), ["change_control.source.config_path"]),
    ("pipeline without a validation stage", lambda d: _cc(d).pop("validation"),
     ["change_control.validation: the pipeline has no validation stage", "Annex 11"]),
    ("OQ target that is production", lambda d: _cc(d)["validation"].__setitem__("oq_targets", ["regulated-us"]),
     ["change_control.validation.oq_targets[0]", "regulated-us is not a validation account"]),
    ("OQ target that is not an account", lambda d: _cc(d)["validation"].__setitem__("oq_targets", ["validation-cn"]),
     ["change_control.validation.oq_targets[0]", "'validation-cn' is not in accounts"]),
    ("no OQ target", lambda d: _cc(d)["validation"].__setitem__("oq_targets", []), ["change_control.validation.oq_targets: empty"]),
    ("OQ data class unknown", lambda d: _cc(d)["validation"].__setitem__("oq_data_class", "nope"),
     ["change_control.validation.oq_data_class", "'nope' is not in data_classes"]),
    ("production account without validation counterpart", _without_validation_eu,
     ["regulated-eu (EU) has no validation counterpart", "validation-<name> account with jurisdiction EU"]),
    ("validation account outside its jurisdiction", lambda d: _account(d, "validation-eu").__setitem__("regions", ["us-east-1"]),
     ["(validation-eu)", "outside the account's jurisdiction EU"]),
    ("validation account without jurisdiction", lambda d: _account(d, "validation-jp").pop("jurisdiction"),
     ["validation account 'validation-jp' needs jurisdiction"]),
    ("no deployment account", _drop_account("deployment"), ["an account with role 'deployment' is required"]),
    ("no release approvers", lambda d: _cc(d)["release"].__setitem__("approver_groups", []),
     ["change_control.release.approver_groups"]),
    ("release wait beyond a pipeline action's limit", lambda d: _cc(d)["release"].__setitem__("wait_hours", 12),
     ["change_control.release.wait_hours", "12 h is outside 1..8"]),
    ("break-glass group that is a name", lambda d: _cc(d)["break_glass"].__setitem__("group_id", "break-glass"),
     ["change_control.break_glass.group_id", "not an IAM Identity Center group ID"]),
    ("break-glass session of a day", lambda d: _cc(d)["break_glass"].__setitem__("session_hours", 24),
     ["change_control.break_glass.session_hours", "24 h is outside 1..4"]),
    ("production records replicated into validation",
     lambda d: d["data_classes"][0].__setitem__("replicate_to", [{"account": "validation-us"}]),
     ["replicate_to[0].account: validation-us is a validation account", "test data only"]),
    ("misspelt setting", lambda d: _cc(d)["release"].__setitem__("approvers", ["x"]), ["change_control.release.approvers: unknown setting"]),
    ("section missing", lambda d: d.pop("change_control"), ["change_control: required setting is missing"]),
]


@pytest.mark.parametrize("name,mutate,expected", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_change_control_names_the_field(name, mutate, expected):
    assert_refused(REFERENCE, mutate, expected)


def test_reference_has_one_validation_account_per_populated_jurisdiction():
    config = parse_config(REFERENCE, "reference.yaml")
    production = {a.jurisdiction for a in production_accounts(config)}
    assert production == {"US", "EU", "JP"}
    assert {a.jurisdiction for a in validation_accounts(config)} == production
    assert [a.role for a in oq_targets(config)] == ["validation-us", "validation-eu", "validation-jp"]
    # Validation accounts get the validation stage; everything else is deployed in production's waves.
    promoted = {a.role for a in promoted_accounts(config)}
    assert "deployment" in promoted and not promoted & {a.role for a in validation_accounts(config)}
    assert config.change_control.source.kind == "connection"


def test_a_codecommit_source_needs_no_connection():
    data = yaml.safe_load(yaml.safe_dump(REFERENCE))
    data["change_control"]["source"] = {"codecommit_repository": "gxp-landing-zone", "branch": "main"}
    assert parse_config(data, "estate.yaml").change_control.source.kind == "codecommit"

"""Records configuration: data classes, replication and residency, bucket-name length, and the
committed retention floor. Every refusal names the field; none is a traceback."""

from __future__ import annotations

import copy

import pytest
from config_cases import assert_refused, run_app
import yaml
from test_config import REFERENCE, _account

from gxp_landing_zone.config import ConfigError, parse_config
from gxp_landing_zone.config import retention_floor
from gxp_landing_zone.config.records import MAX_BUCKET_NAME
from gxp_landing_zone.naming import Names, region_code


def _class(data, name):
    return next(c for c in data["data_classes"] if c["name"] == name)


def _set_class(name, key, value):
    return lambda d: _class(d, name).__setitem__(key, value)


# (name, mutation, words the message must contain)
MALFORMED = [
    ("class retention zero", _set_class("submission-archive", "retention_years", 0),
     ["data_classes[2] (submission-archive).retention_years", "greater than 0"]),
    ("class retention zero days", lambda d: (_class(d, "raw-lab-data").pop("retention_years"),
                                              _class(d, "raw-lab-data").__setitem__("retention_days", 0)),
     ["(raw-lab-data).retention_days", "greater than 0"]),
    ("identified class replicated", _set_class("raw-lab-data", "replicate_to", [{"account": "regulated-us"}]),
     ["data_classes[0] (raw-lab-data).replicate_to", "not de-identified"]),
    ("identified class may leave", _set_class("analytical-results", "may_leave_jurisdiction", True),
     ["(analytical-results).may_leave_jurisdiction", "only a de-identified class"]),
    ("EU data to a US region", _set_class("deidentified-analytics", "may_leave_jurisdiction", False),
     ["(deidentified-analytics).replicate_to[0]", "regulated-eu (EU) data would be copied to us-east-1 (US)"]),
    ("replication to a research account", _set_class("deidentified-analytics", "replicate_to", [{"account": "research"}]),
     ["replicate_to[0].account", "'research' is not a regulated account"]),
    ("replication to an unknown account", _set_class("deidentified-analytics", "replicate_to", [{"account": "regulated-cn"}]),
     ["replicate_to[0].account", "'regulated-cn'"]),
    ("replication to a region the account does not use",
     _set_class("deidentified-analytics", "replicate_to", [{"account": "regulated-us", "region": "us-west-2"}]),
     ["replicate_to[0].region", "holds no workloads in us-west-2"]),
    ("replication target twice",
     _set_class("deidentified-analytics", "replicate_to", [{"account": "regulated-us"}, {"account": "regulated-us", "region": "us-east-1"}]),
     ["replicate_to[1]", "listed twice"]),
    ("misspelt replication key", _set_class("deidentified-analytics", "replicate_to", [{"acount": "regulated-us"}]),
     ["replicate_to[0].acount: unknown setting"]),
    ("duplicate class names", lambda d: d["data_classes"].append(copy.deepcopy(d["data_classes"][1])),
     ["data_classes: name analytical-results appears more than once"]),
    ("bucket name over 63 characters", _set_class("raw-lab-data", "name", "raw-laboratory-instrument-outpt"),
     ["(raw-laboratory-instrument-outpt).name", f"over S3's limit of {MAX_BUCKET_NAME}"]),
    ("longest prefix and a long class name", lambda d: (d["organization"].__setitem__("naming_prefix", "examplebiotx"),
                                                         _class(d, "raw-lab-data").__setitem__("name", "raw-instrument-output-data")),
     ["(raw-instrument-output-data).name", "shorten the class name by 3"]),
    ("class name with a trailing hyphen", _set_class("raw-lab-data", "name", "raw-lab-"),
     ["(raw-lab-).name", "no trailing or doubled hyphen"]),
    ("empty replication region", _set_class("deidentified-analytics", "replicate_to", [{"account": "regulated-us", "region": ""}]),
     ["(deidentified-analytics).replicate_to[0].region", "'' is not an AWS commercial region"]),
    ("unknown replication region", _set_class("deidentified-analytics", "replicate_to", [{"account": "regulated-us", "region": "us-east-9"}]),
     ["replicate_to[0].region", "'us-east-9' is not an AWS commercial region"]),
    ("class retention as true", _set_class("raw-lab-data", "retention_years", True), ["(raw-lab-data).retention_years", "YAML read true"]),
    ("class retention days as true", lambda d: (_class(d, "raw-lab-data").pop("retention_years"),
                                                 _class(d, "raw-lab-data").__setitem__("retention_days", True)),
     ["(raw-lab-data).retention_days", "YAML read true"]),
    ("de-identified as 1", _set_class("deidentified-analytics", "de_identified", 1), ["(deidentified-analytics).de_identified"]),
]


@pytest.mark.parametrize("name,mutate,expected", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_records_config_names_the_field(name, mutate, expected):
    assert_refused(REFERENCE, mutate, expected)


def test_reference_classes_and_replication(reference_config):
    names = [c.name for c in reference_config.data_classes]
    assert names == ["raw-lab-data", "analytical-results", "submission-archive", "deidentified-analytics"]
    replicated = [c for c in reference_config.data_classes if c.replicate_to]
    assert [c.name for c in replicated] == ["deidentified-analytics"]
    assert all(c.de_identified for c in replicated)


def test_record_bucket_names_keep_the_prefix_and_fit(reference_config):
    names = Names(reference_config)
    for account in reference_config.regulated_accounts:
        for region in reference_config.workload_regions(account):
            for data_class in reference_config.data_classes:
                bucket = names.records_bucket(data_class.name, account.id, region)
                assert bucket.startswith(names.records_bucket_prefix())
                assert len(bucket) <= MAX_BUCKET_NAME
                assert bucket.endswith(region_code(region))


def test_region_codes_are_unique():
    from gxp_landing_zone.config.regions import REGION_JURISDICTION

    codes = [region_code(r) for r in REGION_JURISDICTION]
    assert len(set(codes)) == len(codes)
    assert region_code("ap-northeast-1") == "apne1" and region_code("eu-central-1") == "euc1"


# -- retention floor ---------------------------------------------------------------------------


def _write(tmp_path, data):
    path = tmp_path / "estate.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_committed_floor_matches_the_reference_config(reference_config):
    from conftest import REFERENCE_CONFIG

    path = retention_floor.floor_path(REFERENCE_CONFIG)
    assert path.exists(), "commit config/reference.retention-floor.yaml"
    assert retention_floor.read_floor(path) == retention_floor.current_retention(reference_config)


def test_first_synthesis_writes_the_floor(tmp_path):
    path = _write(tmp_path, REFERENCE)
    floor = retention_floor.enforce(parse_config(REFERENCE), path)
    assert retention_floor.read_floor(floor)["raw-lab-data"] == 25 * 365


def test_lowering_a_retention_is_refused(tmp_path):
    path = _write(tmp_path, REFERENCE)
    retention_floor.enforce(parse_config(REFERENCE), path)
    lowered = copy.deepcopy(REFERENCE)
    _class(lowered, "submission-archive")["retention_years"] = 24
    with pytest.raises(ConfigError) as caught:
        retention_floor.enforce(parse_config(lowered), path)
    message = str(caught.value)
    assert "data_classes (submission-archive): retention 8760 days is below the committed floor of 9125 days" in message
    assert "cannot be shortened" in message
    assert retention_floor.read_floor(retention_floor.floor_path(path))["submission-archive"] == 9125


def test_lowering_the_audit_log_retention_is_refused(tmp_path):
    path = _write(tmp_path, REFERENCE)
    retention_floor.enforce(parse_config(REFERENCE), path)
    lowered = copy.deepcopy(REFERENCE)
    lowered["audit_log"]["retention_years"] = 25
    with pytest.raises(ConfigError, match="audit_log: retention 9125 days is below the committed floor of 9490"):
        retention_floor.enforce(parse_config(lowered), path)


def test_removing_a_class_is_refused(tmp_path):
    path = _write(tmp_path, REFERENCE)
    retention_floor.enforce(parse_config(REFERENCE), path)
    fewer = copy.deepcopy(REFERENCE)
    fewer["data_classes"] = fewer["data_classes"][1:]
    fewer["ml"]["accounts"]["regulated-us"]["training_data_classes"] = ["deidentified-analytics"]
    fewer["instruments"] = []  # they write the removed class
    with pytest.raises(ConfigError, match=r"data_classes \(raw-lab-data\): the class was removed"):
        retention_floor.enforce(parse_config(fewer), path)


def test_raising_a_retention_raises_the_floor_and_it_never_comes_back_down(tmp_path):
    path = _write(tmp_path, REFERENCE)
    retention_floor.enforce(parse_config(REFERENCE), path)
    longer = copy.deepcopy(REFERENCE)
    _class(longer, "deidentified-analytics")["retention_years"] = 15
    retention_floor.enforce(parse_config(longer), path)
    floor = retention_floor.read_floor(retention_floor.floor_path(path))
    assert floor["deidentified-analytics"] == 15 * 365
    with pytest.raises(ConfigError, match="below the committed floor of 5475"):
        retention_floor.enforce(parse_config(REFERENCE), path)


def test_a_hand_edited_floor_is_a_clear_error(tmp_path):
    path = _write(tmp_path, REFERENCE)
    retention_floor.floor_path(path).write_text("retention_days: [1, 2]\n")
    with pytest.raises(ConfigError, match="restore it from version control"):
        retention_floor.enforce(parse_config(REFERENCE), path)


@pytest.mark.parametrize(
    "content,expected",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe", "is not a text file"),
        (b"retention_days:\n  audit-log: 9490\n  raw-lab-data: 9125\n  raw-lab-data: 1\n", "'raw-lab-data' is given twice"),
        (b"retention_days:\n  audit-log: 9490\n  raw-lab-data: true\n", "whole days"),
        (b"retention_days: {}\n", "whole days"),
        (b"retention_days:\n  raw-lab-data: 9125\n", "has no audit-log entry"),
        (b"retention_days:\n  audit-log: " + b"9" * 5000 + b"\n", "characters long"),
        (b"retention_days:\n  audit-log: 9490\nextra: 1\n", "expected only 'retention_days:'"),
        (b"retention_days: " + b"[" * 1000 + b"]" * 1000 + b"\n", "nested more than"),
        (b"retention_days:\n  audit-log: 2026-02-30\n", "whole days"),
    ],
    ids=["binary", "duplicate key lowers a floor", "boolean", "empty", "no audit log", "huge number", "extra key", "deep", "date"],
)
def test_a_damaged_floor_is_a_clear_error(tmp_path, content, expected):
    path = _write(tmp_path, REFERENCE)
    retention_floor.floor_path(path).write_bytes(content)
    with pytest.raises(ConfigError) as caught:
        retention_floor.enforce(parse_config(REFERENCE), path)
    assert expected in str(caught.value)
    assert "restore it from version control" in str(caught.value)


def test_a_floor_that_is_a_directory_is_a_clear_error(tmp_path):
    path = _write(tmp_path, REFERENCE)
    retention_floor.floor_path(path).mkdir()
    with pytest.raises(ConfigError, match="is a directory, not the retention floor file"):
        retention_floor.enforce(parse_config(REFERENCE), path)


def test_app_refuses_a_floor_that_is_a_directory(tmp_path):
    path = _write(tmp_path, REFERENCE)
    retention_floor.floor_path(path).mkdir()
    run = run_app(path, tmp_path / "out")
    assert run.returncode == 2, run.stderr
    assert "is a directory, not the retention floor file" in run.stderr
    assert "Traceback" not in run.stderr


# -- bucket names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,problem",
    [
        ("exbio-records-raw-lab-data-444444444444-use1", None),
        ("ab", "has 2 characters"),
        ("a" * 64, "has 64 characters"),
        ("Exbio-trail", "lower-case letters"),
        ("exbio_trail", "lower-case letters"),
        ("-exbio", "begin and end"),
        ("exbio-", "begin and end"),
        ("exbio..trail", "two adjacent periods"),
        ("192.168.5.4", "IP address"),
        ("xn--exbio", "'xn--'"),
        ("sthree-exbio", "'sthree-'"),
        ("sthree-configurator-x", "'sthree-'"),
        ("amzn-s3-demo-exbio", "'amzn-s3-demo-'"),
        ("exbio-s3alias", "'-s3alias'"),
        ("exbio--ol-s3", "'--ol-s3'"),
        ("exbio.mrap", "'.mrap'"),
        ("exbio--x-s3", "'--x-s3'"),
        ("exbio--table-s3", "'--table-s3'"),
        ("exbio\n", "lower-case letters"),
    ],
)
def test_bucket_name_rules(name, problem):
    from gxp_landing_zone.naming import bucket_name_problem

    found = bucket_name_problem(name)
    assert (found is None) if problem is None else (problem in found), found


def test_every_bucket_the_estate_names_is_checked(reference_config):
    """Names.bucket_names() is what the config is checked against: every bucket-name method's
    output must be in it, or a new bucket could carry a name S3 refuses past validation."""
    import inspect

    from gxp_landing_zone.naming import bucket_name_problem

    names = Names(reference_config)
    listed = {name for name, _ in names.bucket_names()}
    regulated, research = reference_config.account("regulated-eu"), reference_config.account("research")
    for attribute, member in inspect.getmembers(Names):
        if "bucket" not in attribute or attribute in ("bucket_names", "records_bucket_prefix"):
            continue
        if isinstance(member, property):
            produced = [getattr(names, attribute)]
        else:
            parameters = list(inspect.signature(member).parameters)[1:]
            account = research if "checkpoint" in attribute or "ml_" in attribute or "compute" in attribute else regulated
            values = {"data_class": "raw-lab-data", "account_id": account.id, "region": reference_config.workload_regions(account)[0]}
            produced = [getattr(names, attribute)(*(values[p] for p in parameters))]
        for bucket in produced:
            assert bucket in listed, f"Names.{attribute} -> {bucket} is not in Names.bucket_names()"
    assert all(bucket_name_problem(name) is None for name in listed)


def test_app_refuses_a_lowered_retention(tmp_path):
    """What `cdk synth` shows: exit 2, the field, no templates."""
    path = _write(tmp_path, REFERENCE)
    retention_floor.enforce(parse_config(REFERENCE), path)
    lowered = copy.deepcopy(REFERENCE)
    _class(lowered, "raw-lab-data")["retention_years"] = 10
    path.write_text(yaml.safe_dump(lowered))
    run = run_app(path, tmp_path / "out")
    assert run.returncode == 2, run.stderr
    assert "data_classes (raw-lab-data): retention 3650 days is below the committed floor" in run.stderr
    assert not list((tmp_path / "out").glob("*.template.json"))

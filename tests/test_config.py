"""The config model: the reference file loads, and malformed files give one clean message
naming the field, never a traceback."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from config_cases import assert_refused, run_app
import yaml

from gxp_landing_zone.config import ConfigError, load_config, load_config_text, parse_config

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
    ("home region not allowed", _set(["home_region"], "us-east-2"), ["home_region: us-east-2 must also be in allowed_regions"]),
    ("account region not allowed", _account_field("research", "regions", ["us-east-2"]), ["us-east-2", "not in allowed_regions"]),
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
    ("audit log shorter than records", _set(["audit_log", "retention_years"], 5), ["audit_log: retention (1825 days)", "11.10(e)"]),
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
    # YAML's true is Python's 1: strict types refuse it wherever a number is meant.
    ("retention as true", lambda d: d["data_classes"][0].__setitem__("retention_years", True),
     ["data_classes[0] (raw-lab-data).retention_years", "YAML read true"]),
    ("CloudWatch retention as true", _set(["audit_log", "cloudwatch_retention_days"], True), ["audit_log.cloudwatch_retention_days", "YAML read true"]),
    ("audit retention as true", _set(["audit_log", "retention_years"], True), ["audit_log.retention_years"]),
    ("session hours as true", _set(["access", "session_hours"], {"auditor": True}), ["access.session_hours.auditor"]),
    ("retention as a fraction", lambda d: d["data_classes"][0].__setitem__("retention_years", 25.5), ["(raw-lab-data).retention_years", "valid integer"]),
    ("jurisdiction read as false (NO)", _account_field("regulated-us", "jurisdiction", False), ["(regulated-us).jurisdiction", "put the value in quotes"]),
    # \d in a regex also matches other scripts' digits.
    ("account id in Arabic-Indic digits", _account_field("regulated-us", "id", "٤٤٤٤٤٤٤٤٤٤٤٤"), ["(regulated-us).id", "digits 0-9"]),
    ("account id in full-width digits", _account_field("audit", "id", "３３３３３３３３３３３３"), ["(audit).id"]),
    ("role with a trailing newline", _account_field("research", "role", "research\n"), ["'research\\n' is not a known role"]),
    ("blank group id", lambda d: d["access"]["assignments"][0].__setitem__("group_id", ""),
     ["access.assignments[0].group_id", "'' is not an IAM Identity Center group ID"]),
    ("NUL group id", lambda d: d["access"]["assignments"][1].__setitem__("group_id", "\0"), ["access.assignments[1].group_id", "'\\x00'"]),
    ("group id with a zero-width space", lambda d: d["access"]["assignments"][0].__setitem__("group_id", "90670000-aaaa-4bbb-8ccc-000000000001\u200b"),
     ["access.assignments[0].group_id", "\\u200b"]),
    ("group id that is a name", lambda d: d["access"]["assignments"][0].__setitem__("group_id", "qa-auditors"), ["'qa-auditors' is not an IAM Identity Center group ID"]),
    ("group id with an upper-case store prefix", lambda d: d["access"]["assignments"][0].__setitem__("group_id", "ABCDEF0123-90670000-aaaa-4bbb-8ccc-000000000001"),
     ["access.assignments[0].group_id"]),
    ("assignment listed twice", lambda d: d["access"]["assignments"].append(copy.deepcopy(d["access"]["assignments"][0])),
     ["access.assignments[3]: group 90670000-aaaa-4bbb-8ccc-000000000001 already has auditor in management through access.assignments[0]"]),
    ("assignment already made through '*'",
     lambda d: d["access"]["assignments"].append({"group_id": "90670000-aaaa-4bbb-8ccc-000000000002", "permission_set": "platform-admin", "accounts": ["regulated-jp"]}),
     ["access.assignments[3]", "already has platform-admin in regulated-jp through access.assignments[1]"]),
    ("account listed twice in one assignment", lambda d: d["access"]["assignments"][2].__setitem__("accounts", ["regulated-us", "regulated-us"]),
     ["access.assignments[2].accounts", "regulated-us is listed twice"]),
    ("'*' with other accounts", lambda d: d["access"]["assignments"][0].__setitem__("accounts", ["*", "audit"]), ["'*' already means every account"]),
    ("group ids differing only in case",
     lambda d: d["access"]["assignments"][2].__setitem__("group_id", "90670000-AAAA-4bbb-8ccc-000000000001"),
     ["access.assignments[2].group_id", "differ only in letter case"]),
    ("naming prefix S3 reserves", _set(["organization", "naming_prefix"], "sthree"), ["organization.naming_prefix", "'sthree-', a prefix S3 reserves"]),
    ("naming prefix with a trailing newline", _set(["organization", "naming_prefix"], "exbio\n"), ["organization.naming_prefix"]),
]


def test_reference_config_loads(reference_config):
    assert [a.role for a in reference_config.regulated_accounts] == [
        "regulated-us", "regulated-eu", "regulated-jp", "validation-us", "validation-eu", "validation-jp",
    ]
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


# -- the YAML itself: dates, tags, huge numbers, deep nesting, aliases, keys given twice -------

REFERENCE_TEXT = REFERENCE_CONFIG.read_text()


def _text(old: str, new: str) -> str:
    assert old in REFERENCE_TEXT, old
    return REFERENCE_TEXT.replace(old, new, 1)


# (name, YAML text, words the message must contain)
MALFORMED_YAML = [
    ("impossible date", _text("as_of: 2026-11-01", "as_of: 2026-02-30"),
     ["compute.prices.as_of: '2026-02-30' is not a calendar date", "YYYY-MM-DD"]),
    ("date with a time", _text("as_of: 2026-11-01", "as_of: 2026-11-01 10:00:00"), ["compute.prices.as_of", "not a calendar date"]),
    ("week date", _text("as_of: 2026-11-01", "as_of: 2026-W44-1"), ["compute.prices.as_of"]),
    ("impossible date where text is expected", _text("name: Example Biotech", "name: 2026-02-30\n  bogus: 2026-13-45"),
     ["organization.bogus: unknown setting"]),
    ("!!int abc", _text("max_vcpus: 256", "max_vcpus: !!int abc"), ["compute.defaults.max_vcpus (line", "'abc' is not a valid whole number"]),
    ("!!float abc", _text("on_demand: 0.0425", "on_demand: !!float abc"), ["per_vcpu_hour.c6i.on_demand (line", "not a valid number"]),
    ("!!bool maybe", _text("nat_allowed: false", "nat_allowed: !!bool maybe"), ["compute.defaults.nat_allowed", "not a valid true or false"]),
    ("!!binary", _text("name: Example Biotech", "name: !!binary aGVsbG8="), ["organization.name (line 5)", "!!binary is not used"]),
    ("!!set", _text("allowed_regions:                # an SCP denies every other region",
                    "allowed_regions: !!set {us-east-1}\nold_regions:"), ["allowed_regions (line", "!!set is not used"]),
    ("5,000-digit number", _text("max_vcpus: 256", "max_vcpus: " + "9" * 5000), ["compute.defaults.max_vcpus", "5000 characters long"]),
    ("5,000-digit hex number", _text("max_vcpus: 256", "max_vcpus: 0x" + "f" * 5000), ["compute.defaults.max_vcpus", "characters long"]),
    ("1,000 nested lists", _text("compute:\n", "deep: " + "[" * 1000 + "]" * 1000 + "\ncompute:\n"),
     ["deep[0][0]", "nested more than 20 levels deep"]),
    ("1,000 nested mappings", _text("compute:\n", "deep: " + "{a: " * 1000 + "1" + "}" * 1000 + "\ncompute:\n"),
     ["deep.a.a", "nested more than 20 levels deep"]),
    ("duplicate key, last would win", _text("    retention_years: 25\n", "    retention_years: 25\n    retention_years: 1\n"),
     ["data_classes[0] (raw-lab-data).retention_years (line", "'retention_years' is given twice", "silently keep only the last"]),
    ("duplicate top-level section", REFERENCE_TEXT + "\naudit_log:\n  retention_years: 1\n", ["audit_log (line", "given twice"]),
    ("duplicate compute override", _text("      vpc_cidr: 10.96.0.0/16\n", "      vpc_cidr: 10.96.0.0/16\n    research:\n      nat_allowed: false\n"),
     ["compute.accounts.research", "'research' is given twice"]),
    ("same key quoted and plain", _text("    retention_years: 25\n", "    retention_years: 25\n    \"retention_years\": 1\n"), ["given twice"]),
    ("alias that contains itself", _text("compute:\n", "loop: &a [*a]\ncompute:\n"), ["loop[0]", "refers to a list or mapping that contains it"]),
    ("alias bomb", "a: &a [" + ",".join(["x"] * 10) + "]\n" + "".join(
        f"{n}: &{n} [{','.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefg", "bcdefgh")), ["more than 100000 values"]),
    ("undefined alias", _text("name: Example Biotech", "name: *nowhere"), ["not valid YAML at line 5", "undefined alias"]),
    ("YAML true in an integer field", _text("retention_years: 26 ", "retention_years: yes "), ["audit_log.retention_years", "YAML read true"]),
    ("YAML on in a CloudWatch retention", _text("cloudwatch_retention_days: 365", "cloudwatch_retention_days: on"),
     ["audit_log.cloudwatch_retention_days", "YAML read true"]),
    ("empty replication region", _text("        region: us-east-1\n", "        region: \"\"\n"),
     ["data_classes[3] (deidentified-analytics).replicate_to[0].region", "'' is not an AWS commercial region"]),
    ("infinite price", _text("on_demand: 0.0425", "on_demand: .inf"), ["compute.prices.per_vcpu_hour.c6i.on_demand", "finite"]),
    ("not-a-number price", _text("spot: 0.0160", "spot: .nan"), ["compute.prices.per_vcpu_hour.c6i.spot", "finite"]),
    ("astronomical price", _text("on_demand: 0.0425", "on_demand: 1.0e+308"), ["per_vcpu_hour.c6i.on_demand", "above 10"]),
    ("1e308 (text in YAML 1.1)", _text("on_demand: 0.0425", "on_demand: 1e308"), ["per_vcpu_hour.c6i.on_demand", "YAML read text here"]),
    ("group id with a zero-width space", _text("90670000-aaaa-4bbb-8ccc-000000000002", '"90670000-aaaa-4bbb-8ccc-000000000002\\u200b"'),
     ["access.assignments[1].group_id", "\\u200b"]),
    ("two documents", REFERENCE_TEXT + "---\nname: again\n", ["not valid YAML", "single document"]),
]


@pytest.mark.parametrize("name,text,expected", MALFORMED_YAML, ids=[m[0] for m in MALFORMED_YAML])
def test_malformed_yaml_names_the_field(name, text, expected):
    with pytest.raises(ConfigError) as caught:
        load_config_text(text, "estate.yaml")
    message = str(caught.value)
    for words in expected:
        assert words in message, message
    assert "Traceback" not in message and "could not be checked" not in message


def test_yaml_that_means_what_it_says_still_loads():
    """Anchors, merge keys, a store-prefixed group ID and an unquoted date in a text field are fine."""
    text = _text("  accounts:\n    research:\n", "  accounts:\n    research: &research\n")
    text = text.replace("  prices:", "    regulated-us:\n      <<: *research\n      nat_allowed: false\n  prices:", 1)
    text = text.replace("90670000-aaaa-4bbb-8ccc-000000000003", "1234567890-90670000-aaaa-4bbb-8ccc-000000000003", 1)
    text = text.replace("description: Instrument output and raw laboratory data", "description: 2026-02-30", 1)
    config = load_config_text(text, "estate.yaml")
    us = config.compute_settings(config.account("regulated-us"))
    assert (us.spot_share_percent, us.vpc_cidr, us.nat_allowed) == (90, "10.96.0.0/16", False)
    assert config.access.assignments[2].group_id.startswith("1234567890-")
    assert config.data_classes[0].description == "2026-02-30"
    assert str(config.compute.prices.as_of) == "2026-11-01"


def test_reference_reads_the_same_as_safe_load():
    assert load_config_text(REFERENCE_TEXT) == load_config(REFERENCE_CONFIG)
    from gxp_landing_zone.config.loader import load_yaml

    plain = load_yaml(REFERENCE_TEXT, "reference.yaml")
    plain["compute"]["prices"]["as_of"] = REFERENCE["compute"]["prices"]["as_of"].isoformat()
    expected = copy.deepcopy(REFERENCE)
    expected["compute"]["prices"]["as_of"] = plain["compute"]["prices"]["as_of"]
    assert plain == expected


def test_a_long_list_of_problems_is_cut_short():
    bad = copy.deepcopy(REFERENCE)
    bad["allowed_regions"] = [True] * 500
    with pytest.raises(ConfigError) as caught:
        parse_config(bad, "estate.yaml")
    message = str(caught.value)
    assert "500 problem(s)" in message and "... and 450 more" in message
    assert len(message.splitlines()) == 52


# -- Identity Center assignments: construct IDs ----------------------------------------------


def test_assignment_ids_keep_the_short_form_unless_groups_collide():
    from gxp_landing_zone.constructs.permission_sets import group_id_parts

    a, b = "90670000-aaaa-4bbb-8ccc-000000000001", "90670000-aaaa-4bbb-8ccc-000000000002"
    shared = "1234567890-90670000-aaaa-4bbb-8ccc-000000000001"
    # Unchanged from before: a changed logical ID would make CloudFormation drop the grant.
    assert group_id_parts([a, b, a]) == {a: "000000000001", b: "000000000002"}
    assert group_id_parts([a, b, shared]) == {a: a, b: "000000000002", shared: shared}
    assert group_id_parts([shared, a]) == group_id_parts([a, shared])


def _with_assignment(assignment: dict) -> dict:
    data = copy.deepcopy(REFERENCE)
    data["access"]["assignments"].append(assignment)
    return data


def test_app_refuses_an_assignment_listed_twice(tmp_path):
    """A repeated assignment is refused before synthesis, naming both entries: exit 2, no traceback."""
    path = tmp_path / "twice.yaml"
    twice = {"group_id": "90670000-aaaa-4bbb-8ccc-000000000003", "permission_set": "regulated-data-operator", "accounts": ["regulated-eu"]}
    path.write_text(yaml.safe_dump(_with_assignment(twice)))
    run = run_app(path, tmp_path / "out")
    assert run.returncode == 2, run.stderr
    assert "access.assignments[3]: group 90670000-aaaa-4bbb-8ccc-000000000003 already has regulated-data-operator in regulated-eu" in run.stderr
    assert "Traceback" not in run.stderr
    assert not list((tmp_path / "out").glob("*.template.json"))


def test_app_builds_groups_that_share_their_last_12_characters(tmp_path):
    """Two different groups whose IDs end alike are a valid estate: each gets its own assignment."""
    other = "1234567890-90670000-aaaa-4bbb-8ccc-000000000001"  # same UUID tail as the auditors group
    path = tmp_path / "shared.yaml"
    path.write_text(yaml.safe_dump(_with_assignment({"group_id": other, "permission_set": "auditor", "accounts": ["audit"]})))
    run = run_app(path, tmp_path / "out")
    assert "Traceback" not in run.stderr, run.stderr
    # 0, or 1 when a control pack reports a finding; 2 would be a refused configuration.
    assert run.returncode in (0, 1), run.stderr
    import json

    template = json.loads((tmp_path / "out" / "Access-management-us-east-1.template.json").read_text())
    audit = [r["Properties"]["PrincipalId"] for r in template["Resources"].values()
             if r["Type"] == "AWS::SSO::Assignment" and r["Properties"]["TargetId"] == "333333333333"]
    assert sorted(audit) == sorted([other, "90670000-aaaa-4bbb-8ccc-000000000001", "90670000-aaaa-4bbb-8ccc-000000000002"])

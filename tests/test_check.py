"""python -m gxp_landing_zone.check: the synthesis verdicts on any CloudFormation, in text, JSON and
SARIF, with exit 0 clean, 1 findings, 2 bad input - and a clear message, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gxp_landing_zone.check.__main__ import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CUSTOMER = FIXTURES / "customer-workload.yaml"
CONFIG = Path(__file__).resolve().parent.parent / "config" / "reference.yaml"
IN_REGULATED_US = ["--config", str(CONFIG), "--account", "444444444444", "--region", "us-east-1"]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.mark.synth
def test_the_reference_assembly_is_clean(synthesized, capsys):
    code, out, _ = run(capsys, synthesized.outdir, "--config", CONFIG)
    assert code == 0
    assert " 0 finding(s)" in out


def test_a_template_this_app_did_not_write(capsys):
    code, out, _ = run(capsys, CUSTOMER, *IN_REGULATED_US)
    assert code == 1
    for control in ("GXP-KEY-01", "GXP-KEY-02", "GXP-S3-05", "GXP-S3-10"):
        assert control in out
    # YAML short forms (!Ref, !GetAtt, !Sub) are read as CloudFormation reads them.
    assert "GXP-S3-04" not in out and "GXP-S3-08" not in out


def test_json_names_every_evaluation_with_its_clauses(capsys):
    code, out, _ = run(capsys, CUSTOMER, *IN_REGULATED_US, "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["findings"] == 5
    rotation = next(e for e in data["evaluations"] if e["control_id"] == "GXP-KEY-01")
    assert rotation["outcome"] == "NON_COMPLIANT" and rotation["logical_id"] == "AssayKey"
    assert "11.10(d)" in rotation["clauses"]["part11"]


def test_sarif_points_code_scanning_at_the_resource(tmp_path, capsys):
    out_file = tmp_path / "result.sarif"
    code, _, _ = run(capsys, CUSTOMER, *IN_REGULATED_US, "--format", "sarif", "--output", out_file)
    sarif = json.loads(out_file.read_text())
    assert code == 1 and sarif["version"] == "2.1.0"
    run_ = sarif["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    result = next(r for r in run_["results"] if r["ruleId"] == "GXP-KEY-01")
    assert rule_ids[result["ruleIndex"]] == "GXP-KEY-01"
    physical = result["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "customer-workload.yaml"
    line = CUSTOMER.read_text().splitlines()[physical["region"]["startLine"] - 1]
    assert line.strip() == "AssayKey:"
    help_text = run_["tool"]["driver"]["rules"][rule_ids.index("GXP-KEY-01")]["help"]["text"]
    assert "21 CFR Part 11 11.10(c)" in help_text


@pytest.mark.synth
def test_sarif_marks_acknowledged_exceptions_as_suppressed(synthesized, tmp_path, capsys):
    out_file = tmp_path / "estate.sarif"
    code, _, _ = run(capsys, synthesized.outdir, "--config", CONFIG, "--format", "sarif", "--output", out_file)
    results = json.loads(out_file.read_text())["runs"][0]["results"]
    assert code == 0 and results
    assert all(r["suppressions"][0]["justification"] for r in results)


def test_an_unresolvable_value_is_a_finding_not_a_pass(tmp_path, capsys):
    template = {
        "Parameters": {"Rotate": {"Type": "String"}},
        "Resources": {"Key": {"Type": "AWS::KMS::Key", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
                              "Properties": {"EnableKeyRotation": {"Ref": "Rotate"}, "KeyPolicy": {"Statement": []}}}},
    }
    path = tmp_path / "key.json"
    path.write_text(json.dumps(template))
    code, out, _ = run(capsys, path, *IN_REGULATED_US)
    assert code == 1
    assert "GXP-KEY-01" in out and "CANNOT_PROVE" in out and "parameter Rotate" in out


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file or folder"),
        ("Resources: [", "neither JSON nor YAML"),
        ("just: text", "not a CloudFormation template"),
        ('{"Resources": {"Thing": {"Properties": {}}}}', "resource Thing has no Type"),
        ('{"Resources": {"Thing": {"Type": "Bucket"}}}', "resource Thing has type 'Bucket'"),
        ("\xff\xfe", "cannot be read"),
    ],
    ids=["missing", "not-yaml", "no-resources", "no-type", "malformed-type", "binary"],
)
def test_bad_input_gets_a_clear_message(tmp_path, capsys, content, message):
    path = tmp_path / "template.yaml"
    if content is not None:
        path.write_text(content, encoding="latin-1")
    code, _, err = run(capsys, path)
    assert code == 2
    assert message in err and str(path) in err


def test_a_folder_without_templates_is_bad_input(tmp_path, capsys):
    code, _, err = run(capsys, tmp_path)
    assert code == 2 and "no template files" in err


def test_a_bad_config_is_bad_input(tmp_path, capsys):
    config = tmp_path / "estate.yaml"
    config.write_text("organization: {}\n")
    code, _, err = run(capsys, CUSTOMER, "--config", config)
    assert code == 2 and "organization" in err

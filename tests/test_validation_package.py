"""The validation package, built from the session's synthesized reference estate (no second
synthesis): pages render in headless Chromium and every link lands, the matrix has one row per
clause, the CSV opens with the expected headers, the JSON meets the shipped schema, the OSCAL
component definition round-trips through compliance-trestle, and IQ results become an executed
protocol whose tampering shows."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from gxp_landing_zone.validation.catalog import load_catalog
from gxp_landing_zone.controls.registry import all_controls

CONTROLS = all_controls()
from gxp_landing_zone.validation.package import PackageError, generate
from gxp_landing_zone.validation.package.__main__ import main
from gxp_landing_zone.validation.package.builder import clause_key, iq_test_id, requirement_id
from gxp_landing_zone.validation.package.tables import (
    CUSTOMER_COLUMNS, EXECUTED_COLUMNS, IQ_COLUMNS, MATRIX_COLUMNS, OQ_COLUMNS, OQ_EXECUTED_COLUMNS, URS_COLUMNS,
)
from gxp_landing_zone.validation.package.schema import validate
from gxp_landing_zone.validation.report import DEVIATION_COLUMNS

pytestmark = pytest.mark.synth

CATALOG = load_catalog()
ALL_CLAUSES = [(fw.id, c) for fw in CATALOG for c in fw.clauses]
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CONFIG_PATH = "config/reference.yaml"
REFERENCE = str(Path(__file__).resolve().parent.parent / CONFIG_PATH)


@pytest.fixture(scope="module")
def package(synthesized, reference_config, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("validation-package")
    generate(reference_config, out, config_path=CONFIG_PATH, synthesis=synthesized, cdk_out=synthesized.outdir)
    return out


@pytest.fixture(scope="module")
def package_json(package) -> dict:
    return json.loads((package / "validation-package.json").read_text(encoding="utf-8"))


def iq_results(tmp_path: Path, failing: str | None = None) -> Path:
    """An IQ record as the runner writes it: one passing entry per IQ check, except ``failing``."""
    from gxp_landing_zone.validation.iq import write_results
    from gxp_landing_zone.validation.iq.results import result

    results = [result(c.id, f"resource-of-{c.id}", "as specified", {"observed": c.id != failing}, c.id != failing)
               for c in CONTROLS]
    write_results(results, tmp_path, "log-archive", "us-east-1")
    return tmp_path


def oq_results(tmp_path: Path, failing: str | None = None) -> Path:
    """An OQ record as the runner writes it: every automated test's steps passed (OQ-SIG-01 not
    executed), the manual ones recorded as manual, two test versions kept; ``failing`` fails its
    first step and records the restoration."""
    from gxp_landing_zone.validation.oq import AUTOMATED, StepResult, write_results
    from gxp_landing_zone.validation.package.builder import OQ_TESTS

    def entry(test_id, step, outcome, kind="step", observed="as expected"):
        return StepResult(test_id=test_id, step=step, kind=kind, action=f"{test_id} step {step}", controls=[],
                          clauses={}, resource="s3://exbio-records-x/oq/run.txt", expected="refused",
                          observed=observed, outcome=outcome, passed=outcome == "pass",
                          checked_at="2026-11-23T22:00:00+00:00", caller="arn:aws:sts::444444444444:assumed-role/qa/t")

    results = []
    for t in OQ_TESTS:
        for i, _ in enumerate(t["steps"], start=1):
            outcome = ("manual" if t["id"] not in AUTOMATED else "not executed" if t["id"] == "OQ-SIG-01"
                       else "fail" if (t["id"], i) == (failing, 1) else "pass")
            results.append(entry(t["id"], str(i), outcome))
        if t["id"] == failing:
            results.append(entry(t["id"], "1", "pass", kind="restore", observed="original in force"))
    results += [entry("OQ-REC-01", "-", "test data", kind="test data", observed='{"retain_until": "2036-11-21"}'),
                entry("OQ-REC-02", "-", "test data", kind="test data", observed='{"retain_until": "2036-11-21"}')]
    write_results(results, tmp_path, "regulated-us", "us-east-1")
    return tmp_path


# -- the documents --------------------------------------------------------------------------------


def test_every_document_is_written(package):
    expected = {
        "index.html", "urs.html", "traceability.html", "iq-protocol.html", "oq-protocol.html", "deviations.html",
        "change-control.html", "diagrams.html", "customer-responsibilities.html", "framework-part11.html",
        "framework-annex11.html", "framework-jp-eres.html", "urs.csv", "traceability.csv", "iq-protocol.csv",
        "oq-protocol.csv", "deviations.csv", "customer-responsibilities.csv", "architecture.svg", "data-flow.svg",
        "validation-package.json", "validation-package.schema.json", "oscal/component-definition.json",
    }
    written = {str(p.relative_to(package)) for p in package.rglob("*") if p.is_file()}
    assert expected <= written
    # Without results there is no executed protocol to show.
    assert "iq-executed.html" not in written and "oq-executed.html" not in written


def test_one_user_requirement_per_control_traced_to_its_clauses(package_json):
    reqs = {r["control"]: r for r in package_json["requirements"]}
    assert set(reqs) == {c.id for c in CONTROLS}
    for control in CONTROLS:
        r = reqs[control.id]
        assert r["id"] == requirement_id(control.id)
        assert r["requirement"] == control.statement
        assert r["clauses"] == {fw: list(ids) for fw, ids in control.clauses.items() if ids}


def test_iq_protocol_covers_every_deployed_state_check(package_json):
    tests = {t["control"]: t for t in package_json["iq_protocol"]}
    assert {c.id for c in CONTROLS} <= set(tests)
    for cid in (c.id for c in CONTROLS):
        t = tests[cid]
        assert t["id"] == iq_test_id(cid) and t["method"] == "iq-runner"
        assert t["steps"] and t["expected"] and t["acceptance"] and t["accounts"] and t["regions"]
    without = set(package_json["controls_without_deployed_check"])
    assert without == {c.id for c in CONTROLS} - set(tests)


def test_oq_tests_cite_only_registered_controls(package_json):
    known = {c.id for c in CONTROLS}
    for t in package_json["oq_protocol"]:
        assert set(t["controls"]) <= known
        assert t["applicable"] or t["not_applicable_reason"]


def test_oq_protocol_marks_the_tests_the_runner_automates(package, package_json):
    from gxp_landing_zone.validation.oq import AUTOMATED

    assert {t["id"] for t in package_json["oq_protocol"] if t["automated"]} == AUTOMATED
    assert {t["id"] for t in package_json["oq_protocol"] if not t["automated"]} == {"OQ-AUD-01", "OQ-AUD-02"}
    html = (package / "oq-protocol.html").read_text(encoding="utf-8")
    assert html.count("Automated by the OQ runner") == len(AUTOMATED) and html.count("Manual: executed by hand") == 2


def test_every_procedural_clause_is_the_customers_with_evidence(package_json):
    listed = {(r["framework"], r["clause"]): r for r in package_json["customer_responsibilities"]}
    for fw, clause in ALL_CLAUSES:
        if clause.kind == "procedural":
            assert listed[(fw, clause.id)]["share"] == "all of it"
        if clause.kind != "technical":
            assert len(listed[(fw, clause.id)]["evidence"]) > 30
        else:
            assert (fw, clause.id) not in listed


def test_deviation_log_is_the_synthesis_deviations(package_json, synthesized):
    assert len(package_json["deviations"]) == len(set(synthesized.deviations)) > 0
    assert all(d["reason"] for d in package_json["deviations"])


# -- formats --------------------------------------------------------------------------------------


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or ()), list(reader)


@pytest.mark.parametrize("name, columns", [
    ("urs.csv", URS_COLUMNS), ("traceability.csv", MATRIX_COLUMNS), ("iq-protocol.csv", IQ_COLUMNS),
    ("oq-protocol.csv", OQ_COLUMNS), ("deviations.csv", DEVIATION_COLUMNS),
    ("customer-responsibilities.csv", CUSTOMER_COLUMNS),
])
def test_csv_opens_with_expected_headers(package, name, columns):
    header, rows = _read_csv(package / name)
    assert header == list(columns)
    assert rows and all(len(r) == len(columns) for r in rows)


def test_csv_matrix_covers_every_clause(package):
    _, rows = _read_csv(package / "traceability.csv")
    assert {(r["framework"], r["clause"]) for r in rows} == {(fw, c.id) for fw, c in ALL_CLAUSES}


def test_json_validates_against_the_shipped_schema(package, package_json):
    schema = json.loads((package / "validation-package.schema.json").read_text(encoding="utf-8"))
    assert validate(package_json, schema) == []


def test_schema_rejects_a_broken_package(package_json):
    broken = json.loads(json.dumps(package_json))
    del broken["requirements"][0]["requirement"]
    broken["matrix"][0]["status"] = "fine"
    broken["iq_protocol"][0]["id"] = "IQ check one"
    broken["surprise"] = True
    problems = validate(broken)
    assert any("requirements[0]: missing requirement" in p for p in problems)
    assert any("matrix[0].status" in p for p in problems)
    assert any("iq_protocol[0].id" in p for p in problems)
    assert any("unexpected key surprise" in p for p in problems)


def test_oscal_component_definition_round_trips_through_trestle(package):
    from trestle.oscal.component import ComponentDefinition

    path = package / "oscal" / "component-definition.json"
    definition = ComponentDefinition.oscal_read(path)
    copy = package / "oscal" / "round-trip.json"
    definition.oscal_write(copy)
    assert ComponentDefinition.oscal_read(copy) == definition
    copy.unlink()

    (component,) = definition.components
    cited = {p.value for ci in component.control_implementations for ir in ci.implemented_requirements
             for p in ir.props if p.name == "gxp-control"}
    assert cited == {c.id for c in CONTROLS if not c.operational}
    control_ids = {ir.control_id for ci in component.control_implementations for ir in ci.implemented_requirements}
    served = {clause_key(fw, cid) for c in CONTROLS for fw, ids in c.clauses.items() for cid in ids}
    assert control_ids == served
    sources = {r.uuid for r in definition.back_matter.resources}
    assert {ci.source.lstrip("#") for ci in component.control_implementations} <= sources


# -- HTML in headless Chromium --------------------------------------------------------------------


# One Chromium start for every page: a harness page frames them all and, once they have loaded
# and been laid out, writes what each one rendered into its own DOM for --dump-dom to print.
# Starting Chromium once per page costs seconds each on a busy machine.
HARNESS_SCRIPT = """
window.addEventListener('load', function () {
  var out = {};
  document.querySelectorAll('iframe').forEach(function (f) {
    var d = f.contentDocument;
    var all = function (sel, fn) { return Array.from(d.querySelectorAll(sel)).map(fn); };
    out[f.dataset.name] = {
      title: d.title,
      height: d.body ? d.body.scrollHeight : 0,
      ids: all('[id]', function (e) { return e.id; }),
      hrefs: all('a[href]', function (e) { return e.getAttribute('href'); }),
      clause_rows: all('tr[id^="m-"]', function (e) { return e.id.slice(2); }),
      svgs: d.querySelectorAll('svg').length
    };
  });
  var pre = document.createElement('pre');
  pre.id = 'rendered';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
"""


class _Result(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inside, self.text = False, []

    def handle_starttag(self, tag, attrs):
        self.inside = self.inside or dict(attrs).get("id") == "rendered"

    def handle_endtag(self, tag):
        if tag == "pre":
            self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text.append(data)


@pytest.fixture(scope="module")
def rendered(package, tmp_path_factory) -> dict[str, dict]:
    if CHROMIUM is None:
        pytest.skip("chromium is not installed: the HTML cannot be checked in a browser on this machine")
    work = tmp_path_factory.mktemp("chromium")
    frames = "".join(f'<iframe src="{p.as_uri()}" data-name="{p.name}"></iframe>' for p in sorted(package.glob("*.html")))
    harness = work / "harness.html"
    harness.write_text(f'<!DOCTYPE html><html><head><meta charset="utf-8"><script>{HARNESS_SCRIPT}</script>'
                       f"</head><body>{frames}</body></html>", encoding="utf-8")
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={work / 'profile'}",
         # The harness (a file:// page) reads its frames' documents; file:// pages are each their own origin.
         "--disable-web-security", "--allow-file-access-from-files",
         "--dump-dom", harness.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = _Result()
    result.feed(done.stdout)
    assert result.text, "the harness wrote no result: Chromium did not finish loading the pages"
    return json.loads("".join(result.text))


def test_every_page_renders(rendered, package):
    assert set(rendered) == {p.name for p in package.glob("*.html")}
    for name, page in rendered.items():
        assert page["title"].endswith("Example Biotech"), name
        assert page["height"] > 300, f"{name} rendered (almost) nothing"
        assert page["hrefs"], f"{name} rendered without links"
    assert rendered["diagrams.html"]["svgs"] == 2


def test_every_local_link_resolves(rendered, package):
    broken = []
    for name, page in rendered.items():
        for href in page["hrefs"]:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                broken.append(f"{name}: {href} leaves the package")
                continue
            target = parts.path or name
            if not (package / target).is_file():
                broken.append(f"{name}: {href} (no file {target})")
            elif parts.fragment and parts.fragment not in rendered.get(target, {}).get("ids", ()):
                broken.append(f"{name}: {href} (no anchor in {target})")
    assert not broken, "\n".join(broken[:20])


def test_matrix_has_one_row_per_clause(rendered):
    rows = rendered["traceability.html"]["clause_rows"]
    assert sorted(rows) == sorted(clause_key(fw, c.id) for fw, c in ALL_CLAUSES)
    for fw in CATALOG:
        assert rendered[f"framework-{fw.id}.html"]["clause_rows"] == [clause_key(fw.id, c.id) for c in fw.clauses]


def test_index_links_every_document(rendered):
    linked = {urlsplit(h).path for h in rendered["index.html"]["hrefs"]}
    assert {n for n in rendered if n != "index.html"} <= linked


# -- executed protocols and the command line --------------------------------------------------------


def test_executed_protocol_from_iq_results(synthesized, reference_config, tmp_path):
    results = iq_results(tmp_path / "iq", failing="GXP-S3-01")
    out = tmp_path / "pkg"
    generate(reference_config, out, config_path=CONFIG_PATH, synthesis=synthesized, cdk_out=synthesized.outdir,
             iq_results=results)
    p = json.loads((out / "validation-package.json").read_text(encoding="utf-8"))
    assert validate(p) == []
    verdicts = {t["control"]: t["verdict"] for t in p["executed"]["tests"]}
    assert verdicts["GXP-S3-01"] == "fail"
    assert verdicts["GXP-TRAIL-01"] == "pass"
    assert [f["chain"] for f in p["executed"]["files"]] == ["intact"]
    header, rows = _read_csv(out / "iq-executed.csv")
    assert header == list(EXECUTED_COLUMNS) and rows
    assert 'href="iq-executed.html"' in (out / "index.html").read_text(encoding="utf-8")

    # An edited record is still shown, with the break named: never silently trusted.
    record = next(results.glob("*.json"))
    entries = json.loads(record.read_text())
    entries[1]["passed"] = not entries[1]["passed"]
    record.write_text(json.dumps(entries))
    generate(reference_config, out, config_path=CONFIG_PATH, synthesis=synthesized, cdk_out=synthesized.outdir,
             iq_results=results)
    p = json.loads((out / "validation-package.json").read_text(encoding="utf-8"))
    assert p["executed"]["files"][0]["chain"] == "broken at entry 1"


def test_results_that_are_not_an_iq_record_are_refused(tmp_path):
    (tmp_path / "notes.json").write_text('{"hello": 1}')
    with pytest.raises(PackageError, match="not an IQ record"):
        from gxp_landing_zone.validation.package import read_results

        read_results(tmp_path)


def test_executed_oq_protocol_from_oq_results(synthesized, reference_config, tmp_path):
    # Separate directories (--oq-results) and one shared directory (--iq-results holding both) give
    # the same executed OQ protocol; an IQ-only package keeps its shape (executed_oq null).
    iq_dir = iq_results(tmp_path / "iq")
    oq_dir = oq_results(tmp_path / "oq", failing="OQ-REC-03")
    shared = iq_results(tmp_path / "shared")
    oq_results(shared, failing="OQ-REC-03")
    seen = []
    for out, kwargs in ((tmp_path / "separate", {"iq_results": iq_dir, "oq_results": oq_dir}),
                        (tmp_path / "together", {"iq_results": shared})):
        generate(reference_config, out, config_path=CONFIG_PATH, synthesis=synthesized, cdk_out=synthesized.outdir,
                 **kwargs)
        p = json.loads((out / "validation-package.json").read_text(encoding="utf-8"))
        assert validate(p) == []
        assert p["executed"]["summary"]["pass"] == len(p["executed"]["tests"])
        x = p["executed_oq"]
        verdicts = {t["id"]: t["verdict"] for t in x["tests"]}
        assert verdicts == {"OQ-REC-01": "pass", "OQ-REC-02": "pass", "OQ-REC-03": "fail", "OQ-REC-04": "pass",
                            "OQ-AUD-01": "manual", "OQ-AUD-02": "manual", "OQ-SCP-01": "pass", "OQ-SCP-02": "pass",
                            "OQ-REC-05": "pass", "OQ-SCP-03": "pass", "OQ-SIG-01": "not executed"}
        rec03 = next(t for t in x["tests"] if t["id"] == "OQ-REC-03")
        assert [s["kind"] for s in rec03["steps"]] == ["step", "step", "restore"]
        assert len(x["test_data"]) == 2 and [f["chain"] for f in x["files"]] == ["intact"]
        header, rows = _read_csv(out / "oq-executed.csv")
        assert header == list(OQ_EXECUTED_COLUMNS) and {r["verdict"] for r in rows} == set(verdicts.values())
        page = (out / "oq-executed.html").read_text(encoding="utf-8")
        assert 'class="verdict-fail">fail<' in page and "Test data kept" in page
        assert 'href="oq-executed.html"' in (out / "index.html").read_text(encoding="utf-8")
        seen.append(verdicts)
    assert seen[0] == seen[1]

    generate(reference_config, tmp_path / "separate", config_path=CONFIG_PATH, synthesis=synthesized,
             cdk_out=synthesized.outdir, iq_results=iq_dir)
    p = json.loads((tmp_path / "separate" / "validation-package.json").read_text(encoding="utf-8"))
    assert p["executed_oq"] is None and not (tmp_path / "separate" / "oq-executed.html").exists()

    # A tampered OQ record is shown with its break named.
    record = next(oq_dir.glob("*.json"))
    entries = json.loads(record.read_text())
    entries[2]["outcome"] = "fail"
    record.write_text(json.dumps(entries))
    generate(reference_config, tmp_path / "separate", config_path=CONFIG_PATH, synthesis=synthesized,
             cdk_out=synthesized.outdir, oq_results=oq_dir)
    p = json.loads((tmp_path / "separate" / "validation-package.json").read_text(encoding="utf-8"))
    assert p["executed_oq"]["files"][0]["chain"] == "broken at entry 2" and p["executed"] is None


@pytest.mark.parametrize("args, message", [
    (["--config", "missing.yaml"], "missing.yaml"),
    (["--config", REFERENCE, "--iq-results", "no-such-dir"], "not a directory"),
    (["--config", REFERENCE, "--oq-results", "no-such-dir"], "--oq-results no-such-dir: not a directory"),
])
def test_bad_invocations_give_a_clear_error_and_exit_code(args, message, tmp_path, capsys):
    code = main([*args, "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("validation-package: error:") and message in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_every_control_has_a_deployed_state_check_in_the_iq_protocol():
    from gxp_landing_zone.validation.package.builder import deployed_checks

    checks = deployed_checks(all_controls())
    assert set(checks) == {c.id for c in all_controls()}
    assert {c["method"] for c in checks.values()} == {"iq-runner"}
    assert all(c["check"].startswith("gxp_landing_zone.controls.") for c in checks.values())

"""The validation package, built from the session's synthesized reference estate (no second
synthesis): every document carries document control, the user needs are traced to tests as deep as
their risk asks, pages print landscape in headless Chromium (npm @sparticuz/chromium, driven by
puppeteer-core; one browser for all pages) with no column clipped and every link landing, the matrix
has one row per clause, the CSV opens with the expected headers, the JSON meets the shipped schema,
and the OSCAL catalogs and component definition resolve through compliance-trestle. Executed
records: tests/test_package_records.py."""

from __future__ import annotations

import csv
import hashlib
import json
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
    CUSTOMER_COLUMNS, IQ_COLUMNS, MATRIX_COLUMNS, OQ_COLUMNS, URS_COLUMNS,
)
from gxp_landing_zone.validation.package.schema import validate
from gxp_landing_zone.validation.report import DEVIATION_COLUMNS

pytestmark = pytest.mark.synth

CATALOG = load_catalog()
ALL_CLAUSES = [(fw.id, c) for fw in CATALOG for c in fw.clauses]
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


# -- the documents --------------------------------------------------------------------------------


def test_every_document_is_written(package):
    from gxp_landing_zone.validation.documents import DOCUMENTS

    expected = {
        "index.html", *(f"{d.stem}.html" for d in DOCUMENTS if d.code not in ("IQR", "OQR")),
        *(f"framework-{fw.id}.html" for fw in CATALOG),
        "urs.csv", "requirements-trace.csv", "specification.csv", "risk-assessment.csv", "traceability.csv",
        "iq-protocol.csv", "oq-protocol.csv", "deviations.csv", "exceptions.csv", "customer-responsibilities.csv",
        *(f"diagram-{d}.{x}" for d in ("network", "identity", "data", "compute", "signature") for x in ("dot", "svg")),
        "validation-package.json", "validation-package.schema.json", "oscal/component-definition.json",
        "oscal/profile.json", *(f"oscal/catalogs/{fw.id}.json" for fw in CATALOG),
    }
    written = {str(p.relative_to(package)) for p in package.rglob("*") if p.is_file()}
    assert expected <= written, expected - written
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


def test_specification_has_a_clause_column_per_framework(package):
    from gxp_landing_zone.validation.package.tables import spec_columns

    header, rows = _read_csv(package / "specification.csv")
    assert header == list(spec_columns([fw.id for fw in CATALOG])) and len(rows) == len(CONTROLS)


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
    # Each implementation points at the project's own catalog of its framework, which resolves every clause;
    # no assessment status sits in the definition (that is the assessment results' job).
    from trestle.oscal.catalog import Catalog

    for ci in component.control_implementations:
        catalog = Catalog.oscal_read(path.parent / ci.source)
        ids = {c.id for c in catalog.controls}
        assert {ir.control_id for ir in ci.implemented_requirements} <= ids
    text = path.read_text(encoding="utf-8")
    for word in ('"met"', "qualification pending", '"status"'):
        assert word not in text
    for fw in CATALOG:
        catalog = Catalog.oscal_read(path.parent / "catalogs" / f"{fw.id}.json")
        assert [c.id for c in catalog.controls] == [clause_key(fw.id, c.id) for c in fw.clauses]


# -- document control, user needs and risk -------------------------------------------------------------


def test_every_document_carries_document_control(package, package_json):
    from gxp_landing_zone.validation.documents import DOCUMENTS

    docs = package_json["documents"]
    assert set(docs) == {d.code for d in DOCUMENTS}
    config_sha = hashlib.sha256(Path(REFERENCE).read_bytes()).hexdigest()
    for d in DOCUMENTS:
        doc = docs[d.code]
        assert doc["id"].endswith(f"-GLZ-{d.code}") and doc["version"] and doc["history"]
        assert doc["config_sha256"] == config_sha and len(doc["commit"]) == 40
        # A protocol is frozen by its hash; executed results cite it.
        assert bool(doc["protocol_sha256"]) == d.protocol
        path = package / f"{d.stem}.html"
        if not path.exists():
            continue  # executed protocols exist only with results
        html = path.read_text(encoding="utf-8")
        assert doc["id"] in html and config_sha in html and doc["commit"] in html
        assert "Revision history" in html and "Approved by (system owner)" in html
        if d.protocol:
            assert doc["protocol_sha256"] in html


def test_every_user_need_is_traced_to_a_test_as_deep_as_its_risk(package_json):
    from gxp_landing_zone.validation.package.risk import depth_gaps
    from gxp_landing_zone.validation.package.user_needs import USER_NEEDS

    known = {c.id for c in CONTROLS}
    oq = {t["id"] for t in package_json["oq_protocol"]}
    pq = {t["id"] for t in package_json["pq_protocol"]}
    uat = {u["id"] for u in package_json["uat_scripts"]}
    untraced = []
    for need in USER_NEEDS:
        assert set(need.controls) <= known and set(need.oq) <= oq and set(need.pq) <= pq and set(need.uat) <= uat
        if depth_gaps(need):
            untraced.append(f"{need.id}: {depth_gaps(need)}")
    assert not untraced, untraced
    rows = {r["id"]: r for r in package_json["user_needs"]}
    assert all(r["results"] for r in rows.values()), "a user need with no test to give a result"
    # Every control that claims a clause serves some user need.
    served = {c for n in USER_NEEDS for c in n.controls}
    assert {c.id for c in CONTROLS if not c.operational} <= served


def test_risk_assessment_gives_each_component_a_gamp_category(package_json):
    categories = {c["name"]: c["category"] for c in package_json["risk"]["components"]}
    assert categories and set(categories.values()) <= {1, 3, 4, 5}
    assert any(v == 5 for v in categories.values()) and any(v == 1 for v in categories.values())
    assert len(package_json["risk"]["fmea"]) == len(package_json["user_needs"])


def test_exceptions_are_one_entry_per_reason(package_json):
    exceptions = package_json["exceptions"]
    assert 0 < len(exceptions) < len(package_json["deviations"])
    assert [e["id"] for e in exceptions] == [f"DEV-{i:03d}" for i in range(1, len(exceptions) + 1)]
    assert len({e["reason"] for e in exceptions}) == len(exceptions)
    for e in exceptions:
        assert e["risk"] and e["compensating"] and e["resources"]


# -- printing in headless Chromium --------------------------------------------------------------------


@pytest.fixture(scope="module")
def print_run(package, synthesized, tmp_path_factory) -> dict[Path, dict]:
    """Every page of the package and of the synthesis report, opened in one headless Chromium, laid out for
    landscape A4, and printed to PDF."""
    from gxp_landing_zone.validation.package.graphviz import print_pages

    folder = package / "pdf"
    folder.mkdir(exist_ok=True)
    report_pdfs = tmp_path_factory.mktemp("report-pdf")
    jobs = [(p, folder / p.with_suffix(".pdf").name) for p in sorted(package.glob("*.html"))]
    jobs += [(Path(p), report_pdfs / Path(p).with_suffix(".pdf").name)
             for p in synthesized.report_files if str(p).endswith(".html")]
    seen = print_pages(jobs)
    assert len(seen) == len(jobs)
    return {Path(path): page for path, page in seen.items()}


@pytest.fixture(scope="module")
def printed(print_run, package) -> dict[str, dict]:
    return {path.name: page for path, page in print_run.items() if path.parent == package}


def test_the_synthesis_report_prints_with_no_clipped_column(print_run, package):
    report = {path: page for path, page in print_run.items() if path.parent != package}
    assert report, "the synthesis report wrote no HTML"
    for path, page in report.items():
        assert page["clipped"] == [] and page["repeated_headers"], f"{path.name}: {page['clipped'][:5]}"


def test_every_page_prints_with_no_clipped_column(printed, package):
    assert set(printed) == {p.name for p in package.glob("*.html")}
    for name, page in printed.items():
        assert page["title"].endswith("Example Biotech"), name
        assert page["height"] > 300, f"{name} rendered (almost) nothing"
        assert page["hrefs"], f"{name} rendered without links"
        assert page["clipped"] == [], f"{name}: {page['clipped'][:5]}"
        assert page["repeated_headers"], f"{name}: a table header does not repeat on each printed page"
        pdf = package / "pdf" / Path(name).with_suffix(".pdf").name
        assert pdf.read_bytes()[:5] == b"%PDF-"
    assert printed["diagrams.html"]["svgs"] >= 5


def test_print_css_asks_for_landscape_and_page_numbers(package):
    for path in package.glob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert "size:A4 landscape" in html and "counter(page)" in html and "counter(pages)" in html, path.name


def test_every_local_link_resolves(printed, package):
    broken = []
    for name, page in printed.items():
        for href in page["hrefs"]:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc:
                broken.append(f"{name}: {href} leaves the package")
                continue
            target = parts.path or name
            if not (package / target).is_file():
                broken.append(f"{name}: {href} (no file {target})")
            elif parts.fragment and target.endswith(".html") and parts.fragment not in printed.get(target, {}).get("ids", ()):
                broken.append(f"{name}: {href} (no anchor in {target})")
    assert not broken, "\n".join(broken[:20])


def test_matrix_has_one_row_per_clause(printed):
    rows = printed["traceability.html"]["clause_rows"]
    assert sorted(rows) == sorted(clause_key(fw, c.id) for fw, c in ALL_CLAUSES)
    for fw in CATALOG:
        assert printed[f"framework-{fw.id}.html"]["clause_rows"] == [clause_key(fw.id, c.id) for c in fw.clauses]


def test_index_links_every_document(printed):
    linked = {urlsplit(h).path for h in printed["index.html"]["hrefs"]}
    assert {n for n in printed if n != "index.html"} <= linked


def test_print_test_catches_a_clipped_column(tmp_path):
    from gxp_landing_zone.validation.package.graphviz import print_pages

    page = tmp_path / "wide.html"
    page.write_text('<!DOCTYPE html><html><head><title>t</title><style>td{white-space:nowrap}</style></head><body>'
                    '<table><thead><tr><th>Reason</th></tr></thead><tbody><tr><td>' + "word " * 400 +
                    "</td></tr></tbody></table></body></html>", encoding="utf-8")
    (seen,) = print_pages([(page, None)]).values()
    assert seen["clipped"]


# -- diagrams -------------------------------------------------------------------------------------------


def test_diagrams_are_laid_out_by_graphviz_from_the_estate(package, reference_config):
    for name in ("network", "identity", "data", "compute", "signature"):
        dot = (package / f"diagram-{name}.dot").read_text(encoding="utf-8")
        svg = (package / f"diagram-{name}.svg").read_text(encoding="utf-8")
        assert dot.startswith("digraph") and "->" in dot
        assert "<svg" in svg and '<g id="graph0"' in svg
    data = (package / "diagram-data.dot").read_text(encoding="utf-8")
    # Cross-border replication is drawn for de-identified data only.
    assert "de-identified" in data


# -- the command line -----------------------------------------------------------------------------


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


def test_every_control_has_a_deployed_state_check_in_the_iq_protocol(reference_config):
    from gxp_landing_zone.validation.protocols import iq_protocol

    checks = {t["control"]: t for t in iq_protocol(all_controls(), reference_config)}
    assert set(checks) == {c.id for c in all_controls()}
    assert {c["method"] for c in checks.values()} == {"iq-runner"}
    assert all(c["check"].startswith("gxp_landing_zone.controls.") for c in checks.values())

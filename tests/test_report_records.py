"""The report's records section: per regulated account, every data class with its bucket,
retention, key, region, jurisdiction, replication target and the result of its controls."""

from __future__ import annotations

import csv
import json


def _files(synthesized):
    return {p.name: p for p in synthesized.report_files}


def test_records_rows_cover_every_account_region_and_class(synthesized, reference_config):
    trace = json.loads(_files(synthesized)["traceability.json"].read_text(encoding="utf-8"))
    rows = trace["records"]
    expected = {
        (a.role, r, c.name)
        for a in reference_config.regulated_accounts
        for r in reference_config.workload_regions(a)
        for c in reference_config.data_classes
    }
    assert {(r["account"], r["region"], r["data_class"]) for r in rows} == expected
    for row in rows:
        assert row["bucket"].startswith("exbio-records-")
        assert row["key"].endswith(f"alias/gxp/records/{row['data_class']}")
        assert row["lock_mode"] == "COMPLIANCE"
        # Every records control was proven on the bucket, and passed.
        assert {f"GXP-REC-0{i}" for i in range(1, 7)} <= set(row["controls"])
        assert set(row["controls"].values()) == {"compliant"}, row["controls"]


def test_replication_target_is_shown(synthesized):
    trace = json.loads(_files(synthesized)["traceability.json"].read_text(encoding="utf-8"))
    eu = next(r for r in trace["records"] if r["account"] == "regulated-eu" and r["data_class"] == "deidentified-analytics")
    assert eu["replication_targets"] == ["exbio-records-deidentified-analytics-444444444444-use1 (us-east-1, US)"]
    raw = next(r for r in trace["records"] if r["account"] == "regulated-eu" and r["data_class"] == "raw-lab-data")
    assert raw["replication_targets"] == []


def test_records_csv_markdown_and_html(synthesized):
    files = _files(synthesized)
    with files["records.csv"].open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 24  # 3 production and 3 validation accounts x 4 classes
    assert {r["jurisdiction"] for r in rows} == {"US", "EU", "JP"}
    assert next(r for r in rows if r["data_class"] == "raw-lab-data")["replication_targets"] == "none"
    markdown = files["traceability.md"].read_text(encoding="utf-8")
    assert "## Regulated records" in markdown
    assert "### regulated-eu (555555555555, EU)" in markdown
    assert "25 years (9125 days, COMPLIANCE)" in markdown
    html = files["index.html"].read_text(encoding="utf-8")
    assert '<section id="records"><h2>Regulated records</h2><h3>regulated-us (444444444444, US)</h3>' in html

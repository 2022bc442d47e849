"""The traceability matrix and its report files, from a hand-made set of evaluations against the
real catalog and the real control registry (no synthesis).

Clauses are picked by which evaluated controls cite them, not by hard-coded clause ids, so a
change to the registry's clause mapping does not silently turn a test into a no-op.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest

from gxp_landing_zone.validation.catalog import check_catalog, check_registry, load_catalog
from gxp_landing_zone.controls.engine import Deviation, Evaluation
from gxp_landing_zone.controls.registry import all_controls
from gxp_landing_zone.validation.statuses import CUSTOMER_HELD_CLAUSES
from gxp_landing_zone.validation.evidence import Finding
from gxp_landing_zone.validation.report import DEVIATION_COLUMNS, TRACE_COLUMNS, write_report
from gxp_landing_zone.validation.traceability import STATUSES, build_traceability

CATALOG = load_catalog()
CONTROLS = all_controls()
HOSTILE = '<script>alert("x")</script> | & done'


def ev(control_id, logical_id, outcome="COMPLIANT", reason=None, resource_type="AWS::S3::Bucket", stack="LogArchive"):
    return Evaluation(control_id, stack, logical_id, resource_type, f"{stack}/{logical_id}/Resource", outcome,
                      acknowledged_reason=reason)


EVALUATIONS = [
    ev("GXP-TRAIL-01", "Trail", resource_type="AWS::CloudTrail::Trail", stack="Audit"),
    ev("GXP-CFG-01", "Recorder", resource_type="AWS::Config::ConfigurationRecorder", stack="Baseline"),
    ev("GXP-S3-04", "RecordsBucket", "NON_COMPLIANT"),
    ev("GXP-RES-01", "RecordsBucket", "NON_COMPLIANT", "Replica bucket, approved by QA in CR-042"),
    ev("GXP-RES-01", "AccessLogBucket", "COMPLIANT"),
    # A value the check cannot prove, with no acknowledgement accepting it: a failure.
    ev("GXP-IAM-01", "BreakGlass", "CANNOT_PROVE", resource_type="AWS::IAM::User", stack="Access"),
    ev("GXP-IAM-03", "Auditor", "NON_COMPLIANT", resource_type="AWS::SSO::PermissionSet", stack="Access"),
]
FAILING = {"GXP-S3-04", "GXP-IAM-01", "GXP-IAM-03"}
DEVIATING = {"GXP-RES-01"}
PASSING = {"GXP-TRAIL-01", "GXP-CFG-01"}
DEVIATIONS = [
    Deviation("GXP-RES-01", "GXP", "LogArchive", "RecordsBucket", "AWS::S3::Bucket", "LogArchive/RecordsBucket/Resource",
              "Replica bucket, approved by QA in CR-042"),
    Deviation("AwsSolutions-S1", "AwsSolutions", "LogArchive", "AccessLogBucket", "AWS::S3::Bucket",
              "LogArchive/AccessLogBucket/Resource", HOSTILE),
]
FINDINGS = [
    Finding("GXP-S3-04", "GXP", "error", "The bucket policy denies every request not made over TLS.",
            "LogArchive/RecordsBucket/Resource"),
]


def build(controls=CONTROLS, evaluations=EVALUATIONS, deviations=DEVIATIONS, findings=FINDINGS, estate="Acme GxP",
          **evidence):
    return build_traceability(CATALOG, controls, evaluations, deviations, findings,
                              estate_name=estate, generated_at="2025-01-02T03:04:05Z", **evidence)


@pytest.fixture(scope="module")
def trace():
    return build()


@pytest.fixture(scope="module")
def written(trace, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "compliance"
    return out, write_report(out, trace)


def clauses(trace):
    """(framework id, clause dict, ids of the evaluated controls citing it) for every clause."""
    evaluated = {e.control_id for e in EVALUATIONS}
    for fw in trace["frameworks"]:
        for clause in fw["clauses"]:
            citing = {c.id for c in CONTROLS if clause["id"] in c.clauses.get(fw["id"], ())}
            yield fw["id"], clause, citing & evaluated, citing


def pick(trace, predicate):
    found = [(fw, c) for fw, c, evaluated, citing in clauses(trace) if predicate(c, evaluated, citing)]
    assert found, "the synthetic set no longer exercises this rule; adjust EVALUATIONS"
    return found


# -- catalog and registry ---------------------------------------------------------------------


def test_catalog_is_loaded_once_in_file_order():
    assert load_catalog() is CATALOG
    assert [fw.id for fw in CATALOG] == ["part11", "annex11", "jp-eres", "eu-ai-act"]
    annex11 = CATALOG.framework("annex11")
    assert annex11.clause_ids[:3] == ("Principle", "1", "2")
    assert all(isinstance(c.id, str) and c.framework == fw.id for fw in CATALOG for c in fw.clauses)
    with pytest.raises(AttributeError):
        annex11.title = "changed"


def test_catalog_rejects_an_unknown_kind(tmp_path):
    bad = tmp_path / "regulations.yaml"
    bad.write_text("frameworks:\n  - {id: x, title: X, edition: '1', clauses: [{id: '1', kind: optional, title: T, text: T}]}\n")
    with pytest.raises(ValueError, match="kind 'optional'"):
        load_catalog(bad)


def test_catalog_flags_a_title_cut_short_by_an_unquoted_comma(tmp_path):
    cut = tmp_path / "regulations.yaml"
    cut.write_text("frameworks:\n  - {id: x, title: X, edition: '1', clauses: [{id: '1', kind: shared, title: A, b c, text: T}]}\n")
    assert load_catalog(cut).framework("x").clauses[0].title == "A"  # loads, but...
    assert any("'b c'" in p for p in check_catalog(cut))  # ...the check says why the title is short


def test_real_catalog_file_is_clean():
    assert check_catalog() == []


def test_registry_is_consistent_with_the_catalog():
    assert check_registry(CATALOG, CONTROLS) == []


def test_registry_problems_are_reported():
    fake = replace(CONTROLS[0], id="GXP-FAKE-01", part11={"11.99(z)": "a clause no catalog has"})
    foreign = SimpleNamespace(id="GXP-FAKE-02", clauses={"iso13485": ("4.1",)})
    problems = check_registry(CATALOG, (*CONTROLS, fake, CONTROLS[1], foreign))
    assert any("GXP-FAKE-01" in p and "11.99(z)" in p for p in problems)
    assert any(CONTROLS[1].id in p and "2 times" in p for p in problems)
    assert any("GXP-FAKE-02" in p and "iso13485" in p for p in problems)


# -- status rules ------------------------------------------------------------------------------


def test_procedural_clauses_are_customer_responsibility_even_when_a_failing_control_cites_them(trace):
    for _, clause, _, _ in clauses(trace):
        if clause["kind"] == "procedural":
            assert clause["status"] == "customer responsibility"
    pick(trace, lambda c, evaluated, _: c["kind"] == "procedural" and evaluated & FAILING)


def test_uncited_clauses_are_not_yet_covered_unless_the_package_serves_them(trace):
    for fw, clause, _, citing in clauses(trace):
        if clause["kind"] != "procedural" and not citing and clause["status"] != "not applicable":
            if (fw, clause["id"]) in CUSTOMER_HELD_CLAUSES:
                assert clause["status"] == "customer responsibility"
                continue
            assert clause["status"] == ("customer part open" if clause["documents"] else "not yet covered")
            assert clause["controls"] == []
    # With no controls at all, every non-procedural clause is uncovered, but for the package's own documents.
    empty = build(controls=())
    statuses = {}
    for fw in empty["frameworks"]:
        for c in fw["clauses"]:
            statuses.setdefault(c["kind"], set()).add(c["status"])
    assert statuses == {"technical": {"not yet covered", "not applicable"},
                        "shared": {"not yet covered", "customer part open", "customer responsibility"},
                        "procedural": {"customer responsibility"}}


def test_biometric_signatures_are_not_applicable_with_the_reason(trace):
    clause = next(c for c in trace["frameworks"][0]["clauses"] if c["id"] == "11.200(b)")
    assert clause["status"] == "not applicable"
    assert "No biometric signature is used" in clause["not_applicable_reason"] == clause["status_reason"]


def test_a_shared_clause_no_control_can_carry_is_the_customers_with_the_reason(trace):
    clause = next(c for c in trace["frameworks"][0]["clauses"] if c["id"] == "11.300(b)")
    assert clause["controls"] == [] and clause["status"] == "customer responsibility"
    assert "Cognito user pools (the signer pool) have no password expiry" in clause["status_reason"]
    assert clause["customer_part"] == "open"
    migration = next(c for c in trace["frameworks"][1]["clauses"] if c["id"] == "4.8")
    assert migration["status"] == "customer responsibility" and "migration the customer plans" in migration["status_reason"]


def test_cited_but_never_evaluated_is_no_resources_in_scope(trace):
    for _, clause in pick(trace, lambda c, evaluated, citing: c["kind"] != "procedural" and citing and not evaluated
                          and not c["documents"]):
        assert clause["status"] == "no resources in scope"
        assert clause["controls"] and all(r == [] for r in clause["resources"].values())


def test_an_unacknowledged_failure_is_not_met(trace):
    for _, clause in pick(trace, lambda c, evaluated, _: c["kind"] != "procedural" and evaluated & FAILING):
        assert clause["status"] == "not met"
        assert "failed:" in clause["status_reason"]


def test_an_acknowledged_error_is_still_not_met(trace):
    for _, clause in pick(trace, lambda c, evaluated, _: c["kind"] != "procedural" and evaluated == {"GXP-IAM-01"}):
        assert clause["status"] == "not met"


def test_an_accepted_exception_is_named_and_verified_only_at_synthesis(trace):
    only_deviating = lambda c, evaluated, _: (
        c["kind"] != "procedural" and evaluated & DEVIATING and not evaluated & FAILING
    )
    for _, clause in pick(trace, only_deviating):
        assert clause["status"] == "verified at synthesis (qualification pending)"
        assert clause["exceptions"] and all(x.startswith("DEV-") for x in clause["exceptions"])
        reasons = [r["deviation_reason"] for r in clause["resources"]["GXP-RES-01"]]
        assert "Replica bucket, approved by QA in CR-042" in reasons and None in reasons


def test_synthesis_alone_never_makes_a_clause_met(trace):
    passing = pick(trace, lambda c, evaluated, _: c["kind"] != "procedural" and evaluated and evaluated <= PASSING)
    for _, clause in passing:
        assert clause["status"] == "verified at synthesis (qualification pending)"
        assert "no passing, signed IQ/OQ record yet" in clause["status_reason"]
    assert all(c["status"] != "met" for fw in trace["frameworks"] for c in fw["clauses"])
    assert {c["evidence_level"] for c in trace["controls"]} <= {"synthesis", "none"}


def _qualified(verdict="pass", controls=PASSING):
    return {cid: {"verdict": verdict, "detail": "iq-log-archive-us-east-1 record, signed"} for cid in controls}


def test_qualified_controls_meet_technical_clauses_and_leave_the_customer_part_open():
    t = build(evaluations=[e for e in EVALUATIONS if e.control_id in PASSING], qualification=_qualified())
    levels = {c["id"]: c["evidence_level"] for c in t["controls"]}
    assert {levels[c] for c in PASSING} == {"qualified"}
    served = [c for fw in t["frameworks"] for c in fw["clauses"]
              if c["controls"] and set(c["controls"]) & PASSING and c["kind"] != "procedural"]
    only_passing = [c for c in served if all(not r or cid in PASSING for cid, r in c["resources"].items())]
    assert only_passing
    for clause in only_passing:
        expected = "met" if clause["kind"] == "technical" and not clause["documents"] else "customer part open"
        assert clause["status"] == expected, clause["id"]
        assert clause["customer_part"] == (None if expected == "met" else "open")


def test_a_recorded_customer_part_completes_a_shared_clause():
    t = build(evaluations=[e for e in EVALUATIONS if e.control_id in PASSING], qualification=_qualified())
    shared = next(c for fw in t["frameworks"] for c in fw["clauses"] if c["status"] == "customer part open" and c["controls"])
    key = next((fw["id"], shared["id"]) for fw in t["frameworks"] if shared in fw["clauses"])
    record = {"evidence": "SOP-QA-017 v3", "recorded_by": "J. Rivera (QA)", "date": "2026-12-01"}
    t = build(evaluations=[e for e in EVALUATIONS if e.control_id in PASSING], qualification=_qualified(),
              customer_records={key: record})
    clause = next(c for fw in t["frameworks"] if fw["id"] == key[0] for c in fw["clauses"] if c["id"] == key[1])
    assert clause["status"] == "met" and clause["customer_part"] == "recorded" and clause["customer_record"] == record


def test_a_failed_qualification_is_not_met():
    t = build(evaluations=[e for e in EVALUATIONS if e.control_id in PASSING], qualification=_qualified("fail"))
    statuses = {c["status"] for fw in t["frameworks"] for c in fw["clauses"] if set(c["controls"]) & PASSING
                and c["kind"] != "procedural"}
    assert statuses == {"not met"}
    assert {c["evidence_level"] for c in t["controls"] if c["id"] in PASSING} == {"none"}


def test_an_incomplete_qualification_stays_verified_at_synthesis():
    t = build(evaluations=[e for e in EVALUATIONS if e.control_id in PASSING], qualification=_qualified("incomplete"))
    assert {c["evidence_level"] for c in t["controls"] if c["id"] in PASSING} == {"synthesis"}
    assert all(c["status"] != "met" for fw in t["frameworks"] for c in fw["clauses"])


def test_every_pair_carries_its_rationale(trace):
    for fw in trace["frameworks"]:
        for clause in fw["clauses"]:
            assert set(clause["rationales"]) == set(clause["controls"])
            assert all(len(why.split()) >= 6 for why in clause["rationales"].values())


def test_every_clause_is_listed_in_catalog_order(trace):
    for fw, built in zip(CATALOG, trace["frameworks"]):
        assert [c["id"] for c in built["clauses"]] == list(fw.clause_ids)
        assert all(c["status"] in STATUSES for c in built["clauses"])


# -- controls and summary ----------------------------------------------------------------------


def test_control_entries(trace):
    controls = {c["id"]: c for c in trace["controls"]}
    assert list(controls) == [c.id for c in CONTROLS]
    tls = controls["GXP-S3-04"]
    assert tls["rule"] == "gxp_landing_zone.controls.buckets.tls_only.check"
    assert tls["rationales"]["part11"]["11.30"]
    assert tls["config_rule"] == "S3_BUCKET_SSL_REQUESTS_ONLY"
    assert tls["clauses"]["annex11"] == list(CONTROLS[[c.id for c in CONTROLS].index("GXP-S3-04")].annex11)
    assert tls["counts"] == {"compliant": 0, "deviation": 0, "not_met": 1}
    assert controls["GXP-RES-01"]["counts"] == {"compliant": 1, "deviation": 1, "not_met": 0}
    assert controls["GXP-IAM-01"]["counts"] == {"compliant": 0, "deviation": 0, "not_met": 1}
    assert controls["GXP-IAM-01"]["resources"][0]["deviation_reason"] is None
    assert controls["GXP-KEY-01"]["resources"] == []


def test_summary(trace):
    s = trace["summary"]
    for fw in trace["frameworks"]:
        assert sum(s["frameworks"][fw["id"]].values()) == len(fw["clauses"])
        for status in STATUSES:
            assert s["frameworks"][fw["id"]][status] == sum(c["status"] == status for c in fw["clauses"])
    assert s["controls"] == len(CONTROLS)
    assert s["evaluations"] == len(EVALUATIONS)
    assert s["resources_evaluated"] == len({(e.stack, e.logical_id) for e in EVALUATIONS})
    assert s["deviations_by_pack"] == {"AwsSolutions": 1, "GXP": 1}
    assert s["findings_by_pack"] == {"GXP": 1}
    assert s["unregistered_controls"] == []


def test_duplicate_and_unregistered_evaluations():
    stray = ev("GXP-GONE-01", "Old")
    t = build(evaluations=[*EVALUATIONS, EVALUATIONS[0], stray])
    assert t["summary"]["evaluations"] == len(EVALUATIONS) + 1
    assert t["summary"]["unregistered_controls"] == ["GXP-GONE-01"]
    assert len(next(c for c in t["controls"] if c["id"] == "GXP-TRAIL-01")["resources"]) == 1


# -- files ---------------------------------------------------------------------------------------


def test_files_written(written):
    out, paths = written
    assert sorted(p.name for p in paths) == sorted(
        ["traceability.json", "traceability.csv", "deviations.csv", "exceptions.csv", "traceability.md", "index.html"]
    )
    assert all(p.parent == out and p.stat().st_size > 0 for p in paths)


def test_json_round_trip(trace, written):
    out, _ = written
    assert json.loads((out / "traceability.json").read_text(encoding="utf-8")) == trace


def read_csv(path):
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def test_traceability_csv(written):
    out, _ = written
    header, rows = read_csv(out / "traceability.csv")
    assert tuple(header) == TRACE_COLUMNS
    per_control = {c.id: sum(e.control_id == c.id for e in EVALUATIONS) for c in CONTROLS}
    expected = 0
    for fw in CATALOG:
        for clause in fw.clauses:
            citing = [c.id for c in CONTROLS if clause.id in c.clauses.get(fw.id, ())]
            expected += sum(max(1, per_control[cid]) for cid in citing) if citing else 1
    assert len(rows) == expected
    # A clause no control cites still has its row, with no control.
    assert any(r["status"] == "customer responsibility" and r["control"] == "" for r in rows)
    deviation = [r for r in rows if r["control"] == "GXP-RES-01" and r["logical_id"] == "RecordsBucket"]
    assert deviation and all(r["deviation_reason"] == "Replica bucket, approved by QA in CR-042" for r in deviation)


def test_deviations_csv(written):
    out, _ = written
    header, rows = read_csv(out / "deviations.csv")
    assert tuple(header) == DEVIATION_COLUMNS
    assert len(rows) == len(DEVIATIONS)
    assert {r["reason"] for r in rows} == {d.reason for d in DEVIATIONS}


def test_markdown(written):
    out, _ = written
    md = (out / "traceability.md").read_text(encoding="utf-8")
    assert "Generated at 2025-01-02T03:04:05Z from Acme GxP." in md
    for fw in CATALOG:
        assert f"## {fw.title}" in md
    assert "## Accepted design exceptions" in md and "## Open findings" in md
    assert "\\| & done" in md  # a pipe in a reason does not break the table
    assert "verified at synthesis (qualification pending)" in md


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.tags = set(), [], set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if "id" in attrs:
            assert attrs["id"] not in self.ids, f"duplicate id {attrs['id']}"
            self.ids.add(attrs["id"])
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        assert "src" not in attrs


def test_html_is_self_contained_and_every_anchor_resolves(written, trace):
    out, _ = written
    page = (out / "index.html").read_text(encoding="utf-8")
    links = _Links()
    links.feed(page)
    assert links.hrefs and all(h.startswith("#") for h in links.hrefs)
    assert [h for h in links.hrefs if h[1:] not in links.ids] == []
    assert not links.tags & {"script", "link", "img", "iframe"}
    for control in trace["controls"]:
        assert f"control-{control['id']}" in links.ids
    # Every control a clause cites is linked from that clause.
    assert {h for h in links.hrefs if h.startswith("#control-")} >= {
        f"#control-{cid}" for fw in trace["frameworks"] for c in fw["clauses"] for cid in c["controls"]
    }


def test_html_content_is_escaped_and_readable(written):
    out, _ = written
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Generated at 2025-01-02T03:04:05Z from Acme GxP." in page
    from gxp_landing_zone.validation.report_html import status_badge

    for status in {c["status"] for fw in build()["frameworks"] for c in fw["clauses"]}:
        assert status_badge(status) in page
    assert "Customer part: open" in page
    # Each (clause, control) pair shows how the control serves the clause.
    assert CONTROLS[0].rationales["part11"][next(iter(CONTROLS[0].part11))] in page
    assert "Replica bucket, approved by QA in CR-042" in page
    assert "The bucket policy denies every request not made over TLS." in page  # the open finding


def test_hostile_estate_name_is_escaped(tmp_path):
    t = build(estate=HOSTILE)
    write_report(tmp_path, t)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in page

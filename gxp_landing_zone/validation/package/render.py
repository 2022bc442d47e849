"""Writes the validation package dict as a folder: self-contained HTML pages (one per document, linked from
index.html, each under document control), CSV for spreadsheets, JSON with its schema, SVG diagrams, the
OSCAL files, the public key records were verified with, and (with pdf=True) every document as PDF,
printed landscape by headless Chromium. Nothing here decides a status or a verdict; builder.py does."""

from __future__ import annotations

import json
from pathlib import Path

from . import render_docs as docs
from . import render_other as other
from . import render_protocols as protocols
from .schema import SCHEMA, validate
from .tables import csv_rows, write_csv

CONDITIONAL = {"iq-executed": "executed", "oq-executed": "executed_oq"}


def pages_of(p: dict, drawn: dict) -> dict[str, str]:
    pages = {
        "validation-plan.html": docs.plan(p),
        "risk-assessment.html": docs.risk(p),
        "urs.html": docs.urs(p),
        "specification.html": docs.specification(p),
        "traceability.html": docs.traceability(p),
        "iq-protocol.html": protocols.iq(p),
        "oq-protocol.html": protocols.oq(p),
        "pq-protocol.html": protocols.pq(p),
        "uat-scripts.html": protocols.uat(p),
        "exceptions.html": other.exceptions(p),
        "deviation-form.html": other.deviation_form(p),
        "change-control.html": other.change_control(p),
        "diagrams.html": other.diagrams(p, drawn),
        "customer-responsibilities.html": docs.customer(p),
        "validation-summary.html": docs.summary(p),
        **{f"framework-{fw['id']}.html": docs.framework_view(p, fw) for fw in p["frameworks"]},
    }
    if p["executed"]:
        pages["iq-executed.html"] = protocols.executed_iq(p)
    if p.get("executed_oq"):
        pages["oq-executed.html"] = protocols.executed_oq(p)
    return pages


def write_package(p: dict, out: Path, *, trace: dict, diagrams: dict[str, dict], config=None,
                  result_files: list[dict] | None = None, pdf: bool = False) -> list[Path]:
    from .oscal import write_definitions
    from .oscal_results import write_qualification

    problems = validate(p)
    if problems:
        # The schema is the contract with whoever reads the JSON; never ship a package that breaks it.
        raise ValueError("validation package does not match its schema: " + "; ".join(problems[:10]))
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for stem, key in CONDITIONAL.items():
        if not p.get(key):
            # A stale executed protocol from an earlier build must not sit beside a package without results.
            for suffix in (".html", ".csv"):
                (out / f"{stem}{suffix}").unlink(missing_ok=True)
    written: list[Path] = []

    def put(name: str, text: str) -> None:
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)

    for name, html in pages_of(p, diagrams).items():
        put(name, html)
    for name, (columns, rows) in csv_rows(p).items():
        write_csv(out / name, columns, rows)
        written.append(out / name)
    for name, d in diagrams.items():
        put(f"diagram-{name}.svg", '<?xml version="1.0" encoding="UTF-8"?>\n' + d["svg"] + "\n")
        put(f"diagram-{name}.dot", d["dot"])
    put("validation-package.json", json.dumps(p, indent=2, ensure_ascii=False) + "\n")
    put("validation-package.schema.json", json.dumps(SCHEMA, indent=2, ensure_ascii=False) + "\n")
    if p.get("record_key"):
        put("record-key.pem", p["record_key"]["pem"])
    else:
        (out / "record-key.pem").unlink(missing_ok=True)
    written += write_definitions(trace, out / "oscal")
    if config is not None:
        written += write_qualification(trace, p, config, result_files or [], out / "oscal")
    relative = {str(path.relative_to(out)) for path in written}
    put("index.html", docs.index(p, relative | {"index.html"}))
    if pdf:
        written += print_documents(out, [path for path in written if path.suffix == ".html"])
    return written


def print_documents(out: Path, pages: list[Path]) -> list[Path]:
    """Every page as PDF under pdf/, printed landscape with repeated headers and page x of y."""
    from .graphviz import print_pages

    folder = out / "pdf"
    folder.mkdir(exist_ok=True)
    jobs = [(page, folder / page.with_suffix(".pdf").name) for page in pages]
    print_pages(jobs, inspect=False)
    return [pdf for _, pdf in jobs]

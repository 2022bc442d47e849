"""The tamper-evident qualification record shared by the IQ and OQ runners: hash-chained JSON,
a CSV for spreadsheets and a self-contained HTML page for the reviewer.

Each JSON entry carries the hash of the entry before it, and its own hash over its canonical
JSON (previous_hash included), so editing, removing or reordering any entry breaks the chain
from that point on (ALCOA+: the record is original and its alteration is detectable; 21 CFR
11.10(e), Annex 11 9). The CSV and HTML are views of the same entries for reading; the JSON is
the record a verifier checks.
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, is_dataclass
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Iterable, NamedTuple

GENESIS_HASH = "0" * 64


def _canonical(entry: dict) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def chain(results: Iterable) -> list[dict]:
    """The results (dataclasses or dicts) as chained JSON entries."""
    entries, previous = [], GENESIS_HASH
    for r in results:
        # Round-trip through JSON so the hash covers exactly what a verifier will read back.
        entry = json.loads(json.dumps(asdict(r) if is_dataclass(r) else dict(r)))
        entry["previous_hash"] = previous
        entry["entry_hash"] = previous = hashlib.sha256(_canonical(entry)).hexdigest()
        entries.append(entry)
    return entries


def verify_chain(entries: list[dict]) -> int | None:
    """Index of the first entry whose hash or link does not hold, or None if the chain is intact."""
    previous = GENESIS_HASH
    for index, entry in enumerate(entries):
        body = {k: v for k, v in entry.items() if k != "entry_hash"}
        if entry.get("previous_hash") != previous or hashlib.sha256(_canonical(body)).hexdigest() != entry.get(
            "entry_hash"
        ):
            return index
        previous = entry["entry_hash"]
    return None


def chain_verdict(entries: list[dict]) -> str:
    broken = verify_chain(entries)
    return "intact" if broken is None else f"broken at entry {broken}"


class RecordPaths(NamedTuple):
    json: Path
    csv: Path
    html: Path


def _cell(value) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k} {', '.join(v) if isinstance(v, list) else v}" for k, v in value.items() if v)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1b1b;line-height:1.4}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9em}
th{background:#f0f0f0}
code{white-space:pre-wrap;word-break:break-all}
.muted{color:#555;font-size:.9em}
.pass{background:#dff3e0;font-weight:600}
.fail{background:#fbd5d5;font-weight:600}
.other{background:#e8e8e8}
.chain-intact{color:#1a6b2a;font-weight:600}
.chain-broken{color:#a31515;font-weight:700}
"""


def render_html(entries: list[dict], *, title: str, columns: Iterable[str], outcome_field: str = "passed") -> str:
    """A self-contained page (no scripts, no external files) of the chained entries: the chain
    verdict first, then one row per entry with its outcome, caller and hashes."""
    columns = list(columns)
    verdict = chain_verdict(entries)
    callers = sorted({str(e.get("caller", "")) for e in entries if e.get("caller")})

    def outcome(e: dict) -> tuple[str, str]:
        value = e.get(outcome_field)
        if isinstance(value, bool):
            return ("pass", "pass") if value else ("fail", "fail")
        text = str(value)
        return ({"pass": "pass", "fail": "fail"}.get(text, "other"), text)

    counts: dict[str, int] = {}
    rows = []
    for i, e in enumerate(entries):
        css, label = outcome(e)
        counts[label] = counts.get(label, 0) + 1
        cells = "".join(
            f"<td><code>{escape(_cell(e.get(c)))}</code></td>" if c == "observed" else f"<td>{escape(_cell(e.get(c)))}</td>"
            for c in columns
        )
        rows.append(
            f'<tr id="entry-{i}"><td>{i}</td><td class="{css}">{escape(label)}</td>{cells}'
            f'<td><code>{escape(str(e.get("entry_hash", ""))[:16])}</code></td></tr>'
        )
    head = "".join(f"<th>{escape(h)}</th>" for h in ("#", "Result", *columns, "Entry hash (first 16)"))
    chain_css = "chain-intact" if verdict == "intact" else "chain-broken"
    summary = ", ".join(f"{escape(k)} {v}" for k, v in sorted(counts.items()))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head><body>'
        f"<h1>{escape(title)}</h1>"
        f'<p>Hash chain: <span class="{chain_css}">{escape(verdict)}</span> ({len(entries)} entries). '
        f"Results: {summary or 'none'}.</p>"
        f'<p>Caller: {escape(", ".join(callers) or "-")}</p>'
        '<p class="muted">This page is a view of the JSON record written beside it; the JSON, whose entries are '
        "chained by SHA-256, is the record a verifier checks.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>\n"
    )


def write_record(
    results: list,
    out_dir: str | Path,
    stem: str,
    *,
    csv_fields: Iterable[str],
    title: str,
    html_columns: Iterable[str] | None = None,
    outcome_field: str = "passed",
) -> RecordPaths:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    # A timestamp in the name keeps earlier runs: qualification evidence is never overwritten.
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    base = out / f"{stem}-{stamp}"
    paths = RecordPaths(base.with_suffix(".json"), base.with_suffix(".csv"), base.with_suffix(".html"))
    entries = chain(results)
    paths.json.write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    csv_fields = list(csv_fields)
    with paths.csv.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=csv_fields)
        writer.writeheader()
        for e in entries:
            writer.writerow({k: _cell(e.get(k)) for k in csv_fields})
    paths.html.write_text(
        render_html(entries, title=title, columns=html_columns or csv_fields, outcome_field=outcome_field),
        encoding="utf-8",
    )
    return paths

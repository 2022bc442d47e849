"""The tamper-evident qualification record shared by the IQ and OQ runners: sealed JSON, a CSV for
spreadsheets and a self-contained HTML page for the reviewer.

The JSON holds a header (kind, account, region, the SHA-256 of the protocol executed, caller, times),
the entries chained by SHA-256 (record_chain.py) and a seal: a KMS signature over the entry count,
the last entry's hash and the SHA-256 of the whole record (seal.py). Editing, removing, reordering or
cutting off entries is detectable (ALCOA+: the record is original and its alteration is detectable;
21 CFR 11.10(e), Annex 11 9). The CSV and HTML are views of the same entries; the JSON is the record a
verifier checks.

A finished record is never lost: it is written before it is sealed, each write is atomic, a record
that could not be sealed stays on disk with the reason (seal it later with
``python -m gxp_landing_zone.validation seal FILE``), and if the --out directory cannot be written the
record goes to a new temporary directory whose path the command prints.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from datetime import datetime, timezone
from html import escape
from pathlib import Path
from typing import Iterable, NamedTuple

from .print_css import PRINT_CSS
from .record_chain import GENESIS_HASH, chain, chain_verdict, verify_chain  # noqa: F401  (the record's API)
from .seal import RECORD_FORMAT, seal


class RecordPaths(NamedTuple):
    json: Path
    csv: Path
    html: Path
    sealed: bool = False
    # Why the record is not sealed, or where it went instead of --out; empty when all went as asked.
    note: str = ""


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
.chain-broken,.unsealed{color:#a31515;font-weight:700}
""" + PRINT_CSS


def _seal_line(record: dict) -> str:
    found = record.get("seal")
    if not isinstance(found, dict):
        return (f'<p>Seal: <span class="unsealed">not sealed</span> ({escape(str(record.get("unsealed_reason") or ""))}). '
                "A validation package refuses an unsealed record.</p>")
    return (f"<p>Seal: signed by {escape(str(found.get('signed_by')))} at {escape(str(found.get('signed_at')))} with "
            f"{escape(str(found.get('key_arn')))} over {found.get('entries')} entries. Verify it with "
            "<code>python -m gxp_landing_zone.validation verify &lt;record&gt;.json --public-key &lt;key.pem&gt;</code>.</p>")


def render_html(entries: list[dict], *, title: str, columns: Iterable[str], outcome_field: str = "passed",
                record: dict | None = None) -> str:
    """A self-contained page (no scripts, no external files) of the chained entries: the chain verdict and the
    seal first, then one row per entry with its outcome, caller and hashes."""
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
    header = ""
    if record:
        protocol = record.get("protocol") or {}
        header = (f"<p>{escape(str(record.get('kind', '')).upper())} record of {escape(str(record.get('account_role')))} "
                  f"({escape(str(record.get('account_id')))}), {escape(str(record.get('region')))}; protocol "
                  f"{escape(str(protocol.get('id')))} SHA-256 <code>{escape(str(protocol.get('sha256')))}</code>; "
                  f"{escape(str(record.get('started_at')))} to {escape(str(record.get('finished_at')))}.</p>"
                  + _seal_line(record))
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head><body>'
        f"<h1>{escape(title)}</h1>{header}"
        f'<p>Hash chain: <span class="{chain_css}">{escape(verdict)}</span> ({len(entries)} entries). '
        f"Results: {summary or 'none'}.</p>"
        f'<p>Caller: {escape(", ".join(callers) or "-")}</p>'
        '<p class="muted">This page is a view of the JSON record written beside it; the JSON, whose entries are '
        "chained by SHA-256 and sealed with a KMS signature, is the record a verifier checks.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>\n"
    )


def read_record(path: Path) -> dict:
    """A record file as a dict; a record from before records were sealed (a bare list of entries) is read as
    an unsealed record of unknown kind."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if isinstance(data, list):
        return {"format": None, "entries": data, "seal": None,
                "unsealed_reason": "written before records were sealed (a bare list of entries)"}
    return data


def _atomic_write(path: Path, text: str) -> None:
    """The whole file or nothing: a crash mid-write never leaves half a record."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _csv_text(entries: list[dict], fields: list[str]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for e in entries:
        writer.writerow({k: _cell(e.get(k)) for k in fields})
    return buffer.getvalue()


def write_record(
    results: list,
    out_dir: str | Path,
    stem: str,
    *,
    csv_fields: Iterable[str],
    title: str,
    html_columns: Iterable[str] | None = None,
    outcome_field: str = "passed",
    header: dict | None = None,
    signer=None,
) -> RecordPaths:
    """Write the record, then seal it with ``signer`` (a seal.KmsSigner); see the module docstring for what
    happens when sealing or writing fails."""
    finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
    record = {"format": RECORD_FORMAT, **(header or {}), "finished_at": finished, "entries": chain(results),
              "seal": None, "unsealed_reason": "no signing key was given to the run"}
    fields = list(csv_fields)
    # A timestamp in the name keeps earlier runs: qualification evidence is never overwritten.
    name = f"{stem}-{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S%fZ')}"
    note = ""
    try:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = _write(record, out / name, fields, title, html_columns or fields, outcome_field)
    except OSError as exc:
        out = Path(tempfile.mkdtemp(prefix=f"gxp-{stem}-"))
        note = f"{out_dir} could not be written ({exc.strerror or exc}); the record was written to {out} instead"
        paths = _write(record, out / name, fields, title, html_columns or fields, outcome_field)
    if signer is None:
        return paths._replace(note=note or "not sealed: no signing key was given")
    try:
        sealed = seal(record, signer)
    except Exception as exc:  # noqa: BLE001 - any failure to sign leaves the written record, with the reason
        record["unsealed_reason"] = f"sealing failed: {type(exc).__name__}: {exc}"
        _write(record, paths.json.with_suffix(""), fields, title, html_columns or fields, outcome_field)
        return paths._replace(note="; ".join(filter(None, [note, f"not sealed: {record['unsealed_reason']}"])))
    _write(sealed, paths.json.with_suffix(""), fields, title, html_columns or fields, outcome_field)
    return paths._replace(sealed=True, note=note)


def _write(record: dict, base: Path, fields: list[str], title: str, columns, outcome_field: str) -> RecordPaths:
    paths = RecordPaths(base.with_suffix(".json"), base.with_suffix(".csv"), base.with_suffix(".html"))
    _atomic_write(paths.json, json.dumps(record, indent=2, sort_keys=True) + "\n")
    _atomic_write(paths.csv, _csv_text(record["entries"], fields))
    _atomic_write(paths.html, render_html(record["entries"], title=title, columns=columns, outcome_field=outcome_field,
                                          record=record))
    return paths

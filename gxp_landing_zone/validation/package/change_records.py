"""The latest change records in the validation package (Annex 11 4.2, 10; 21 CFR 11.10(k)(2)): the records
the promotion pipeline kept in the log archive's evidence bucket, fetched with

    python -m gxp_landing_zone.change_control fetch --config CONFIG --out DIR --latest N

and copied unchanged into ``change-records/`` of the package, with a page listing each one's execution,
commit, outcome and SHA-256, so a reviewer can match the copy against the locked original."""

from __future__ import annotations

import hashlib
import json
import shutil
from html import escape
from pathlib import Path

from .errors import PackageError

SCHEMA = "gxp-change-record/1"
FOLDER = "change-records"


def _read(path: Path) -> dict:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PackageError(f"--change-records: {path.name} is not a readable JSON change record ({exc})") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA or document.get("kind") != "change-record":
        raise PackageError(f"--change-records: {path.name} is not a complete change record (schema {SCHEMA}, kind change-record)")
    return document


def include_change_records(source: str | Path, out: Path) -> list[Path]:
    """Copy every change-record-*.json (and its .html page) from ``source`` into the package; returns the
    files written. PackageError, naming the option, for a missing folder or a file that is not a record."""
    source = Path(source)
    if not source.is_dir():
        raise PackageError(f"--change-records: {source} is not a directory; fetch the records into one first")
    records = sorted(source.glob("change-record-*.json"))
    if not records:
        raise PackageError(f"--change-records: {source} holds no change-record-*.json")
    rows, written = [], []
    folder = out / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for path in records:
        document = _read(path)
        for file in (path, path.with_suffix(".html")):
            if file.exists():
                written.append(Path(shutil.copy2(file, folder / file.name)))
        rows.append((document, path.name, hashlib.sha256(path.read_bytes()).hexdigest()))
    rows.sort(key=lambda r: str(r[0].get("created_at", "")), reverse=True)
    cells = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in (
            d.get("execution_id", ""), d.get("created_at", ""), d.get("source", {}).get("commit", ""),
            d.get("outcome", ""), digest,
        )) + f'<td><a href="{escape(name)}">JSON</a> <a href="{escape(name[:-5])}.html">page</a></td></tr>'
        for d, name, digest in rows
    )
    index = folder / "index.html"
    index.write_text(
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Change records</title></head><body>'
        "<h1>Change records</h1><p>Copies of the newest change records of the promotion pipeline; each original is "
        "kept under Object Lock COMPLIANCE in the log archive's evidence bucket.</p>"
        "<table><thead><tr><th>Execution</th><th>Recorded</th><th>Commit</th><th>Outcome</th><th>JSON SHA-256</th>"
        f"<th>Files</th></tr></thead><tbody>{cells}</tbody></table></body></html>\n",
        encoding="utf-8",
    )
    return [*written, index]

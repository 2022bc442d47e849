"""The human-readable page of an exported record version: its metadata, the checksum verdict and its
signatures with their manifestations, laid out for printing (A4, one table row never split)."""

from __future__ import annotations

from html import escape
from typing import Any

CSS = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem;color:#111}table{border-collapse:collapse;width:100%;"
    "margin-bottom:1rem}th,td{border:1px solid #999;padding:.25rem .4rem;text-align:left;vertical-align:top;"
    "word-break:break-all}th{width:14rem}.bad{color:#a40000;font-weight:700}@page{size:A4 portrait;margin:15mm}"
    "@media print{tr{break-inside:avoid}}"
)
LABELS = (
    ("bucket", "Bucket"), ("key", "Key"), ("version_id", "Version"), ("data_class", "Data class"),
    ("size", "Size (bytes)"), ("last_modified", "Written"), ("content_type", "Content type"),
    ("storage_class", "Storage class"), ("object_lock_mode", "Object Lock mode"), ("retain_until", "Retained until"),
    ("legal_hold", "Legal hold"), ("encryption", "Encryption"), ("kms_key", "KMS key"), ("sha256", "SHA-256 (hex)"),
)


def _cell(value: Any) -> str:
    return escape("" if value is None else str(value))


def render_signatures(verified: dict | None) -> str:
    if not verified:
        return "<p>No signature verification was requested for this export.</p>"
    rows = []
    for s in verified.get("signatures") or []:
        state = "valid" if s.get("valid") else "NOT VALID: " + "; ".join(map(str, s.get("problems") or []))
        rows.append(f"<tr><td>{_cell(s.get('seq'))}</td><td>{_cell(s.get('meaning'))}</td>"
                    f"<td><pre>{_cell(s.get('manifestation'))}</pre></td>"
                    f"<td class=\"{'' if s.get('valid') else 'bad'}\">{_cell(state)}</td></tr>")
    chain = "intact" if (verified.get("chain") or {}).get("valid") else "BROKEN"
    return (f"<p>Ledger chain: <span class=\"{'' if chain == 'intact' else 'bad'}\">{chain}</span></p>"
            "<table><tr><th>#</th><th>Meaning</th><th>Manifestation</th><th>Verification</th></tr>"
            + ("".join(rows) or "<tr><td colspan=4>No signature on this version</td></tr>") + "</table>")


def render_metadata(metadata: dict, checksum: dict, signatures_html: str) -> str:
    rows = "".join(f"<tr><th>{label}</th><td>{_cell(metadata.get(field))}</td></tr>" for field, label in LABELS)
    verdict = f"<p class=\"{'' if checksum['verified'] else 'bad'}\">{_cell(checksum['verdict'])}</p>"
    title = _cell(f"{metadata.get('key')} (version {metadata.get('version_id')})")
    return (f"<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title><style>{CSS}</style></head>"
            f"<body><h1>{title}</h1><h2>Record</h2><table>{rows}</table><h2>Checksum</h2>{verdict}"
            f"<h2>Electronic signatures</h2>{signatures_html}"
            "<p>The audit trail of this record is in audit-trail.csv; MANIFEST.sha256 lists the SHA-256 of every "
            "file of this export.</p></body></html>")

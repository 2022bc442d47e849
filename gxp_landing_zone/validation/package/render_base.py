"""What every page of the package shares: the stylesheet (printing included), escaping, tables, and the
document-control frame - ID, version, status, commit, config SHA-256, protocol hash, revision history and
approval blocks - around each document's body."""

from __future__ import annotations

from html import escape

from ..print_css import page_label
from ..report_html import CSS as REPORT_CSS
from ..report_html import status_badge  # noqa: F401  (the pages' status badge)

CSS = REPORT_CSS + """
nav{margin-bottom:1rem;font-size:.9em}
.verdict-pass{background:#dff3e0;font-weight:600}
.verdict-fail{background:#fbd5d5;font-weight:600}
.verdict-not-executed,.verdict-incomplete{background:#e8e8e8}
.verdict-manual,.verdict-manual-form{background:#fff4d6}
.na{color:#777}
td.sig{height:2.2rem;width:25%}
table.control td,table.control th{font-size:.85em;padding:.15rem .4rem}
ol.steps li{margin-bottom:.25rem}
.diagram svg{display:block;box-sizing:border-box;max-width:100%;height:auto;border:1px solid #ddd}
.open{color:#8a3b00;font-weight:600}
"""


def e(value) -> str:
    return escape(str(value if value is not None else ""), quote=True)


def table(header, rows, ids=None, css: str = "") -> str:
    head = "".join(f"<th>{e(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        attr = f' id="{e(ids[i])}"' if ids else ""
        body.append(f"<tr{attr}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def links(ids, page: str) -> str:
    return ", ".join(f'<a href="{page}#{e(i)}">{e(i)}</a>' for i in ids) or '<span class="na">-</span>'


def downloads(*names: str) -> str:
    return '<p class="muted screen-only">Also as ' + ", ".join(f'<a href="{n}">{n}</a>' for n in names) + ".</p>"


def verdict(value: str) -> str:
    return f'<span class="verdict-{"-".join(str(value).replace("(", "").replace(")", "").split())}">{e(value)}</span>'


def _control_block(doc: dict) -> str:
    facts = [("Document", f"{doc['id']} · {doc['title']}"), ("Version", f"{doc['version']} ({doc['status']})"),
             ("Generated", doc["generated_at"]), ("Git commit", f"{doc['commit']} ({doc['commit_state']})"),
             ("Config", f"{doc['config']} · SHA-256 {doc['config_sha256']}")]
    if doc.get("protocol_sha256"):
        facts.append(("Protocol SHA-256", f"{doc['protocol_sha256']} (frozen: executed records cite this hash)"))
    rows = [[f"<strong>{e(k)}</strong>", f"<code>{e(v)}</code>" if k in ("Git commit", "Protocol SHA-256") else e(v)]
            for k, v in facts]
    return table(("Document control", ""), rows, css="control")


def revision_history(doc: dict) -> str:
    rows = [[e(r["version"]), e(r["date"]), e(r["author"]), e(r["change"])] for r in doc["history"]]
    return '<h2 id="revisions">Revision history</h2>' + table(("Version", "Date", "Author", "Change"), rows)


def approval(doc: dict) -> str:
    rows = [[e(role), "", "", ""] for role in ("Prepared by", "Reviewed by (QA)", "Approved by (system owner)")]
    return (f'<h2 id="approval">Approval of {e(doc["id"])} version {e(doc["version"])}</h2>'
            + table(("Role", "Name", "Signature", "Date"), rows).replace("<td></td>", '<td class="sig"></td>'))


def page(p: dict, doc: dict | None, title: str, body: str, *, controlled: bool = True) -> str:
    """A self-contained page; a controlled document carries its control block, history and approval blocks."""
    label = f"{doc['id']} v{doc['version']} · {p['estate']}" if doc else p["estate"]
    head = (_control_block(doc) + revision_history(doc)) if doc and controlled else ""
    tail = approval(doc) if doc and controlled else ""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}: {e(p["estate"])}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}{page_label(label)}</style>'
        f'</head><body><nav><a href="index.html">Validation package index</a></nav>'
        f'<h1>{e(title)}</h1><p class="muted">{e(p["estate"])} · generated at {e(p["generated_at"])}</p>'
        f"{head}{body}{tail}</body></html>"
    )

"""The change record as a page a QA lead reads and prints: no scripts, no external files, every value
escaped. The JSON beside it is the record; this page is its view."""

from __future__ import annotations

from html import escape

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1b1b1b;line-height:1.4}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem;table-layout:fixed}
th,td{border:1px solid #c8c8c8;padding:.3rem .5rem;text-align:left;vertical-align:top;font-size:.9em;overflow-wrap:anywhere}
th{background:#f0f0f0}
thead{display:table-header-group}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8em;background:#f7f7f7;padding:.5rem}
.ok{background:#dff3e0;font-weight:600}.bad{background:#fbd5d5;font-weight:600}
@media print{@page{size:landscape}details{display:block}details>summary{display:none}}
"""


def _table(headers: list[str], rows: list[list]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _clauses(clauses: dict) -> str:
    return "; ".join(f"{fw} {', '.join(ids)}" for fw, ids in clauses.items())


def _qualification(rows: list[dict]) -> str:
    return _table(
        ["Kind", "Account", "Region", "Entries", "Failed", "Record (key, version)", "SHA-256"],
        [[q["kind"].upper(), q["account"], q["region"], q["entries"], q["failed"], f"{q['key']} ({q['version_id']})",
          q["sha256"]] for q in rows],
    )


def render(record: dict) -> str:
    release = record.get("release") or {}
    signature = release.get("signature") or {}
    outcome = record.get("outcome", "awaiting release")
    good = release.get("released") and record.get("production", {}).get("passed")
    changes = record.get("changes", {})
    changed = [s for s in changes.get("stacks", []) if s.get("changed")]
    acks = record.get("acknowledgements", {})
    tests, synthesis = record.get("tests", {}), record.get("synthesis", {})
    parts = [
        f"<h1>Change record: {escape(record.get('pipeline', ''))} execution {escape(record.get('execution_id', ''))}</h1>",
        _table(["Estate", "Commit", "Branch", "Config (SHA-256)", "Cloud assembly SHA-256", "Outcome"], [[
            record.get("estate", ""), record["source"].get("commit", ""), record["source"].get("branch", ""),
            f"{record['config']['path']} ({record['config']['sha256']})", record["assembly"]["sha256"], outcome,
        ]]),
        f'<p class="{"ok" if good else "bad"}">Outcome: {escape(outcome)}</p>',
        "<h2>Release signature</h2>",
        f"<p>{escape(signature.get('manifestation') or release.get('summary') or 'No release decision recorded.')}</p>",
        _table(["Signed record (key, version)", "Record SHA-256", "Manifest hash"], [[
            f"{record.get('release_candidate', {}).get('key', '')} ({record.get('release_candidate', {}).get('version_id', '')})",
            record.get("release_candidate", {}).get("sha256", ""), signature.get("manifest_hash", ""),
        ]]) if signature else "",
        _table(["Signature not accepted", "Why"], [[r.get("signature", ""), r["reason"]] for r in release.get("refused", [])])
        if release.get("refused") else "",
        f"<h2>What changed ({len(changed)} of {len(changes.get('stacks', []))} stacks)</h2>",
        "" if changes.get("recorded", True) else "<p>No diff was recorded for this execution.</p>",
    ]
    for stack in changed:
        parts.append(f"<h3>{escape(stack['stack'])}</h3>")
        parts.append(_table(["Change", "Type", "Logical ID", "Construct path"],
                            [[r["change"], r["resource_type"], r["logical_id"], r["path"]] for r in stack["resources"]]))
        parts.append(f"<details><summary>cdk diff</summary><pre>{escape(stack['diff'])}</pre></details>")
    parts += [
        "<h2>Controls and clauses touched</h2>",
        _table(["Control", "Title", "Clauses", "Resources"],
               [[c["control"], c["title"], _clauses(c["clauses"]), ", ".join(c["resources"])] for c in record.get("controls_touched", [])]),
        f"<h2>Acknowledgements ({acks.get('in_force', 0)} in force)</h2>",
        "<h3>Added</h3>", _table(["Stack", "Path", "Rule", "Reason"], [[a["stack"], a["path"], a["rule"], a["reason"]] for a in acks.get("added", [])]),
        "<h3>Removed</h3>", _table(["Stack", "Path", "Rule", "Reason"], [[a["stack"], a["path"], a["rule"], a["reason"]] for a in acks.get("removed", [])]),
        "<h2>Tests and synthesis</h2>",
        _table(["Tests", "Failures", "Errors", "Skipped", "Synthesis gate", "Control findings", "Pack findings", "Evaluations"], [[
            tests.get("tests", "-"), tests.get("failures", "-"), tests.get("errors", "-"), tests.get("skipped", "-"),
            "passed" if synthesis.get("passed") else "failed", synthesis.get("control_findings"), synthesis.get("pack_findings"),
            synthesis.get("evaluations"),
        ]]),
        "<h2>Qualification in the validation accounts</h2>", _qualification(record.get("validation", {}).get("qualification", [])),
        "<h2>Qualification in production</h2>", _qualification(record.get("production", {}).get("qualification", [])),
        "<h2>Emergency changes recorded retrospectively</h2>",
        _table(["ID", "Account", "Person", "Reason", "Changes found"],
               [[e["id"], e["account"], e["person"], e["reason"], len(e.get("events", []))] for e in record.get("emergencies", [])]),
    ]
    title = f"Change record {record.get('execution_id', '')}"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{CSS}</style></head><body>{''.join(parts)}</body></html>\n")

"""The accepted design exceptions, the qualification deviation form, the change-control runbook and the
diagrams."""

from __future__ import annotations

from ..report_html import exceptions_table
from .render_base import e, page, table


def exceptions(p: dict) -> str:
    doc = p["documents"]["EXC"]
    approvals = {x["id"]: x["approval"] for x in p["exceptions"] if x.get("approval")}
    by_risk: dict[str, int] = {}
    for x in p["exceptions"]:
        by_risk[x["risk"]] = by_risk.get(x["risk"], 0) + 1
    body = ('<p class="muted screen-only">Also as <a href="exceptions.csv">exceptions.csv</a>; every acknowledged rule '
            'and resource in <a href="deviations.csv">deviations.csv</a>.</p>'
            f"<p>{len(p['exceptions'])} accepted design exceptions, one per distinct reason ("
            + ", ".join(f"{n} {e(r)} risk" for r, n in sorted(by_risk.items())) + f"), covering {len(p['deviations'])} "
            "acknowledged rule-resource pairs. Each was accepted in the code beside the resources it covers; QA approves "
            "each entry once, and a new or changed reason is a new entry, reviewed under change control.</p>"
            + exceptions_table(p["exceptions"], approvals))
    return page(p, doc, doc["title"], body)


def deviation_form(p: dict) -> str:
    doc = p["documents"]["QDF"]
    recorded = [[e(d["id"]), e(d["document"]), e(d["test"]), e(d["observed"]), e(d["impact"]), e(d["action"]),
                 e(f"{d['raised_by']}, {d['date']}"), e(f"{d['closed_by']}, {d['closed_on']}") if d.get("closed_on")
                 else '<span class="open">open</span>'] for d in p["qualification_deviations"]]
    fields = ["Deviation ID (QD-nnn)", "Protocol and version (ID, SHA-256)", "Test and step", "Expected result",
              "Observed result (attach evidence)", "Impact on GxP use and on other tests", "Root cause",
              "Correction and corrective action", "Re-test required (test IDs)", "Raised by (name, date)",
              "Assessed by QA (name, signature, date)", "Closed by (name, signature, date)"]
    blank = table(("Field", "Entry"), [[e(f), ""] for f in fields]).replace("<td></td>", '<td class="sig"></td>')
    body = ('<h2 id="recorded">Deviations recorded</h2>'
            + (table(("ID", "Protocol", "Test", "Observed", "Impact", "Action", "Raised", "Closed"), recorded)
               if recorded else "<p>None recorded (QA records them with --qa-records).</p>")
            + '<h2 id="form">Form</h2><p>One form per deviation observed while executing a protocol. A deviation is '
              "closed only when its correction is verified; the summary report lists every open one.</p>" + blank)
    return page(p, doc, doc["title"], body)


def change_control(p: dict) -> str:
    doc = p["documents"]["CCR"]
    rows = [[e(s["step"]), f"<strong>{e(s['name'])}</strong>", e(s["who"]), e(s["how"]), e(s["record"])]
            for s in p["change_control"]]
    body = ("<p>Applies to any change of the regulated boundary: the config, a stack, a construct, a control or an "
            "acknowledgement.</p>" + table(("Step", "Stage", "Who", "How", "Record kept"), rows,
                                           ids=[f"step-{s['step']}" for s in p["change_control"]]))
    return page(p, doc, doc["title"], body)


def diagrams(p: dict, drawn: dict[str, dict]) -> str:
    doc = p["documents"]["DIA"]
    parts = ["<p>Drawn from the synthesized templates and the config, laid out by Graphviz; each is also a "
             "separate SVG file.</p>"]
    for name, d in drawn.items():
        parts.append(f'<section class="diagram" id="{e(name)}"><h2>{e(d["title"])}</h2>'
                     f'<p class="screen-only"><a href="diagram-{e(name)}.svg">diagram-{e(name)}.svg</a></p>{d["svg"]}</section>')
    return page(p, doc, doc["title"], "".join(parts))

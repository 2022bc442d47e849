"""Architecture and data-flow diagrams as plain SVG, laid out here from the synthesized cloud
assembly and the config: no Graphviz or browser dependency, and a diagram that cannot
disagree with the templates it was drawn from."""

from __future__ import annotations

import json
from collections import Counter
from html import escape
from pathlib import Path

FONT = 'font-family="system-ui,sans-serif"'
# Resource types worth naming in a box; the rest are counted.
NOTABLE = {
    "AWS::S3::Bucket": "bucket", "AWS::KMS::Key": "KMS key", "AWS::CloudTrail::Trail": "trail",
    "AWS::Config::ConfigurationRecorder": "Config recorder", "AWS::Config::ConfigRule": "Config rule",
    "AWS::Events::EventBus": "event bus", "AWS::SNS::Topic": "SNS topic", "AWS::Organizations::Policy": "SCP",
    "AWS::Organizations::OrganizationalUnit": "OU", "AWS::SSO::PermissionSet": "permission set",
    "AWS::Config::ConfigurationAggregator": "Config aggregator", "AWS::Lambda::Function": "Lambda function",
    "AWS::DynamoDB::Table": "table", "AWS::Logs::LogGroup": "log group",
}


def _t(value) -> str:
    return escape(str(value), quote=True)


def stacks_of(cdk_out: Path) -> list[dict]:
    """Each stack of the cloud assembly with its account, region and notable resources."""
    manifest = json.loads((Path(cdk_out) / "manifest.json").read_text(encoding="utf-8"))
    stacks = []
    for name, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        account, region = artifact["environment"].removeprefix("aws://").split("/", 1)
        template = json.loads((Path(cdk_out) / artifact["properties"]["templateFile"]).read_text(encoding="utf-8"))
        types = Counter(r.get("Type", "") for r in template.get("Resources", {}).values())
        stacks.append({"name": name, "account": account, "region": region,
                       "resources": sum(types.values()), "types": dict(types)})
    return stacks


def _lines(types: dict) -> list[str]:
    out = [f"{n} {NOTABLE[t]}{'s' if n > 1 else ''}" for t, n in sorted(types.items()) if t in NOTABLE]
    return out[:5]


def architecture_svg(config, stacks: list[dict]) -> str:
    """One column per account (config order), one box per stack, regions in the box title."""
    col_w, gap, box_w, head_h, line_h = 210, 14, 190, 46, 14
    columns = []
    for account in config.accounts:
        own = [s for s in stacks if s["account"] == account.id]
        if own:
            columns.append((account, own))
    heights = []
    for _, own in columns:
        heights.append(head_h + sum(34 + line_h * len(_lines(s["types"])) + 10 for s in own))
    width = len(columns) * (col_w + gap) + gap
    flows_y = max(heights, default=0) + 40
    height = flows_y + 110
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="arch-title" {FONT} font-size="11">',
             f'<title id="arch-title">Architecture of {_t(config.organization.name)}: accounts and stacks</title>',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for i, (account, own) in enumerate(columns):
        x = gap + i * (col_w + gap)
        regulated = account.kind.value not in ("research",)
        parts.append(f'<rect x="{x}" y="10" width="{col_w}" height="{heights[i]}" rx="6" '
                     f'fill="{"#eef4fb" if regulated else "#f4f4f4"}" stroke="#7a96b8"/>')
        juris = f" ({account.jurisdiction})" if account.jurisdiction else ""
        parts.append(f'<text x="{x + 8}" y="28" font-weight="bold" font-size="13">{_t(account.role)}{_t(juris)}</text>')
        boundary = "validation boundary" if regulated else "outside the boundary"
        parts.append(f'<text x="{x + 8}" y="44" fill="#444">{_t(account.id)} · {boundary}</text>')
        y = 10 + head_h + 6
        for s in own:
            lines = _lines(s["types"])
            h = 34 + line_h * len(lines)
            parts.append(f'<rect x="{x + 10}" y="{y}" width="{box_w}" height="{h}" rx="4" fill="#fff" stroke="#9aa"/>')
            parts.append(f'<text x="{x + 16}" y="{y + 15}" font-weight="bold">{_t(s["name"].split("-")[0])} · {_t(s["region"])}</text>')
            parts.append(f'<text x="{x + 16}" y="{y + 28}" fill="#555">{s["resources"]} resources</text>')
            for j, line in enumerate(lines):
                parts.append(f'<text x="{x + 22}" y="{y + 28 + line_h * (j + 1)}">{_t(line)}</text>')
            y += h + 10
    names = [
        "Organization trail (every account, every region) -> log-archive trail bucket, Object Lock COMPLIANCE",
        "AWS Config recorder in every account x region -> log-archive Config history bucket; audit aggregator reads all",
        "Compliance and drift events -> audit account event bus -> KMS-encrypted alert topic",
        f"Service control policies from management: only {', '.join(config.allowed_regions)}; no trail, recorder, log or key tampering",
    ]
    parts.append(f'<text x="{gap}" y="{flows_y}" font-weight="bold" font-size="12">Cross-account flows</text>')
    for k, text in enumerate(names):
        parts.append(f'<text x="{gap + 8}" y="{flows_y + 18 + 16 * k}">{_t(text)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    return (f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#345" stroke-width="1.5" '
            f'marker-end="url(#arrow)"/>')


def data_flow_svg(config, names, stacks: list[dict]) -> str:
    """Record creation -> signature -> archive -> retention, with the audit trail beneath."""
    regulated = config.regulated_accounts
    signature_deployed = any(s["name"].startswith("Signature") for s in stacks)
    longest = max(config.data_classes, key=lambda d: d.days)
    stages = [
        ("1. Record creation", [
            "Lab user or instrument, signed in via",
            "Identity Center: regulated-data-operator",
            f"({config.access.session_hours.get('regulated-data-operator', '?')} h session)",
            *(f"in {a.role} ({', '.join(config.workload_regions(a))})" for a in regulated[:3]),
            *([f"and {len(regulated) - 3} more regulated accounts"] if len(regulated) > 3 else []),
        ]),
        ("2. Electronic signature", [
            "Signature service: manifest with",
            "signer, UTC time and meaning,",
            "SHA-256 bound to bucket/key/version",
            "deployed" if signature_deployed else "not deployed in this estate yet",
        ]),
        ("3. Archive", [
            f"Records buckets {names.records_bucket_prefix()}<class>",
            "Object Lock COMPLIANCE, versioning,",
            "SSE-KMS customer key, TLS only,",
            "deletion denied by bucket policy",
        ]),
        ("4. Retention", [
            *(f"{d.name}: {d.retention_years or round(d.days / 365)} y" for d in config.data_classes[:5]),
            f"longest: {longest.name}",
        ]),
    ]
    box_w, gap, top = 290, 36, 40
    box_h = 44 + 16 * max(len(lines) for _, lines in stages)
    width = len(stages) * (box_w + gap) + gap
    audit_y = top + box_h + 70
    height = audit_y + 110
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="flow-title" {FONT} font-size="12">',
             f'<title id="flow-title">Data flow of a regulated record in {_t(config.organization.name)}</title>',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#345"/></marker></defs>',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>']
    for i, (title, lines) in enumerate(stages):
        x = gap + i * (box_w + gap)
        dashed = ' stroke-dasharray="6 4"' if title.startswith("2.") and not signature_deployed else ""
        parts.append(f'<rect x="{x}" y="{top}" width="{box_w}" height="{box_h}" rx="6" fill="#eef4fb" stroke="#7a96b8"{dashed}/>')
        parts.append(f'<text x="{x + 10}" y="{top + 20}" font-weight="bold" font-size="13">{_t(title)}</text>')
        for j, line in enumerate(lines):
            parts.append(f'<text x="{x + 10}" y="{top + 40 + 16 * j}">{_t(line)}</text>')
        if i:
            parts.append(_arrow(x - gap + 2, top + box_h / 2, x - 2, top + box_h / 2))
    audit_w = width - 2 * gap
    parts.append(f'<rect x="{gap}" y="{audit_y}" width="{audit_w}" height="80" rx="6" fill="#fff7e6" stroke="#b8964a"/>')
    parts.append(f'<text x="{gap + 10}" y="{audit_y + 20}" font-weight="bold" font-size="13">Audit trail of every step</text>')
    parts.append(f'<text x="{gap + 10}" y="{audit_y + 40}">CloudTrail {_t(names.trail_name)}: S3 data events (reads and writes) '
                 f'on {_t(names.records_bucket_prefix())}* -> {_t(names.trail_bucket)}</text>')
    parts.append(f'<text x="{gap + 10}" y="{audit_y + 58}">Object Lock COMPLIANCE, {config.audit_log.days} days '
                 f'({_t(config.audit_log.retention_years or "")} y); read only by {_t(names.audit_reader_role_name)} in the audit account</text>')
    for i in range(len(stages)):
        cx = gap + i * (box_w + gap) + box_w / 2
        parts.append(_arrow(cx, top + box_h + 2, cx, audit_y - 2))
    parts.append("</svg>")
    return "\n".join(parts)

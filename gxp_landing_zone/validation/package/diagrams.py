"""The package's diagrams - network, identity, data paths (with cross-border replication of de-identified
data), compute and signature paths - written as Graphviz DOT from the synthesized cloud assembly and the
config, and laid out by Graphviz itself (graphviz.py runs @hpcc-js/wasm-graphviz in Node). Nothing is
placed by hand, and a diagram cannot disagree with the templates it was drawn from."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ...config.regions import REGION_JURISDICTION
from .graphviz import layout

DIAGRAMS = (
    ("network", "Network: workload VPCs, their endpoints and their only paths out"),
    ("identity", "Identity: who reaches which account, who signs, who seals qualification records"),
    ("data", "Data paths: records, their audit trail, and cross-border replication of de-identified data"),
    ("compute", "Compute paths: from raw data to results, with checkpoints"),
    ("signature", "Signature path: from sign-in to the ledger, the locked manifest and the alert"),
)
HEAD = ('digraph G {{ graph [rankdir={rankdir}, fontname="Helvetica", fontsize=11, labeljust=l, nodesep=0.35, '
        'ranksep=0.5, pad=0.2]; node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", '
        'fontsize=10]; edge [fontname="Helvetica", fontsize=9, color="#345"];\n')


def q(text) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def stacks_of(cdk_out: Path) -> list[dict]:
    """Each stack of the cloud assembly with its account, region, resource types and the network facts."""
    manifest = json.loads((Path(cdk_out) / "manifest.json").read_text(encoding="utf-8"))
    stacks = []
    for name, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") != "aws:cloudformation:stack":
            continue
        account, region = artifact["environment"].removeprefix("aws://").split("/", 1)
        template = json.loads((Path(cdk_out) / artifact["properties"]["templateFile"]).read_text(encoding="utf-8"))
        resources = template.get("Resources", {}).values()
        types = Counter(r.get("Type", "") for r in resources)
        endpoints = sorted({_service(r["Properties"].get("ServiceName")) for r in resources
                            if r.get("Type") == "AWS::EC2::VPCEndpoint"})
        cidrs = [r["Properties"].get("CidrBlock") for r in resources if r.get("Type") == "AWS::EC2::VPC"]
        stacks.append({"name": name, "account": account, "region": region, "resources": sum(types.values()),
                       "types": dict(types), "endpoints": endpoints, "vpc_cidrs": [c for c in cidrs if isinstance(c, str)],
                       "internet": types.get("AWS::EC2::InternetGateway", 0) > 0})
    return stacks


def _service(name) -> str:
    if isinstance(name, dict):  # {"Fn::Join": ["", ["com.amazonaws.", {"Ref": "AWS::Region"}, ".s3"]]}
        parts = name.get("Fn::Join", ["", []])[1]
        return str(parts[-1]).lstrip(".") if parts else "?"
    return str(name).split(".", 3)[-1] if name else "?"


def _account_cluster(lines: list[str], key: str, label: str, body: list[str], fill: str = "#eef4fb") -> None:
    lines.append(f'subgraph "cluster_{key}" {{ label={q(label)}; style="rounded,filled"; fillcolor="{fill}"; color="#7a96b8";')
    lines.extend(body)
    lines.append("}")


def network(config, stacks) -> str:
    lines = [HEAD.format(rankdir="LR"), 'internet [label="Internet", shape=ellipse, fillcolor="#fbd5d5"];',
             'aws [label="AWS service endpoints (regional)", shape=ellipse, fillcolor="#e8e8e8"];']
    for s in (s for s in stacks if s["name"].startswith("Compute-")):
        account = config.account_by_id(s["account"])
        key = s["name"]
        body = [f'"{key}/vpc" [label={q("VPC " + ", ".join(s["vpc_cidrs"]) + chr(10) + "private subnets, flow logs")}];',
                f'"{key}/ep" [label={q("VPC endpoints:" + chr(10) + chr(10).join(s["endpoints"]))}, fillcolor="#dff3e0"];',
                f'"{key}/vpc" -> "{key}/ep" [label="all AWS traffic"];']
        if s["internet"]:
            body.append(f'"{key}/nat" [label="NAT gateway (nat_allowed)", fillcolor="#fde2c8"];')
            body.append(f'"{key}/vpc" -> "{key}/nat";')
        kind = "outside the validation boundary" if account.kind.value == "research" else "no internet path"
        _account_cluster(lines, key, f"{account.role} ({s['account']}) {s['region']}: {kind}", body,
                         "#f4f4f4" if account.kind.value == "research" else "#eef4fb")
        lines.append(f'"{key}/ep" -> aws;')
        if s["internet"]:
            lines.append(f'"{key}/nat" -> internet;')
    return "\n".join(lines) + "\n}\n"


def identity(config, stacks) -> str:
    names = {a.role: a for a in config.accounts}
    lines = [HEAD.format(rankdir="LR"),
             f'idc [label={q("IAM Identity Center" + chr(10) + "management " + config.home_region)}, fillcolor="#dde8f8"];']
    for i, a in enumerate(config.access.assignments):
        group = f"group{i}"
        targets = [r for r in names] if a.accounts == ["*"] else a.accounts
        lines.append(f'{group} [label={q("group ..." + a.group_id[-12:])}, shape=ellipse];')
        lines.append(f'{group} -> idc [label={q(a.permission_set)}];')
        for role in targets:
            lines.append(f'idc -> {q("acct/" + role)} [label={q(a.permission_set + " (" + str(config.access.session_hours.get(a.permission_set, "?")) + " h)")}];')
    for role, a in names.items():
        lines.append(f'{q("acct/" + role)} [label={q(role + chr(10) + a.id)}];')
    for a in config.regulated_accounts:
        groups = sorted({g for rc in config.signatures.record_classes.values() for g in rc.signers})
        lines.append(f'{q("pool/" + a.role)} [label={q("Signer pool (Cognito), " + a.role + chr(10) + "groups: " + ", ".join(groups))}, fillcolor="#fff3c4"];')
        lines.append(f'{q("acct/" + a.role)} -> {q("pool/" + a.role)} [label="administrators create signers"];')
    lines.append(f'sealkey [label={q("qualification-records key (audit)" + chr(10) + "kms:Sign: " + ", ".join(config.qualification.record_signers))}, fillcolor="#fff3c4"];')
    lines.append(f'{q("acct/audit")} -> sealkey;')
    return "\n".join(lines) + "\n}\n"


def data_paths(config, names, stacks) -> str:
    lines = [HEAD.format(rankdir="LR"),
             f'archive [label={q("log archive " + config.log_archive.id + chr(10) + names.trail_bucket + chr(10) + "Object Lock COMPLIANCE")}, fillcolor="#fff7e6"];']
    for a in config.regulated_accounts:
        for region in config.workload_regions(a):
            body = []
            for d in config.data_classes:
                node = q(f"{a.role}/{region}/{d.name}")
                body.append(f'{node} [label={q(names.records_bucket(d.name, a.id, region) + chr(10) + f"{d.days} days, COMPLIANCE" + (chr(10) + "de-identified" if d.de_identified else ""))}];')
                lines.append(f'{node} -> archive [label="data events", style=dashed];')
            _account_cluster(lines, f"{a.role}-{region}", f"{a.role} ({a.id}) {region}, {a.jurisdiction}", body)
    for d in config.data_classes:
        for target in d.replicate_to:
            destination = config.account(target.account)
            target_region = target.region or config.workload_regions(destination)[0]
            for a in config.regulated_accounts:
                for region in config.workload_regions(a):
                    if (a.id, region) == (destination.id, target_region):
                        continue
                    cross = REGION_JURISDICTION[region] != REGION_JURISDICTION[target_region]
                    label = "replicates (de-identified)" + (f", cross-border {REGION_JURISDICTION[region]} -> "
                                                            f"{REGION_JURISDICTION[target_region]}" if cross else "")
                    lines.append(f'{q(f"{a.role}/{region}/{d.name}")} -> {q(f"{destination.role}/{target_region}/{d.name}")} '
                                 f'[label={q(label)}, color="{"#b8460b" if cross else "#345"}", penwidth=1.6];')
    return "\n".join(lines) + "\n}\n"


def compute(config, stacks) -> str:
    lines = [HEAD.format(rankdir="LR")]
    for s in (s for s in stacks if s["name"].startswith("Compute-")):
        account = config.account_by_id(s["account"])
        settings = config.compute_settings(account)
        k = s["name"]
        body = [f'"{k}/in" [label="raw data (records bucket)"];',
                f'"{k}/batch" [label={q(f"AWS Batch: Spot {settings.spot_share_percent}% / on-demand, max {settings.max_vcpus} vCPU")}];',
                f'"{k}/sm" [label={q(f"SageMaker pipeline, {settings.training_instance_type}, managed Spot")}];',
                f'"{k}/omics" [label={q(f"HealthOmics run group, <= {settings.omics_max_runs} runs")}];',
                f'"{k}/ckpt" [label={q(f"checkpoint bucket ({settings.checkpoint_expiry_days} days)")}, fillcolor="#f4f4f4"];',
                f'"{k}/out" [label="results and models (artifact bucket)"];',
                f'"{k}/in" -> "{k}/batch"; "{k}/in" -> "{k}/sm"; "{k}/in" -> "{k}/omics";',
                f'"{k}/batch" -> "{k}/ckpt" [label="checkpoint / resume", dir=both];',
                f'"{k}/sm" -> "{k}/ckpt" [dir=both];',
                f'"{k}/batch" -> "{k}/out"; "{k}/sm" -> "{k}/out" [label="model, PendingManualApproval"]; "{k}/omics" -> "{k}/out";']
        _account_cluster(lines, k, f"{account.role} ({s['account']}) {s['region']}", body,
                         "#f4f4f4" if account.kind.value == "research" else "#eef4fb")
    return "\n".join(lines) + "\n}\n"


def signature(config, names, stacks) -> str:
    subscribers = chr(10).join(f"{s.protocol}: {s.endpoint}" for s in config.alerts.subscriptions)
    deployed = any(s["name"].startswith("Signatures-") for s in stacks)
    lines = [HEAD.format(rankdir="LR"),
             'signer [label="Signer", shape=ellipse];',
             f'pool [label={q("Cognito user pool" + chr(10) + "password + TOTP, " + str(config.signatures.auth_window_seconds) + " s window")}];',
             'api [label="API Gateway + WAF\\n(TLS only, access logs)"];',
             'sign [label="sign function\\nauthority, sequence,\\nsigner still enabled"];',
             'record [label="record version\\n(records bucket, SHA-256 read)"];',
             'ledger [label="DynamoDB ledger\\n(hash-chained, PITR)", fillcolor="#fff3c4"];',
             'manifest [label="manifest copy\\n(Object Lock COMPLIANCE)", fillcolor="#fff7e6"];',
             f'bus [label={q("audit bus " + names.audit_bus_name)}];',
             f'topic [label={q("alert topic (KMS)" + chr(10) + subscribers)}, fillcolor="#fbd5d5"];',
             'signer -> pool [label="sign in"]; pool -> api [label="ID token"]; api -> sign;',
             'sign -> record [label="reads"]; sign -> ledger [label="appends"]; sign -> manifest [label="writes"];',
             'sign -> bus [label="signed / refused events"]; bus -> topic [label="refused attempts"];']
    if not deployed:
        lines.append('note [label="not deployed in this estate", shape=note];')
    return "\n".join(lines) + "\n}\n"


def dot_sources(config, stacks) -> dict[str, str]:
    from ...naming import Names

    names = Names(config)
    return {"network": network(config, stacks), "identity": identity(config, stacks),
            "data": data_paths(config, names, stacks), "compute": compute(config, stacks),
            "signature": signature(config, names, stacks)}


def diagrams_of(config, stacks) -> dict[str, dict]:
    """name -> {title, dot, svg}, laid out by Graphviz."""
    sources = dot_sources(config, stacks)
    svgs = layout(sources)
    return {name: {"title": title, "dot": sources[name], "svg": svgs[name]} for name, title in DIAGRAMS}

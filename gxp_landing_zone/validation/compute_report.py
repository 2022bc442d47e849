"""Compute part of the report: the designed Spot share and monthly cost range per workload
account, and the validation boundary - which stacks and resources are inside it.

Prices come from the config (with their date); nothing is fetched.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from ..config import AccountKind, EstateConfig
from ..config.compute import HOURS_PER_MONTH
from ..controls.model import REGULATED_ONLY
from ..controls.registry import all_controls
from .bedrock_cost import bedrock_cost, bedrock_markdown

INSIDE = (AccountKind.REGULATED, AccountKind.LOG_ARCHIVE, AccountKind.AUDIT, AccountKind.MANAGEMENT)


def build_compute_report(config: EstateConfig, stacks: list[tuple[str, str, dict]]) -> dict:
    """``stacks``: (stack name, account ID, template) for every synthesized stack."""
    prices = config.compute.prices
    bedrock = bedrock_cost(config)
    bedrock_by_account = {a["account"]: a["monthly_usd"] for a in bedrock["accounts"]} if bedrock else {}
    capacity = []
    for account in config.workload_accounts:
        settings = config.compute_settings(account)
        if not settings.enabled:
            continue
        capacity.append(
            {
                "account": account.role,
                "boundary": "regulated" if account.kind is AccountKind.REGULATED else "research",
                "regions": config.workload_regions(account),
                "cpu_instance_families": settings.cpu_instance_families,
                "gpu_instance_types": settings.gpu_instance_types,
                "max_vcpus": settings.max_vcpus,
                "spot_vcpus": settings.spot_vcpus,
                "on_demand_vcpus": settings.on_demand_vcpus,
                "gpu_spot_vcpus": settings.gpu_max_vcpus if settings.gpu_instance_types else 0,
                "spot_share_target_percent": settings.spot_share_percent,
                "designed_spot_share_percent": round(settings.designed_spot_share, 1),
                "capacity_reservation_id": settings.capacity_reservation_id,
                "nat_allowed": settings.nat_allowed,
                "monthly_cost_usd": config.compute.monthly_cost(settings),
                "bedrock_monthly_usd": bedrock_by_account.get(account.role),
            }
        )
    regulated_only = sorted(c.id for c in all_controls() if c.boundary == REGULATED_ONLY)
    boundary = []
    for name, account_id, template in stacks:
        account = config.account_by_id(account_id)
        inside = account is not None and account.kind in INSIDE
        resources = template.get("Resources", {})
        boundary.append(
            {
                "stack": name,
                "account": account.role if account else account_id,
                "inside_validation_boundary": inside,
                "regulated_only_controls_applied": inside,
                "resource_count": len(resources),
                "resource_types": dict(sorted(Counter(r["Type"] for r in resources.values()).items())),
            }
        )
    return {
        "prices": (
            {"as_of": prices.as_of.isoformat(), "region": prices.region, "source": prices.source, "hours_per_month": HOURS_PER_MONTH}
            if prices
            else None
        ),
        "capacity": capacity,
        "bedrock": bedrock,
        "regulated_only_controls": regulated_only,
        "boundary": boundary,
    }


def _money(value: float | None) -> str:
    return "-" if value is None else f"${value:,.0f}"


def _markdown(report: dict) -> str:
    lines = ["# Discovery compute: capacity, cost and the validation boundary", ""]
    prices = report["prices"]
    if prices:
        lines += [
            f"Prices: USD per vCPU-hour as read on {prices['as_of']} in {prices['region']} ({prices['source']}); "
            f"a month is {prices['hours_per_month']} hours at the configured max vCPUs. Not fetched: update the config.",
            "",
        ]
    else:
        lines += ["No prices in the config (compute.prices): cost columns are empty.", ""]
    lines += [
        "| account | boundary | CPU max vCPUs | Spot / on-demand vCPUs | Spot share target | designed Spot share | "
        "all on-demand / month | designed mix / month | all Spot / month | range (cheapest Spot - dearest on-demand) | "
        "Bedrock / month |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in report["capacity"]:
        cost = c["monthly_cost_usd"] or {}
        lines.append(
            f"| {c['account']} | {c['boundary']} | {c['max_vcpus']} | {c['spot_vcpus']} / {c['on_demand_vcpus']} | "
            f"{c['spot_share_target_percent']}% | {c['designed_spot_share_percent']}% | {_money(cost.get('all_on_demand'))} | "
            f"{_money(cost.get('designed'))} | {_money(cost.get('all_spot'))} | "
            f"{_money(cost.get('low'))} - {_money(cost.get('high'))} | {_money(c.get('bedrock_monthly_usd'))} |"
        )
    lines += [
        "",
        "GPU Spot capacity is separate (its own environment and queue) and not priced here.",
        "",
        *bedrock_markdown(report.get("bedrock")),
        "## Validation boundary",
        "",
        "Inside: every stack in a regulated, log-archive, audit or management account; all controls apply. "
        "Outside: research accounts, where these regulated-only controls are not applied: "
        + ", ".join(report["regulated_only_controls"])
        + ".",
        "",
        "| stack | account | inside | resources | resource types |",
        "|---|---|---|---|---|",
    ]
    for b in report["boundary"]:
        types = ", ".join(f"{t.removeprefix('AWS::')} x{n}" for t, n in b["resource_types"].items())
        lines.append(f"| {b['stack']} | {b['account']} | {'yes' if b['inside_validation_boundary'] else 'no'} | {b['resource_count']} | {types} |")
    return "\n".join(lines) + "\n"


def write_compute_report(out_dir: Path, report: dict) -> list[Path]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / "compute.json", out_dir / "compute.md"
    json_path.write_text(json.dumps(report, indent=2) + "\n")
    md_path.write_text(_markdown(report))
    return [json_path, md_path]

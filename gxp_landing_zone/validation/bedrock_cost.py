"""Projected monthly Bedrock cost per account: the token volumes the config expects (genai.accounts.<role>
.monthly_tokens) at the on-demand prices of the dated table in config/bedrock_catalog.py. Nothing is
fetched; a volume whose model or profile has no price in the table is shown as unpriced, not as zero.
"""

from __future__ import annotations

from ..config import EstateConfig
from ..config import bedrock_catalog as catalog

MILLION = 1_000_000


def _line(identifier: str, volume) -> dict:
    price = catalog.price(identifier)
    line = {"identifier": identifier, "input_tokens": volume.input_tokens, "output_tokens": volume.output_tokens,
            "usd_per_million_input": None, "usd_per_million_output": None, "monthly_usd": None}
    if price is not None:
        line.update(usd_per_million_input=round(price[0], 4), usd_per_million_output=round(price[1], 4),
                    monthly_usd=round((volume.input_tokens * price[0] + volume.output_tokens * price[1]) / MILLION, 2))
    return line


def bedrock_cost(config: EstateConfig) -> dict | None:
    """{"as_of", "source", "accounts": [{"account", "lines", "monthly_usd", "unpriced"}]}, or None without genai."""
    if config.genai is None:
        return None
    accounts = []
    for role, settings in sorted(config.genai.accounts.items()):
        lines = [_line(i, v) for i, v in sorted(settings.monthly_tokens.items())]
        priced = [line["monthly_usd"] for line in lines if line["monthly_usd"] is not None]
        accounts.append({"account": role, "lines": lines, "monthly_usd": round(sum(priced), 2),
                         "unpriced": [line["identifier"] for line in lines if line["monthly_usd"] is None]})
    return {"as_of": catalog.AS_OF.isoformat(), "source": catalog.PRICE_SOURCE, "accounts": accounts}


def _money(value: float | None) -> str:
    return "unpriced" if value is None else f"${value:,.0f}"


def bedrock_markdown(cost: dict | None) -> list[str]:
    if cost is None:
        return ["No genai section in the config: no Bedrock cost.", ""]
    lines = [
        "## Bedrock: projected monthly cost",
        "",
        f"On-demand USD per million tokens from the table dated {cost['as_of']} ({cost['source']}), times the monthly token "
        "volumes in genai.accounts.<role>.monthly_tokens. A cross-region profile is priced in its source region. "
        "Projections, not bills: update the volumes and the table.",
        "",
        "| account | model or profile | input tokens / month | output tokens / month | USD per M in / out | per month |",
        "|---|---|---|---|---|---|",
    ]
    for account in cost["accounts"]:
        for line in account["lines"]:
            rate = ("-" if line["usd_per_million_input"] is None
                    else f"{line['usd_per_million_input']:g} / {line['usd_per_million_output']:g}")
            lines.append(f"| {account['account']} | {line['identifier']} | {line['input_tokens']:,} | "
                         f"{line['output_tokens']:,} | {rate} | {_money(line['monthly_usd'])} |")
        unpriced = f" (not counted: {', '.join(account['unpriced'])})" if account["unpriced"] else ""
        lines.append(f"| **{account['account']}** | **total**{unpriced} | | | | **{_money(account['monthly_usd'])}** |")
    return lines + [""]

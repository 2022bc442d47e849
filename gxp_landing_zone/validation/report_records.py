"""The regulated records' table as the report shows it, shared by its CSV, Markdown and HTML writers."""

from __future__ import annotations

RESULT_LABEL = {"COMPLIANT": "compliant", "NON_COMPLIANT": "not compliant", "CANNOT_PROVE": "cannot be proven"}


def _controls_summary(row: dict) -> str:
    controls = row.get("controls") or {}
    failed = [c for c, r in controls.items() if r != "compliant"]
    if not controls:
        return "not evaluated"
    return f"{len(controls)} controls passed" if not failed else "not met or deviation: " + ", ".join(failed)


def _record_cells(row: dict) -> dict:
    return {
        **row,
        "de_identified": "yes" if row["de_identified"] else "no",
        "replication_targets": "; ".join(row["replication_targets"]) or "none",
        "controls": _controls_summary(row),
    }


def _records_by_account(t: dict) -> dict[tuple[str, str, str], list[dict]]:
    grouped: dict[tuple[str, str, str], list[dict]] = {}
    for row in t.get("records", []):
        grouped.setdefault((row["account"], row["account_id"], row["jurisdiction"]), []).append(row)
    return grouped


RECORD_HEADER = ("Class", "Bucket", "Retention", "Oldest versions (11.10(c))", "Key", "Region", "Jurisdiction",
                 "Replication target", "Controls")


def _record_row(row: dict) -> tuple:
    cells = _record_cells(row)
    return (cells["data_class"] + (" (de-identified)" if row["de_identified"] else ""), cells["bucket"],
            f'{cells["retention"]} ({cells["retention_days"]} days, {cells["lock_mode"]})',
            f'{cells["archive_tier"]}: {cells["oldest_versions_read"]}', cells["key"],
            cells["region"], cells["jurisdiction"], cells["replication_targets"], cells["controls"])

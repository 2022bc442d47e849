"""The retention floor: Object Lock COMPLIANCE retention only ever goes up.

Once a version is written under COMPLIANCE mode nobody can shorten its retention, and a
lower default on the bucket would silently give every later record a shorter life than
the predicate rule requires (11.10(c); Annex 11 7.1, 17). So the shortest retention each
data class (and the audit log) has ever been synthesized with is committed next to the
config, in ``<config>.retention-floor.yaml``. Synthesis refuses a config below that floor,
refuses to drop a class that has one, and only ever raises it. A reviewer sees a raise as a
diff of that file; a lowering never gets as far as a template.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .loader import ConfigError
from .model import EstateConfig

AUDIT_LOG = "audit-log"
HEADER = (
    "# Retention floor (days) for every data class and the audit log: synthesis refuses a config\n"
    "# below it, because S3 Object Lock COMPLIANCE retention must never be shortened. Written by\n"
    "# synthesis, only ever raised; commit it with the config. Do not edit it by hand to lower a value.\n"
)


def floor_path(config_path: str | Path) -> Path:
    path = Path(config_path)
    return path.with_name(f"{path.stem}.retention-floor.yaml")


def current_retention(config: EstateConfig) -> dict[str, int]:
    return {AUDIT_LOG: config.audit_log.days, **{c.name: c.days for c in config.data_classes}}


def read_floor(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc}); restore it from version control")
    floor = data.get("retention_days") if isinstance(data, dict) else None
    if not isinstance(floor, dict) or not all(isinstance(v, int) and v > 0 for v in floor.values()):
        raise ConfigError(f"{path}: expected 'retention_days:' mapping names to whole days; restore it from version control")
    return {str(k): v for k, v in floor.items()}


def problems(config: EstateConfig, floor: dict[str, int]) -> list[str]:
    now = current_retention(config)
    found = []
    for name, days in sorted(floor.items()):
        field = "audit_log" if name == AUDIT_LOG else f"data_classes ({name})"
        if name not in now:
            found.append(
                f"  {field}: the class was removed, but records of it are locked for {days} days; "
                "keep the class in the config (its buckets and keys are retained either way)"
            )
        elif now[name] < days:
            found.append(
                f"  {field}: retention {now[name]} days is below the committed floor of {days} days; "
                "S3 Object Lock COMPLIANCE retention cannot be shortened (11.10(c), Annex 11 17)"
            )
    return found


def raised(config: EstateConfig, floor: dict[str, int]) -> dict[str, int]:
    merged = dict(floor)
    for name, days in current_retention(config).items():
        merged[name] = max(days, merged.get(name, 0))
    return merged


def enforce(config: EstateConfig, config_path: str | Path, *, write: bool = True) -> Path:
    """Refuse a config below the floor; otherwise raise the floor to the config and write it."""
    path = floor_path(config_path)
    floor = read_floor(path)
    found = problems(config, floor)
    if found:
        raise ConfigError(
            f"{config_path}: {len(found)} retention problem(s) against {path.name}:\n" + "\n".join(found)
        )
    new = raised(config, floor)
    if write and new != floor:
        body = yaml.safe_dump({"retention_days": dict(sorted(new.items()))}, sort_keys=False)
        path.write_text(HEADER + body, encoding="utf-8")
    return path

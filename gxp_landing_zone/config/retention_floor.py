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

from .loader import ConfigError, load_yaml
from .model import EstateConfig
from .records import DAYS_PER_YEAR, MAX_RETENTION_YEARS

AUDIT_LOG = "audit-log"
RESTORE = "restore it from version control"
MAX_FLOOR_DAYS = MAX_RETENTION_YEARS * DAYS_PER_YEAR
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
    if not path.exists() and not path.is_symlink():
        return {}
    if path.is_dir():
        raise ConfigError(f"{path}: is a directory, not the retention floor file; remove it and {RESTORE}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: is not a text file (not UTF-8); {RESTORE}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the retention floor ({exc.strerror or exc}); {RESTORE}") from None
    try:
        # The same loader as the config: a key given twice (a floor lowered by a second line)
        # is refused, not silently resolved to the last value.
        data = load_yaml(text, str(path), "retention floor")
    except ConfigError as exc:
        raise ConfigError(f"{exc}\n{RESTORE}") from None
    floor = data.get("retention_days") if isinstance(data, dict) else None
    # type() is int, not isinstance: a YAML `true` is a bool, which Python counts as the int 1.
    if (
        not isinstance(floor, dict)
        or not floor
        or set(data) != {"retention_days"}
        or not all(type(v) is int and 0 < v <= MAX_FLOOR_DAYS for v in floor.values())
    ):
        raise ConfigError(
            f"{path}: expected only 'retention_days:', mapping each data class and {AUDIT_LOG} to whole days "
            f"(1 to {MAX_FLOOR_DAYS}); {RESTORE}"
        )
    if AUDIT_LOG not in floor:
        raise ConfigError(f"{path}: has no {AUDIT_LOG} entry, which synthesis always writes; {RESTORE}")
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
        try:
            path.write_text(HEADER + body, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot write the retention floor ({exc.strerror or exc}); nothing was synthesized") from None
    return path

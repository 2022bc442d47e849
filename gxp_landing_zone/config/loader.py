"""Read the estate YAML and turn every problem into one readable message."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from .model import EstateConfig


class ConfigError(Exception):
    """A configuration problem, worded for the person who edits the YAML."""


def _location(loc: tuple, data: object) -> str:
    """Render a pydantic location as a YAML path, naming accounts by role where possible."""
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and item < len(node) and isinstance(node[item], dict):
                name = node[item].get("role") or node[item].get("name")
                if name:
                    label = f"[{item}] ({name})"
            parts.append(label)
            node = node[item] if isinstance(node, list) and item < len(node) else None
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(top level)"


def _describe(error: dict, data: object) -> str:
    message = error["msg"].removeprefix("Value error, ")
    kind = error["type"]
    if kind == "extra_forbidden":
        message = "unknown setting; check the spelling against config/reference.yaml"
    elif kind == "missing":
        message = "required setting is missing"
    elif error["loc"] and error["loc"][-1] == "id":
        message = "must be a 12-digit AWS account ID in quotes, e.g. \"123456789012\""
    return f"  {_location(error['loc'], data)}: {message}"


def parse_config(data: object, source: str = "<config>") -> EstateConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the file must be a YAML mapping (key: value), not {type(data).__name__}")
    try:
        return EstateConfig.model_validate(data)
    except ValidationError as exc:
        lines = [_describe(e, data) for e in exc.errors(include_url=False)]
        raise ConfigError(f"{source}: {len(lines)} problem(s) in the estate configuration:\n" + "\n".join(lines))


def load_config(path: str | Path) -> EstateConfig:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file; pass -c config=<path to yaml> or use config/reference.yaml")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc})")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ConfigError(f"{path}: not valid YAML{where}: {getattr(exc, 'problem', exc)}")
    return parse_config(data, str(path))

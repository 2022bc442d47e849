"""Read the estate YAML and turn every problem into one readable message.

The YAML is read with a loader of our own rather than ``yaml.safe_load``, because safe_load
lets a file through that means something else than it says, or fails with a traceback:

* a key given twice keeps the last value without a word (``retention_years: 25`` then
  ``retention_years: 1``): refused here, naming the key and both lines;
* an impossible date (``2026-02-30``), ``!!int abc`` or a number of thousands of digits raise
  ValueError from inside the constructor: here a number is length-checked and a date is passed
  on as the text the file holds, for the model to check against its field;
* nesting a thousand levels deep exhausts Python's recursion limit in the composer: here
  nesting is capped far above anything the configuration uses;
* aliases can expand a small file into millions of values: capped too.

Every problem is reported with the YAML path of the value, as the model's errors are.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import ValidationError
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .model import EstateConfig

MAX_FILE_CHARS = 1_000_000  # the reference configuration is about 7,000
MAX_DEPTH = 20  # the configuration nests six levels at most
MAX_VALUES = 100_000  # after aliases are expanded
MAX_NUMBER_CHARS = 40  # no setting needs a longer number; int() refuses past 4,300 digits
MAX_PROBLEMS_SHOWN = 50
MAX_PROBLEM_CHARS = 600

_TAG = "tag:yaml.org,2002:"
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.@+-]+")
# An item's role or name labels its index only when it reads as one: accounts[3] (regulated-us).
_PLAIN_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+ -]{0,59}")


class ConfigError(Exception):
    """A configuration problem, worded for the person who edits the YAML."""


def render_path(parts: list) -> str:
    """Render path parts (keys, list indexes, or (index, label) pairs) as loader messages do."""
    out = ""
    for part in parts:
        if isinstance(part, tuple):
            index, label = part
            out += f"[{index}] ({label})" if label else f"[{index}]"
        elif isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            key = str(part)
            if not _PLAIN_KEY.fullmatch(key):
                key = repr(key)  # a key such as ':' or '' or 'a b' would make the path unreadable
            out += ("." if out else "") + key
    return out or "(top level)"


def printable(text: str) -> str:
    """Show control and invisible characters (NUL, zero-width space, newline) as escapes."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class _Problem(Exception):
    def __init__(self, path: list, mark, message: str) -> None:
        super().__init__(message)
        self.path, self.mark, self.message = list(path), mark, message

    def render(self) -> str:
        line = f" (line {self.mark.line + 1})" if self.mark is not None else ""
        return printable(f"{render_path(self.path)}{line}: {self.message}")


def _part(parent, index) -> object:
    if isinstance(parent, SequenceNode) and isinstance(index, int):
        return index
    if isinstance(parent, MappingNode):
        if isinstance(index, ScalarNode):
            return index.value
        return "(key)" if index is None else "(complex key)"
    return None


class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses nesting deep enough to exhaust the composer's recursion."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._trail: list = []

    def compose_node(self, parent, index):
        # Only a list or mapping can nest further; aliases are checked when the tree is built.
        if parent is None or not self.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            return super().compose_node(parent, index)
        self._trail.append(_part(parent, index))
        try:
            if len(self._trail) > MAX_DEPTH:
                raise _Problem(
                    [p for p in self._trail if p is not None],
                    self.peek_event().start_mark,
                    f"nested more than {MAX_DEPTH} levels deep; the estate configuration is never that deep",
                )
            return super().compose_node(parent, index)
        finally:
            self._trail.pop()


def _label(node) -> str | None:
    """The role or name of a list item, so a path reads accounts[3] (regulated-us)."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.value in ("role", "name") and isinstance(value, ScalarNode):
                return value.value if _PLAIN_LABEL.fullmatch(value.value) else None
    return None


def _tag_name(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


class _Builder:
    """Turns the composed node tree into plain Python values, checking as it goes."""

    def __init__(self, loader: _Loader) -> None:
        self.loader = loader
        self.count = 0
        self.open: set[int] = set()

    def build(self, node, path: list):
        self.count += 1
        if self.count > MAX_VALUES:
            raise _Problem(path, node.start_mark, f"the file expands to more than {MAX_VALUES} values (through aliases?)")
        if len(path) > MAX_DEPTH:
            raise _Problem(path, node.start_mark, f"nested more than {MAX_DEPTH} levels deep (through aliases?)")
        if isinstance(node, ScalarNode):
            return self.scalar(node, path)
        if id(node) in self.open:
            raise _Problem(path, node.start_mark, "an alias (*name) here refers to a list or mapping that contains it")
        self.open.add(id(node))
        try:
            if isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
                return [self.build(item, [*path, (i, _label(item))]) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode) and node.tag == _TAG + "map":
                return self.mapping(node, path)
            raise _Problem(path, node.start_mark, f"the YAML tag {_tag_name(node.tag)} is not used in this file; remove it")
        finally:
            self.open.discard(id(node))

    def mapping(self, node: MappingNode, path: list) -> dict:
        own: dict[str, object] = {}
        lines: dict[str, int] = {}
        merged: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise _Problem(path, key_node.start_mark, "a key must be a plain name, not a list or a mapping")
            # Keys are names in this file, so each is taken as the text written: `on:` or `1:` is a
            # name, not a boolean or a number, and "1" and 1 are the same key.
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in lines:
                raise _Problem(
                    [*path, key],
                    key_node.start_mark,
                    f"'{key}' is given twice in the same mapping (lines {lines[key]} and {line}); "
                    "YAML would silently keep only the last one, so remove the one you do not mean",
                )
            lines[key] = line
            if key_node.tag == _TAG + "merge":
                for source in self.merge_sources(value_node, [*path, key]):
                    for name, value in source.items():
                        merged.setdefault(name, value)  # the first mapping listed wins, as YAML specifies
                continue
            own[key] = self.build(value_node, [*path, key])
        return {**merged, **own}

    def merge_sources(self, node, path: list) -> list[dict]:
        if isinstance(node, MappingNode):
            return [self.build(node, path)]
        if isinstance(node, SequenceNode) and all(isinstance(item, MappingNode) for item in node.value):
            return [self.build(item, [*path, i]) for i, item in enumerate(node.value)]
        raise _Problem(path, node.start_mark, "a merge key (<<) takes a mapping or a list of mappings")

    def scalar(self, node: ScalarNode, path: list):
        tag, text = node.tag, node.value
        if tag in (_TAG + "str", _TAG + "value", _TAG + "merge"):
            return text
        if tag == _TAG + "timestamp":
            # Passed on as written: a date field checks it (and names itself if it is 2026-02-30),
            # and a text field keeps what the file says.
            return text
        kinds = {
            _TAG + "null": ("null", yaml.SafeLoader.construct_yaml_null),
            _TAG + "bool": ("true or false", yaml.SafeLoader.construct_yaml_bool),
            _TAG + "int": ("whole number", yaml.SafeLoader.construct_yaml_int),
            _TAG + "float": ("number", yaml.SafeLoader.construct_yaml_float),
        }
        if tag not in kinds:
            raise _Problem(path, node.start_mark, f"the YAML tag {_tag_name(tag)} is not used in this file; remove it")
        kind, construct = kinds[tag]
        if kind.endswith("number") and len(text) > MAX_NUMBER_CHARS:
            raise _Problem(
                path,
                node.start_mark,
                f"a number {len(text)} characters long is far outside any setting's range; "
                "check the value (put it in quotes if it is text)",
            )
        try:
            return construct(self.loader, node)
        except (ValueError, KeyError, IndexError, TypeError, OverflowError, yaml.YAMLError):
            shown = text if len(text) <= 60 else text[:60] + "..."
            raise _Problem(path, node.start_mark, f"'{shown}' is not a valid {kind}") from None


def load_yaml(text: str, source: str, document: str = "estate configuration") -> object:
    """Parse one YAML document into plain values, or raise ConfigError naming the path and line."""
    if len(text) > MAX_FILE_CHARS:
        raise ConfigError(f"{source}: the file has {len(text)} characters; a {document} is far smaller than {MAX_FILE_CHARS}")
    loader = None
    try:
        loader = _Loader(text)  # the reader refuses control characters here, before parsing
        node = loader.get_single_node()
        return None if node is None else _Builder(loader).build(node, [])
    except _Problem as problem:
        raise ConfigError(f"{source}: 1 problem(s) in the {document}:\n  {problem.render()}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise ConfigError(
            f"{source}: not valid YAML at line {line}, column {column}: the character U+{code:04X} "
            "is not allowed in a YAML file; delete it (or, inside double quotes, write it as an escape such as \\u200b)"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        said = " ".join(filter(None, (getattr(exc, "context", None), getattr(exc, "problem", None)))) or str(exc)
        raise ConfigError(f"{source}: not valid YAML{where}: {printable(said)}") from None
    finally:
        if loader is not None:
            loader.dispose()


def _location(loc: tuple, data: object) -> str:
    """Render a pydantic location as a YAML path, naming accounts by role where possible."""
    parts: list = []
    node = data
    for item in loc:
        if isinstance(item, int) and not isinstance(item, bool):
            label = None
            if isinstance(node, list) and 0 <= item < len(node) and isinstance(node[item], dict):
                name = node[item].get("role") or node[item].get("name")
                if isinstance(name, str) and _PLAIN_LABEL.fullmatch(name):
                    label = name
            parts.append((item, label))
            node = node[item] if isinstance(node, list) and 0 <= item < len(node) else None
        else:
            parts.append(item)
            node = node.get(item) if isinstance(node, dict) else None
    return render_path(parts)


_TOP_LEVEL_FIELDS = tuple(EstateConfig.model_fields)


def _field_doc(loc: tuple) -> str | None:
    """The documentation of the field at ``loc`` (its description, with its example), for a missing setting."""
    model, field = EstateConfig, None
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(model, "model_fields", {})
        if part not in fields:
            return None
        field = fields[part]
        annotation = field.annotation
        model = next((a for a in getattr(annotation, "__args__", (annotation,)) if hasattr(a, "model_fields")), annotation)
    return field.description if field is not None else None


def _hint(error: dict) -> str:
    value = error.get("input")
    kind = error["type"]
    if isinstance(value, bool) and kind.endswith("_type"):
        fix = "put the value in quotes" if kind == "string_type" else "write a number"
        return f" (YAML read {str(value).lower()} here, as it reads true, false, yes, no, on and off; {fix})"
    if kind == "string_type" and isinstance(value, (int, float)):
        return " (YAML read a number here; put the value in quotes)"
    if kind in ("int_type", "float_type") and isinstance(value, str):
        return " (YAML read text here; write a plain number with a decimal point and no quotes, e.g. 0.0425 or 1.5e+2)"
    return ""


def _describe(error: dict, data: object) -> str:
    message = error["msg"].removeprefix("Value error, ")
    kind = error["type"]
    loc = error["loc"]
    if kind == "extra_forbidden":
        message = "unknown setting; check the spelling against config/reference.yaml"
    elif kind == "missing":
        message = "required setting is missing" + (f" ({doc})" if (doc := _field_doc(loc)) else "")
    elif len(loc) == 3 and loc[0] == "accounts" and loc[2] == "id":
        message = 'must be a 12-digit AWS account ID (digits 0-9) in quotes, e.g. "123456789012"'
    else:
        message += _hint(error)
    if not loc and message.split(":")[0].split(" ")[0].split(".")[0].split("[")[0] in _TOP_LEVEL_FIELDS:
        line = f"  {message}"  # an estate-wide check that already names its field
    else:
        line = f"  {_location(loc, data)}: {message}"
    line = printable(line)
    return line if len(line) <= MAX_PROBLEM_CHARS else line[: MAX_PROBLEM_CHARS - 3] + "..."


def _report(source: str, lines: list[str]) -> str:
    shown = lines[:MAX_PROBLEMS_SHOWN]
    if len(lines) > len(shown):
        shown.append(f"  ... and {len(lines) - len(shown)} more")
    return f"{source}: {len(lines)} problem(s) in the estate configuration:\n" + "\n".join(shown)


def parse_config(data: object, source: str = "<config>") -> EstateConfig:
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the file must be a YAML mapping (key: value), not {type(data).__name__}")
    try:
        return EstateConfig.model_validate(data)
    except ValidationError as exc:
        lines = [_describe(e, data) for e in exc.errors(include_url=False)]
        raise ConfigError(_report(source, lines)) from None
    except Exception as exc:  # noqa: BLE001 - the promise is a message, never a traceback
        # A check that fails in an unforeseen way is a defect of this product, not of the file;
        # say so plainly (tests/test_config_fuzz.py fails on this message) rather than crash.
        raise ConfigError(
            f"{source}: the configuration could not be checked ({type(exc).__name__}); this is a defect in "
            "the landing zone, not necessarily in the file - report it together with the file"
        ) from exc


def load_config_text(text: str, source: str = "<config>") -> EstateConfig:
    return parse_config(load_yaml(text, source), source)


def load_config(path: str | Path) -> EstateConfig:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file; pass -c config=<path to yaml> or use config/reference.yaml")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the config file ({exc})")
    return load_config_text(text, str(path))

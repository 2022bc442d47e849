"""Malformed configurations, generated: whatever the file holds, the answer is the estate or a
ConfigError that names where the problem is - never another exception, never a traceback.

The examples start from config/reference.yaml and change it the way people (and editors) do:
a value replaced by another YAML scalar, type, a huge number, unicode or a deep structure; raw
YAML tokens the dumper would never write (2026-02-30, !!int abc, 5,000 digits); keys dropped,
given twice or misspelt; list items repeated. Hypothesis runs derandomized, so CI sees the same
examples on every run.
"""

from __future__ import annotations

import copy
import re
import types
import typing
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from gxp_landing_zone.config import ConfigError, EstateConfig, load_config_text, parse_config
from gxp_landing_zone.config.loader import load_yaml, render_path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_TEXT = (ROOT / "config" / "reference.yaml").read_text()
REFERENCE = load_yaml(REFERENCE_TEXT, "reference.yaml")
FUZZ = settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _paths(node, path=()):
    """Every value's path in the reference, parents before children."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


def _get(data, path):
    for key in path:
        data = data[key]
    return data


PATHS = [p for p in _paths(REFERENCE) if p]
MAPPINGS = [p for p in _paths(REFERENCE) if isinstance(_get(REFERENCE, p), dict)]
LISTS = [p for p in PATHS if isinstance(_get(REFERENCE, p), list)]


INTERESTING_TEXT = [
    "", " ", "\x00", "\u200b", "\ufeff", "\n", "é", "٤٤٤٤٤٤٤٤٤٤٤٤", "１２３", "2026-02-30", "yes", "NO", "~", "null",
    "sthree", "xn--a", "amzn-s3-demo-x", "x" * 300, "*", "research\n", "90670000-aaaa-4bbb-8ccc-000000000001",
    "1234567890-90670000-aaaa-4bbb-8ccc-000000000002", "us-east-1", "eu-west-2", "regulated-us", "c6i", "ml.g5.2xlarge",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([0, 1, -1, 365, 3653, 10**12, 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([1e308, -0.0, 0.5, 1e-320]),
    st.text(max_size=20),
    st.sampled_from(INTERESTING_TEXT),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6) | st.sampled_from(["role", "name", "id"]), inner, max_size=3),
    max_leaves=6,
)
# Text the YAML dumper would never write, spliced in place of a value.
RAW_TOKENS = [
    "2026-02-30", "2026-13-01", "2026-11-01 25:61:00", "!!int abc", "!!float x", "!!bool maybe", "!!binary aGk=", "!!int ''",
    "!!timestamp nope", "!!set {a}", "!!omap [a: 1]", "!foo bar", "9" * 5000, "0x" + "f" * 5000, "-" + "9" * 4400, "1" * 30 + ".5",
    ".inf", "-.inf", ".nan", "1e308", "1.0e+308", "190:20:30", "0o17", "0b101", "0777", "yes", "off", "~", "=", "<<",
    "[" * 1000 + "]" * 1000, "{a: " * 500 + "1" + "}" * 500, "&x [*x]", "*undefined", '"\\0"', '"\\u200b"', "'multi\n  line'",
    "&a {<<: *a}", "{<<: 1}", "[a, [b, [c]]]", "? [a]\n  : b",
]
SENTINEL = "zz-sentinel-{}-zz"


def _dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)


@st.composite
def mutated(draw):
    """A YAML text derived from the reference, with a list of what was changed and where."""
    data = copy.deepcopy(REFERENCE)
    raw: dict[str, str] = {}
    changes: list[tuple[str, tuple, object]] = []
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        kind = draw(st.sampled_from(["replace", "replace", "raw", "drop", "duplicate-key", "unknown-key", "repeat-item"]))
        path = draw(st.sampled_from(PATHS))
        try:
            parent = _get(data, path[:-1])
            parent[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced it
        if not isinstance(parent, (dict, list)):
            continue
        if kind == "replace":
            value = draw(values)
            parent[path[-1]] = value
            changes.append((kind, path, value))
        elif kind == "raw":
            token = draw(st.sampled_from(RAW_TOKENS))
            marker = SENTINEL.format(len(raw))
            raw[marker] = token
            parent[path[-1]] = marker
            changes.append((kind, path, token))
        elif kind == "drop":
            del parent[path[-1]]
            changes.append((kind, path, None))
        elif kind in ("duplicate-key", "unknown-key"):
            mapping_path = draw(st.sampled_from(MAPPINGS))
            try:
                mapping = _get(data, mapping_path)
            except (KeyError, IndexError, TypeError):
                continue
            if not isinstance(mapping, dict) or not mapping:
                continue
            key = draw(st.sampled_from(sorted(map(str, mapping))))
            marker = SENTINEL.format(len(raw))
            # The dumper cannot write a key twice; a marker key is renamed in the text instead.
            raw[marker] = key if kind == "duplicate-key" else key + "x"
            mapping[marker] = draw(values)
            changes.append((kind, mapping_path, key))
        else:
            list_path = draw(st.sampled_from(LISTS))
            try:
                items = _get(data, list_path)
            except (KeyError, IndexError, TypeError):
                continue
            if isinstance(items, list) and items:
                items.append(copy.deepcopy(draw(st.sampled_from(items))))
                changes.append((kind, list_path, None))
    text = _dump(data)
    for marker, token in raw.items():
        text = text.replace(marker, token.replace("\n", "\n" + " " * 8) if "\n" in token else token)
    return text, data, changes


PROBLEM_LINE = re.compile(r"^  (?P<path>[^\s:][^:]*?)(?: \(line \d+\))?: \S")
# A key that is not a plain name is shown quoted in a path, e.g. organization.':'.
QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
YAML_SYNTAX = re.compile(r"^[^:]+: not valid YAML at line \d+, column \d+: \S")


def _check_message(message: str, text: str = "") -> None:
    """A ConfigError names a place: a path in the file for every problem, or a line for bad syntax."""
    assert "Traceback" not in message
    assert "could not be checked" not in message, message  # the last-resort net caught a defect
    if YAML_SYNTAX.match(message) or "the file must be a YAML mapping" in message:
        return
    header, *problems = message.splitlines()
    assert re.match(r"^fuzz\.yaml: \d+ problem\(s\) in the estate configuration:$", header), message
    assert problems, message
    for line in problems:
        if line.startswith("  ... and "):
            continue
        match = PROBLEM_LINE.match(QUOTED.sub("QUOTED", line))
        assert match, f"problem without a path: {line!r}\n{message}"
        path = match["path"]
        assert path != "(top level)", message
        head = re.split(r"[.\[ ]", path, maxsplit=1)[0]
        written = re.search(rf"^{re.escape(head)}\s*:", text, re.MULTILINE)
        assert head in EstateConfig.model_fields or head == "QUOTED" or written, f"{path!r} names no field\n{message}"


def _same_kind(a, b) -> bool:
    kinds = (bool, int, float, str, list, dict, type(None))
    kind = lambda v: next(k for k in kinds if isinstance(v, k) and (k is not int or not isinstance(v, bool)))  # noqa: E731
    return kind(a) is kind(b) or (isinstance(a, float) and type(b) is int)


@FUZZ
@given(mutated())
def test_any_mutation_of_the_reference_is_loaded_or_refused_by_field(case):
    text, data, changes = case
    try:
        load_config_text(text, "fuzz.yaml")
    except ConfigError as error:
        message = str(error)
        _check_message(message, text)
        # A value of the wrong type, alone, is reported exactly where it is.
        if len(changes) == 1 and changes[0][0] == "replace":
            _, path, value = changes[0]
            original = _get(REFERENCE, path)
            if value is not None and not _same_kind(original, value) and "given twice" not in message:
                plain = re.sub(r"\] \([^)]*\)", "]", message)
                assert render_path(list(path)) in plain, f"{render_path(list(path))} not named:\n{message}"


def _nested(empty, depth):
    node = copy.copy(empty)
    for _ in range(depth):
        node = [node] if isinstance(empty, list) else {"a": node}
    return node


@FUZZ
@given(st.data())
def test_any_python_value_in_place_of_a_setting_is_refused_cleanly(draw):
    """parse_config straight from Python data (as tests and tools call it): the same promise."""
    data = copy.deepcopy(REFERENCE)
    for _ in range(draw.draw(st.integers(min_value=1, max_value=3))):
        path = draw.draw(st.sampled_from(PATHS))
        try:
            parent = _get(data, path[:-1])
            odd = [b"bytes", (1, 2), {1, 2}, object(), {1: "x", None: 2}, 10**5000, _nested([], 500), _nested({}, 500)]
            parent[path[-1]] = draw.draw(values | st.sampled_from(odd))
        except (KeyError, IndexError, TypeError):
            continue
    try:
        parse_config(data, "fuzz.yaml")
    except ConfigError as error:
        _check_message(str(error))


# -- no field takes a boolean for a number -------------------------------------------------------


def _models(model: type[BaseModel], seen: set) -> list[type[BaseModel]]:
    if model in seen:
        return []
    seen.add(model)
    found = [model]
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                found += _models(annotation, seen)
            stack.extend(typing.get_args(annotation))
    return found


MODELS = _models(EstateConfig, set())


def _unwrap(annotation):
    """Strip Optional and Annotated, leaving the type a value must have."""
    while True:
        if typing.get_origin(annotation) is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(args) == 1:
            annotation = args[0]
            continue
        return annotation


def _boolean_probes(field_name: str, annotation) -> list[tuple[object, tuple]]:
    """(value, where its error must be) pairs that put a boolean where the field wants something else."""
    annotation = _unwrap(annotation)
    if annotation is bool:
        return []
    probes = [(True, (field_name,))]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and _unwrap(args[0]) is not bool:
        probes.append(([True], (field_name, 0)))
    if origin is dict and _unwrap(args[1]) is not bool:
        key_type = _unwrap(args[0])
        key = typing.get_args(key_type)[0] if typing.get_origin(key_type) is typing.Literal else "c6i"
        probes.append(({key: True}, (field_name, key)))
    return probes


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_no_setting_reads_a_boolean_as_a_number(model):
    """YAML's true is Python's 1; a field that takes it would turn `retention_years: true` into a year."""
    checked = 0
    for name, field in model.model_fields.items():
        for value, where in _boolean_probes(name, field.annotation):
            with pytest.raises(ValidationError) as caught:
                model.model_validate({name: value})
            locations = [tuple(e["loc"]) for e in caught.value.errors()]
            assert any(loc[: len(where)] == where for loc in locations), f"{model.__name__}.{name} took {value!r}"
            checked += 1
    assert checked or not model.model_fields

"""The JSON Schema of validation-package.json, shipped with the package and written beside it,
and a validator for the subset of JSON Schema (2020-12) the schema uses.

The subset is enough for this schema: type, enum, pattern, required, properties,
additionalProperties (boolean or schema), items, minItems, $ref to #/$defs. The project has no
jsonschema dependency; a keyword outside the subset is reported as an error rather than
silently ignored, so the schema cannot outgrow the validator unnoticed.
"""

from __future__ import annotations

import re

from ..statuses import STATUSES

_STR = {"type": "string"}
_STRS = {"type": "array", "items": _STR}
_NSTR = {"type": ["string", "null"]}


def _obj(props: dict, required: tuple | None = None, extra: bool | dict = False) -> dict:
    return {
        "type": "object",
        "properties": props,
        "required": list(props if required is None else required),
        "additionalProperties": extra,
    }


_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}
_ANY_OBJ = {"type": "object"}
_NOBJ = {"type": ["object", "null"]}


def _steps() -> dict:
    return {"type": "array", "minItems": 1, "items": _obj({"action": _STR, "expected": _STR})}


def _file_row() -> dict:
    return _obj({"file": _STR, "account_role": _NSTR, "region": _NSTR, "protocol_sha256": _NSTR, "seal": _STR,
                 "signed_by": _NSTR, "signed_at": _NSTR, "entries": _INT})


SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "validation-package.schema.json",
    "title": "Computer-system-validation package of a GxP landing zone",
    "$defs": {
        "clauses": {"type": "object", "additionalProperties": _STRS},
        "status": {"type": "string", "enum": list(STATUSES)},
        "document": _obj({
            "id": {"type": "string", "pattern": "^[A-Z0-9]+-GLZ-[A-Z]+$"}, "code": _STR, "stem": _STR, "title": _STR,
            "purpose": _STR, "version": _STR, "status": {"type": "string", "enum": ["draft", "in review", "approved"]},
            "history": {"type": "array", "minItems": 1, "items": _obj({"version": _STR, "date": _STR, "author": _STR,
                                                                     "change": _STR})},
            "commit": _STR, "commit_state": _STR, "config": _STR, "config_sha256": _STR, "generated_at": _STR,
            "protocol_sha256": _NSTR,
        }),
        "user_need": _obj({
            "id": {"type": "string", "pattern": "^UR-[0-9]+$"}, "user": _STR, "need": _STR, "controls": _STRS,
            "requirements": _STRS,
            "tests": _obj({"iq": _STRS, "oq": _STRS, "pq": _STRS, "uat": _STRS}),
            "risk": {"type": "string", "enum": ["high", "medium", "low"]},
            "results": {"type": "object", "additionalProperties": _STR},
        }),
        "requirement": _obj({
            "id": {"type": "string", "pattern": "^FS-[A-Z0-9-]+$"},
            "control": {"type": "string", "pattern": "^GXP-[A-Z0-9-]+$"},
            "title": _STR, "requirement": _STR, "user_needs": _STRS, "clauses": {"$ref": "#/$defs/clauses"},
            "operational": _STR, "evidence_level": {"type": "string", "enum": ["qualified", "synthesis", "none"]},
            "config_rule": _NSTR, "verified_by": _obj({"synthesis": _STR, "iq": _NSTR, "oq": _STRS}),
        }),
        "matrix_row": _obj({
            "key": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"},
            "framework": _STR, "clause": _STR, "clause_title": _STR,
            "kind": {"type": "string", "enum": ["technical", "shared", "procedural"]},
            "status": {"$ref": "#/$defs/status"}, "status_reason": _STR,
            "customer_part": {"type": ["string", "null"], "enum": ["open", "recorded", None]},
            "requirements": _STRS, "controls": _STRS, "rationales": {"type": "object", "additionalProperties": _STR},
            "documents": _STRS, "rules": _STRS, "iq_tests": _STRS, "oq_tests": _STRS, "exceptions": _STRS,
        }),
        "iq_test": _obj({
            "id": {"type": "string", "pattern": "^IQ-[A-Z0-9-]+$"}, "requirement": _STR, "control": _STR, "title": _STR,
            "method": {"type": "string", "enum": ["iq-runner"]}, "check": _STR, "config_rule": _NSTR,
            "accounts": _STRS, "regions": _STRS, "targets": _STRS, "steps": {"type": "array", "items": _STR, "minItems": 1},
            "expected": _STR, "acceptance": _STR,
        }),
        "oq_test": _obj({
            "id": {"type": "string", "pattern": "^OQ-[A-Z0-9-]+$"}, "title": _STR, "controls": _STRS,
            "requirements": _STRS, "applicable": _BOOL,
            # true: the OQ runner (python -m gxp_landing_zone.validation.oq) executes it; false: by hand.
            "automated": _BOOL, "preconditions": _STR, "steps": _steps(), "acceptance": _STR,
            "not_applicable_reason": _STR,
        }),
        "pq_test": _obj({
            "id": {"type": "string", "pattern": "^PQ-[0-9]+$"}, "title": _STR, "requirements": _STRS, "load": _STR,
            "preconditions": _STR, "steps": _steps(),
            "acceptance": _STR,
        }),
        "uat_script": _obj({"id": {"type": "string", "pattern": "^UAT-[0-9]+$"}, "title": _STR, "user": _STR,
                            "requirements": _STRS, "steps": _steps()}),
        "executed": _obj({
            "files": {"type": "array", "items": _file_row()},
            "tests": {"type": "array", "items": _obj({
                "id": _STR, "control": _STR,
                "verdict": {"type": "string", "enum": ["pass", "fail", "incomplete", "not executed"]},
                "missing_targets": _STRS,
                "results": {"type": "array", "items": _obj({
                    "file": _STR, "target": _STR, "resource": _STR, "expected": _STR, "observed": _STR, "passed": _BOOL,
                    "checked_at": _STR, "caller": _STR,
                })},
            })},
            "unmatched_controls": _STRS,
            "summary": {"type": "object", "additionalProperties": _INT},
        }),
        "executed_oq": _obj({
            "files": {"type": "array", "items": _file_row()},
            "tests": {"type": "array", "items": _obj({
                "id": {"type": "string", "pattern": "^OQ-[A-Z0-9-]+$"}, "automated": _BOOL,
                "verdict": {"$ref": "#/$defs/oq_verdict"}, "steps": {"type": "array", "items": {"$ref": "#/$defs/oq_step"}},
            })},
            "unmatched_tests": _STRS,
            "test_data": {"type": "array", "items": {"$ref": "#/$defs/oq_step"}},
            "summary": {"type": "object", "additionalProperties": _INT},
        }),
        "oq_verdict": {"type": "string", "enum": ["pass", "fail", "not executed", "manual"]},
        "oq_step": _obj({
            "file": _STR, "step": _STR,
            "kind": {"type": "string", "enum": ["step", "restore", "clean-up", "test data"]},
            "action": _STR, "resource": _STR, "expected": _STR, "observed": _STR,
            "outcome": {"type": "string", "enum": ["pass", "fail", "not executed", "manual", "test data"]},
            "checked_at": _STR, "caller": _STR,
        }),
        "exception": _obj({
            "id": {"type": "string", "pattern": "^DEV-[A-Z0-9-]+$"}, "reason": _STR, "assessed": _BOOL,
            "risk": {"type": "string", "enum": ["high", "medium", "low", "not assessed"]}, "risk_rationale": _STR,
            "compensating": _STR, "rules": _STRS, "packs": _STRS, "clauses": {"$ref": "#/$defs/clauses"},
            "resources": {"type": "array", "minItems": 1, "items": _obj({"stack": _STR, "logical_id": _STR, "type": _STR})},
            "rows": _INT, "approval": {"anyOf": [{"type": "null"}, _obj({"id": _STR, "approved_by": _STR, "date": _STR})]},
        }),
        "deviation": _obj({
            "rule_id": _STR, "pack": _STR, "stack": _STR, "logical_id": _STR,
            "resource_type": _STR, "path": _STR, "reason": _STR,
        }),
        "finding": _obj({"rule_id": _STR, "pack": _STR, "severity": _STR, "description": _STR, "path": _STR,
                         "stack": _STR, "logical_id": _STR, "clauses": _ANY_OBJ}),
        "customer_row": _obj({
            "framework": _STR, "clause": _STR, "title": _STR, "kind": {"type": "string", "enum": ["shared", "procedural"]},
            "share": _STR, "controls": _STRS, "documents": _STRS, "evidence": _STR, "recorded": _NOBJ,
        }),
        "change_step": _obj({"step": _INT, "name": _STR, "who": _STR, "how": _STR, "record": _STR}),
    },
    **_obj({
        "schema_version": {"type": "string", "enum": ["2.0"]},
        "estate": _STR,
        "generated_at": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"},
        "documents": {"type": "object", "additionalProperties": {"$ref": "#/$defs/document"}},
        "record_key": {"anyOf": [{"type": "null"}, _obj({"fingerprint": _STR, "pem": _STR})]},
        "frameworks": {"type": "array", "minItems": 1, "items": _obj({
            "id": _STR, "title": _STR, "edition": _STR, "regime": _STR, "label": _STR,
            "summary": {"type": "object", "additionalProperties": _INT},
        })},
        "regimes": {"type": "array", "items": _obj({"account": _STR, "id": _STR, "regimes": _STRS, "packs": _STRS})},
        "risk": _obj({
            "components": {"type": "array", "minItems": 1, "items": _obj({
                "name": _STR, "category": {"type": "integer", "enum": [1, 3, 4, 5]}, "why": _STR, "verified_by": _STR,
                "stacks": _STRS})},
            "fmea": {"type": "array", "minItems": 1, "items": _obj({
                "requirement": _STR, "failure": _STR, "severity": _INT, "occurrence": _INT, "detectability": _INT,
                "priority": _INT, "risk": _STR, "depth": _STR, "gaps": _STRS})},
        }),
        "user_needs": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/user_need"}},
        "requirements": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/requirement"}},
        "matrix": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/matrix_row"}},
        "document_credits": {"type": "array", "items": _obj({"framework": _STR, "clause": _STR, "documents": _STRS,
                                                             "rationale": _STR})},
        "iq_protocol": {"type": "array", "items": {"$ref": "#/$defs/iq_test"}},
        "oq_protocol": {"type": "array", "items": {"$ref": "#/$defs/oq_test"}},
        "pq_protocol": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/pq_test"}},
        "uat_scripts": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/uat_script"}},
        "protocol_hashes": {"type": "object", "additionalProperties": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
        "executed": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/executed"}]},
        "executed_oq": {"anyOf": [{"type": "null"}, {"$ref": "#/$defs/executed_oq"}]},
        "controls_without_deployed_check": _STRS,
        "operational_controls": _STRS,
        "exceptions": {"type": "array", "items": {"$ref": "#/$defs/exception"}},
        "deviations": {"type": "array", "items": {"$ref": "#/$defs/deviation"}},
        "qualification_deviations": {"type": "array", "items": _ANY_OBJ},
        "findings": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
        "customer_responsibilities": {"type": "array", "items": {"$ref": "#/$defs/customer_row"}},
        "change_control": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/change_step"}},
        "summary_report": _obj({"open_items": _STRS, "released": _BOOL, "conclusion": _STR}),
    }),
}

_TYPES = {
    "object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
    "integer": int, "number": (int, float),
}
_ANNOTATIONS = {"$schema", "$id", "$defs", "title", "description"}
_KEYWORDS = {"type", "enum", "pattern", "required", "properties", "additionalProperties", "items", "minItems",
             "$ref", "anyOf"} | _ANNOTATIONS


def _is(value, type_name: str) -> bool:
    # bool is an int in Python, never in JSON.
    if type_name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPES[type_name])


def validate(instance, schema: dict = SCHEMA) -> list[str]:
    """Every violation as 'path: problem'; empty when the instance is valid."""
    errors: list[str] = []
    _check(instance, schema, schema, "$", errors)
    return errors


def _check(value, node: dict, root: dict, path: str, errors: list[str]) -> None:
    if unknown := set(node) - _KEYWORDS:
        errors.append(f"{path}: schema keyword(s) {sorted(unknown)} not supported by this validator")
        return
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        _check(value, root["$defs"][name], root, path, errors)
        return
    if "anyOf" in node:
        if not any(not validate_sub(value, sub, root, path) for sub in node["anyOf"]):
            errors.append(f"{path}: matches none of the allowed forms")
        return
    if "type" in node:
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if not any(_is(value, t) for t in types):
            errors.append(f"{path}: expected {' or '.join(types)}, got {type(value).__name__}")
            return
    if "enum" in node and value not in node["enum"]:
        errors.append(f"{path}: {value!r} is not one of {node['enum']}")
    if "pattern" in node and isinstance(value, str) and not re.search(node["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {node['pattern']}")
    if isinstance(value, dict):
        props = node.get("properties", {})
        errors.extend(f"{path}: missing {key}" for key in node.get("required", ()) if key not in value)
        extra = node.get("additionalProperties", True)
        for key, item in value.items():
            if key in props:
                _check(item, props[key], root, f"{path}.{key}", errors)
            elif extra is False:
                errors.append(f"{path}: unexpected key {key}")
            elif isinstance(extra, dict):
                _check(item, extra, root, f"{path}.{key}", errors)
    if isinstance(value, list):
        if len(value) < node.get("minItems", 0):
            errors.append(f"{path}: fewer than {node['minItems']} items")
        if "items" in node:
            for i, item in enumerate(value):
                _check(item, node["items"], root, f"{path}[{i}]", errors)


def validate_sub(value, node: dict, root: dict, path: str) -> list[str]:
    errors: list[str] = []
    _check(value, node, root, path, errors)
    return errors

"""The signatures section: defaults load, and a malformed section gives one clean message
naming the field and the fix, never a traceback."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from config_cases import assert_refused
import yaml

from gxp_landing_zone.config import parse_config
from gxp_landing_zone.config.signatures import DEFAULT_MEANINGS

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = yaml.safe_load((ROOT / "config" / "reference.yaml").read_text())


def _sig(data):
    return data["signatures"]


def _set(key, value):
    return lambda d: _sig(d).__setitem__(key, value)


def _class(name, key, value):
    return lambda d: _sig(d)["record_classes"][name].__setitem__(key, value)


# (name, mutation, words the message must contain)
MALFORMED = [
    ("window too short", _set("auth_window_seconds", 5), ["signatures.auth_window_seconds", "5 s is outside 30..900", "11.200(a)(1)"]),
    ("window of an hour", _set("auth_window_seconds", 3600), ["signatures.auth_window_seconds", "outside 30..900"]),
    ("window as text", _set("auth_window_seconds", "five minutes"), ["signatures.auth_window_seconds"]),
    ("no meanings", _set("meanings", []), ["signatures.meanings"]),
    ("meaning with spaces", _set("meanings", ["review", "Final Approval"]), ["meaning 'Final Approval'", "lower-case"]),
    ("meaning listed twice", _set("meanings", ["review", "review", "approval"]), ["signatures.meanings", "listed twice"]),
    ("misspelt setting", _set("auth_window", 300), ["signatures.auth_window: unknown setting"]),
    (
        "unknown meaning granted",
        lambda d: _sig(d)["record_classes"]["batch-record"]["signers"].__setitem__("qa-reviewers", ["reveiw"]),
        ["record_classes.batch-record.signers.qa-reviewers", "unknown meaning reveiw", "signatures.meanings"],
    ),
    (
        "meaning removed but still granted",
        _set("meanings", ["review", "approval", "authorship", "batch-release"]),
        ["record_classes.ind-module.signers.regulatory-leads", "unknown meaning responsibility"],
    ),
    ("unknown data class", _class("batch-record", "data_class", "batch-data"), ["signatures.record_classes.batch-record.data_class", "'batch-data' is not in data_classes"]),
    ("no signers", _class("batch-record", "signers", {}), ["record_classes.batch-record.signers"]),
    ("signers missing", lambda d: _sig(d)["record_classes"]["ind-module"].pop("signers"), ["record_classes.ind-module.signers: required setting is missing"]),
    ("group with no meanings", _class("batch-record", "signers", {"qa-reviewers": []}), ["group 'qa-reviewers' lists no meanings"]),
    ("group name with spaces", _class("batch-record", "signers", {"QA reviewers": ["review"]}), ["group 'QA reviewers' is not a valid user-pool group name"]),
    ("meaning granted twice", _class("batch-record", "signers", {"qa-reviewers": ["review", "review"]}), ["group 'qa-reviewers' lists a meaning twice"]),
    ("sequence of one", _class("batch-record", "sequence", ["approval"]), ["record_classes.batch-record.sequence", "at least two meanings"]),
    ("sequence repeats", _class("batch-record", "sequence", ["review", "approval", "review"]), ["appears twice in the sequence"]),
    ("sequence with unknown meaning", _class("batch-record", "sequence", ["review", "release"]), ["record_classes.batch-record.sequence: unknown meaning release"]),
    (
        "sequence nobody can complete",
        _class("batch-record", "sequence", ["review", "approval", "responsibility"]),
        ["record_classes.batch-record.sequence", "no group in signers may sign 'responsibility'"],
    ),
    ("key prefix without slash", _class("batch-record", "key_prefix", "batch-records"), ["record_classes.batch-record.key_prefix", "ending in '/'"]),
    ("key prefix from the root", _class("batch-record", "key_prefix", "/batch/"), ["key_prefix", "is not a key prefix"]),
    (
        "two classes, same records",
        _class("deviation", "key_prefix", "batch-records/"),
        ["signatures.record_classes.deviation", "same records as record class 'batch-record'"],
    ),
    ("record class name in capitals", lambda d: _sig(d)["record_classes"].__setitem__("Batch", _sig(d)["record_classes"].pop("batch-record")), ["record class 'Batch'"]),
    ("unknown record class setting", _class("ind-module", "approvers", ["x"]), ["record_classes.ind-module.approvers: unknown setting"]),
    ("signatures as a list", lambda d: d.__setitem__("signatures", ["review"]), ["signatures"]),
    ("window as true", _set("auth_window_seconds", True), ["signatures.auth_window_seconds", "YAML read true"]),
    (
        "batch release granted beyond the qualified persons",
        lambda d: _sig(d)["record_classes"]["batch-record"]["signers"].__setitem__("qa-approvers", ["approval", "batch-release"]),
        ["record_classes.batch-record.signers.qa-approvers", "'batch-release' is reserved to qualified-persons"],
    ),
    ("restricted meaning unknown", _set("restricted_meanings", {"release": ["qualified-persons"]}),
     ["restricted_meanings.release: unknown meaning release"]),
    ("restricted meaning without groups", _set("restricted_meanings", {"batch-release": []}),
     ["restricted_meanings.batch-release", "at least one group"]),
    ("restricted to a malformed group", _set("restricted_meanings", {"batch-release": ["Q P"]}),
     ["restricted_meanings.batch-release", "group 'Q P' is not a valid user-pool group name"]),
    ("same person as text", _class("batch-record", "same_person_may_sign", "yes"), ["batch-record.same_person_may_sign"]),
    ("unsealed-before not a date", _set("unsealed_before", "last winter"), ["signatures.unsealed_before", "YYYY-MM-DD"]),
    ("meaning with a trailing newline", _set("meanings", ["review\n", "approval"]), ["meaning 'review\\n'"]),
    ("group with a trailing newline", _class("batch-record", "signers", {"qa\n": ["review"]}), ["group 'qa\\n' is not a valid user-pool group name"]),
    ("key prefix with a trailing newline", _class("batch-record", "key_prefix", "batch-records/\n"), ["is not a key prefix"]),
]


@pytest.mark.parametrize("name,mutate,expected", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_signatures_name_the_field(name, mutate, expected):
    assert_refused(REFERENCE, mutate, expected)


def test_section_is_optional_and_defaults_to_no_authority():
    data = copy.deepcopy(REFERENCE)
    del data["signatures"]
    del data["genai"]  # its release criteria name a record class of the signatures section
    del data["ml"]["record_class"]  # so do the model versions' (without it, no approval is gated)
    config = parse_config(data)
    assert tuple(config.signatures.meanings) == DEFAULT_MEANINGS
    assert config.signatures.auth_window_seconds == 300
    assert config.signatures.record_classes == {}


def test_reference_policy(reference_config):
    signatures = reference_config.signatures
    assert signatures.record_classes["batch-record"].sequence == ["review", "approval", "batch-release"]
    assert "qa-approvers" in signatures.groups()
    # Annex 11 15: batch release is reserved to the Qualified Persons, and they are a user-pool group.
    assert signatures.restricted_meanings == {"batch-release": ["qualified-persons"]}
    assert "qualified-persons" in signatures.groups()
    assert not any(rc.same_person_may_sign for rc in signatures.record_classes.values())

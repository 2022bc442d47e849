"""Every change to the regulated boundary shows up in review as a snapshot diff, one test per stack so
every changed stack is reported, not just the first (`pytest --snapshot-update` records an intended
change). Nothing is masked: synthesis is deterministic, so an asset hash that changes means the code
deployed with the stack changed. Beside each template: its file and image assets (what code ships
with it) and its acknowledgements (which exceptions were accepted, and why)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from gxp_landing_zone.config import load_config
from gxp_landing_zone.topology import stack_names

REFERENCE = load_config(Path(__file__).resolve().parent.parent / "config" / "reference.yaml")
STACKS = sorted(
    name for account in REFERENCE.accounts for region in REFERENCE.allowed_regions
    for name in stack_names(REFERENCE, account, region)
)


def assets(outdir: Path, stack: str) -> list[dict]:
    manifest = json.loads((outdir / f"{stack}.assets.json").read_text())
    found = [
        {"hash": asset_hash, "source": entry.get("displayName", ""), "packaging": entry["source"].get("packaging", "")}
        for asset_hash, entry in manifest.get("files", {}).items()
        # The template itself is the snapshot's own subject.
        if entry["source"].get("path") != f"{stack}.template.json"
    ]
    found += [
        {"hash": asset_hash, "source": entry.get("displayName", ""), "packaging": "container-image"}
        for asset_hash, entry in manifest.get("dockerImages", {}).items()
    ]
    return sorted(found, key=lambda a: a["source"])


def acknowledgements(outdir: Path, stack: str) -> dict:
    metadata = json.loads((outdir / f"{stack}.metadata.json").read_text())
    found: dict[str, dict[str, str]] = {}
    for path, entries in sorted(metadata.items()):
        for entry in entries:
            if entry["type"] == "aws:cdk:acknowledged-rules":
                found.setdefault(path, {}).update(entry["data"])
    return found


@pytest.fixture
def json_snapshot(snapshot):
    return snapshot.use_extension(JSONSnapshotExtension)


def test_every_stack_is_snapshotted(templates):
    assert sorted(templates) == STACKS


@pytest.mark.parametrize("stack", STACKS)
def test_stack_snapshot(stack, templates, synthesized, json_snapshot):
    outdir = synthesized.outdir
    assert {
        "template": templates[stack],
        "assets": assets(outdir, stack),
        "acknowledgements": acknowledgements(outdir, stack),
    } == json_snapshot

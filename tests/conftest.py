"""Shared fixtures. The reference estate is synthesized once per session (jsii start-up and
synthesis dominate the suite's time) and every test that needs templates reads that one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
_NODE22 = Path(__file__).resolve().parent.parent / "node_modules" / ".bin" / "node"
if _NODE22.exists():
    os.environ.setdefault("JSII_NODE", str(_NODE22))

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_CONFIG = ROOT / "config" / "reference.yaml"


@pytest.fixture(scope="session")
def reference_config():
    from gxp_landing_zone.config import load_config

    return load_config(REFERENCE_CONFIG)


@pytest.fixture(scope="session")
def synthesized(reference_config, tmp_path_factory):
    """The reference estate, synthesized with every pack attached, and its report written."""
    from gxp_landing_zone.synthesis import synthesize, write_compliance_report

    outdir = tmp_path_factory.mktemp("cdk.out")
    result = synthesize(reference_config, outdir)
    result.report_files = write_compliance_report(result, reference_config, outdir)
    result.outdir = outdir
    return result


@pytest.fixture(scope="session")
def templates(synthesized):
    import json

    return {
        p.name.removesuffix(".template.json"): json.loads(p.read_text())
        for p in sorted(synthesized.outdir.glob("*.template.json"))
    }

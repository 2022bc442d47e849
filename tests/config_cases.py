"""Shared check for the malformed-config tables in tests/test_config*.py."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from gxp_landing_zone.config import ConfigError, parse_config


def assert_refused(reference: dict, mutate: Callable[[dict], object], expected: list[str]) -> None:
    """Apply ``mutate`` to a copy of the reference config: it must be refused with every expected phrase."""
    data = copy.deepcopy(reference)
    mutate(data)
    with pytest.raises(ConfigError) as caught:
        parse_config(data, "estate.yaml")
    message = str(caught.value)
    for words in expected:
        assert words in message, message
    assert "Traceback" not in message


ROOT = Path(__file__).resolve().parent.parent


def run_app(config_path: Path, outdir: Path) -> subprocess.CompletedProcess:
    """`python app.py` as the CDK CLI runs it, with the config passed as CLI context."""
    return subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "CDK_CONTEXT_JSON": f'{{"config": "{config_path}"}}', "CDK_OUTDIR": str(outdir)},
        capture_output=True,
        text=True,
        timeout=120,
    )

"""Shared check for the malformed-config tables in tests/test_config*.py."""

from __future__ import annotations

import copy
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

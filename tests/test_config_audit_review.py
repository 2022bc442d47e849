"""The audit-trail review section: how often a report is produced and how many rows of a query it lists. Every
refusal names the field; the default is a weekly review."""

from __future__ import annotations

import copy

import pytest
from config_cases import assert_refused
from test_config import REFERENCE

from gxp_landing_zone.config import parse_config


def _review(key, value):
    return lambda d: d.setdefault("audit_review", {}).__setitem__(key, value)


MALFORMED = [
    ("no period", _review("period_days", 0), ["audit_review.period_days", "outside 1..31", "e.g. 7 for weekly"]),
    ("a quarter", _review("period_days", 92), ["audit_review.period_days", "92 days is outside 1..31"]),
    ("negative period", _review("period_days", -7), ["audit_review.period_days", "outside 1..31"]),
    ("period as true", _review("period_days", True), ["audit_review.period_days"]),
    ("period as text", _review("period_days", "weekly"), ["audit_review.period_days"]),
    ("too few rows", _review("rows_per_query", 0), ["audit_review.rows_per_query", "outside 10..5000"]),
    ("misspelt setting", _review("period", 7), ["audit_review.period: unknown setting"]),
]


@pytest.mark.parametrize("name,mutate,expected", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_malformed_review_config_names_the_field(name, mutate, expected):
    assert_refused(REFERENCE, mutate, expected)


def test_the_review_is_weekly_unless_configured():
    data = copy.deepcopy(REFERENCE)
    data.pop("audit_review", None)
    config = parse_config(data, "estate.yaml")
    assert config.audit_review.period_days == 7 and config.audit_review.rate_expression() == "rate(7 days)"


@pytest.mark.parametrize("days,expression", [(1, "rate(1 day)"), (14, "rate(14 days)"), (31, "rate(31 days)")])
def test_the_schedule_says_the_period_as_eventbridge_scheduler_reads_it(days, expression):
    data = copy.deepcopy(REFERENCE)
    data["audit_review"] = {"period_days": days}
    assert parse_config(data, "estate.yaml").audit_review.rate_expression() == expression

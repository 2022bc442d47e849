"""GXP-REV-01: saved audit-trail review queries for every data class in an enforced, encrypted workgroup."""

from __future__ import annotations

import pytest

from controls.support import Channels, assert_channel_caught, channel_cases, fired, properties, resources_of, variant
from gxp_landing_zone.constructs import trail_review
from gxp_landing_zone.stacks.audit import AuditStack

CONTROL = "GXP-REV-01"
AUDIT = "Audit-audit-us-east-1"


def workgroup(template: dict) -> dict:
    return properties(template, "AWS::Athena::WorkGroup")


def query(template: dict, name: str) -> dict:
    return next(r["Properties"] for r in resources_of(template, "AWS::Athena::NamedQuery") if r["Properties"]["Name"] == name)


def drop_query(name: str):
    def edit(template):
        resources = template["Resources"]
        (lid,) = [k for k, r in resources.items() if r["Type"] == "AWS::Athena::NamedQuery" and r["Properties"]["Name"] == name]
        del resources[lid]

    return edit


def test_compliant(reference, ctx):
    assert CONTROL not in fired(reference[AUDIT], ctx)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(drop_query("submission-archive: attempted deletions"), id="a-class-without-a-deletion-review"),
        pytest.param(lambda t: query(t, "raw-lab-data: changes").update(
            QueryString=query(t, "raw-lab-data: changes")["QueryString"].replace("'PutObjectRetention', ", "")),
            id="retention-changes-not-reviewed"),
        pytest.param(lambda t: query(t, "analytical-results: lock and policy changes").update(
            QueryString=query(t, "analytical-results: lock and policy changes")["QueryString"].replace(
                "analytical-results", "analytical")), id="another-class-reviewed"),
        pytest.param(lambda t: query(t, "raw-lab-data: reads by unusual principals").update(WorkGroup="primary"),
                     id="query-in-another-workgroup"),
        pytest.param(lambda t: workgroup(t)["WorkGroupConfiguration"].update(EnforceWorkGroupConfiguration=False),
                     id="settings-not-enforced"),
        pytest.param(lambda t: workgroup(t)["WorkGroupConfiguration"].pop("ManagedQueryResultsConfiguration"),
                     id="results-unencrypted"),
        pytest.param(lambda t: query(t, "raw-lab-data: changes").update(QueryString={"Fn::ImportValue": "ReviewSql"}),
                     id="unprovable-query"),
    ],
)
def test_non_compliant(reference, ctx, edit):
    assert fired(variant(reference[AUDIT], edit), ctx) == {CONTROL}


def build(app, config):
    return AuditStack(app, config=config, account=config.audit, region=config.home_region)


original = trail_review.queries


def _without_deletions(table, data_class):
    # trail_review.py edited so no deletion review is saved.
    found = original(table, data_class)
    found.pop("attempted deletions")
    return found


def _changes(stack):
    return next(q for q in stack.review.queries if q.name == "raw-lab-data: changes")


CHANNELS = Channels(
    build=build,
    construct=lambda mp: mp.setattr(trail_review, "queries", _without_deletions),
    l1=lambda stack: setattr(_changes(stack), "query_string", "SELECT 1"),
    overrides=(
        lambda stack: stack.review.workgroup.add_property_override(
            "WorkGroupConfiguration.EnforceWorkGroupConfiguration", False),
        lambda stack: _changes(stack).add_override("Properties.WorkGroup", "primary"),
        lambda stack: stack.review.workgroup.add_deletion_override(
            "Properties.WorkGroupConfiguration.ManagedQueryResultsConfiguration"),
    ),
)


@pytest.mark.parametrize("kind,change", channel_cases(CHANNELS))
def test_weakening_through_every_channel_is_caught(kind, change, reference_config, ctx, monkeypatch):
    assert_channel_caught(CONTROL, CHANNELS, kind, change, reference_config, ctx, monkeypatch)

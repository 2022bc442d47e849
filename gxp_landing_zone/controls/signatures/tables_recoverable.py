"""GXP-DDB-01: DynamoDB tables (the signature ledger) can be restored and cannot be deleted by a call."""

from __future__ import annotations

from ..deployed.dynamodb import estate_tables
from ..model import Control, all_of, expect_true
from ._service import service_check


def check(table, ctx):
    return all_of(
        expect_true(table, "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled"),
        expect_true(table, "DeletionProtectionEnabled"),
    )


CONTROL = Control(
    id="GXP-DDB-01",
    title="Tables recoverable and protected from deletion",
    statement="DynamoDB tables, the signature ledger among them, have point-in-time recovery and deletion protection on.",
    part11={
        "11.10(c)": "Ledger entries can be restored to any second of the recovery window, and the table cannot be deleted by an API call.",
        "11.70": "The ledger that links each signature to its record version survives an overwrite or a deletion attempt.",
        "11.10(e)": "The ledger of signing actions cannot be removed, and an overwritten entry can be recovered.",
    },
    annex11={
        "7.1": "Data is secured against loss: deleting the table needs the protection switched off first.",
        "7.2": "Continuous back-ups allow a restore to any point in the recovery window.",
        "14": "The permanent link between signature and record is protected against loss.",
    },
    jp_eres={
        "3.1.3": "Preservation: the ledger survives accidental and deliberate deletion.",
        "4": "Signature-record linking is kept in a table that can be restored.",
    },
    resource_types=("AWS::DynamoDB::Table",),
    check=check,
    deployed=service_check(estate_tables),
    config_rule="DYNAMODB_PITR_ENABLED",
)

"""GXP-DDB-02: DynamoDB tables are encrypted with a customer-managed KMS key."""

from __future__ import annotations

from ..cfn import Ref, Unresolved
from ..deployed.dynamodb import estate_tables
from ..model import Control, all_of, cannot_prove, compliant, expect, expect_true, non_compliant
from ._service import service_check

KEY = "SSESpecification.KMSMasterKeyId"


def _customer_key(table):
    key = table.get(KEY)
    if isinstance(key, Unresolved):
        return cannot_prove(f"{KEY}: {key.why}")
    if key is None:
        return non_compliant(f"{KEY} is not set: the table uses the AWS managed key")
    if isinstance(key, Ref):
        target = table.stack.target(key, "AWS::KMS::Key")
        if target is not None:
            return compliant(f"{KEY} is the customer-managed key {target.logical_id}")
        return non_compliant(f"{KEY} is {key}, not a KMS key of this stack")
    if isinstance(key, str) and (key.startswith("alias/aws/") or ":alias/aws/" in key):
        return non_compliant(f"{KEY} is {key}, an AWS managed key")
    # A literal key from elsewhere may be customer-managed; only the account can say.
    return cannot_prove(f"{KEY} is {key}, a key this template does not define")


def check(table, ctx):
    # KMS is the only SSEType DynamoDB offers, and what it uses when SSE is on and the type unstated.
    kind = table.get("SSESpecification.SSEType")
    return all_of(
        expect_true(table, "SSESpecification.SSEEnabled"),
        expect("KMS" if kind is None else kind, "KMS", "SSESpecification.SSEType"),
        _customer_key(table),
    )


CONTROL = Control(
    id="GXP-DDB-02",
    title="Tables encrypted with a customer-managed key",
    statement=(
        "DynamoDB tables are encrypted at rest with a customer-managed KMS key whose policy names who may use it "
        "(not the AWS owned or AWS managed key)."
    ),
    part11={
        "11.10(c)": "Ledger data at rest is protected by a key the organisation controls.",
        "11.10(d)": "Every read and write of the table needs the key, and the key policy limits who may use it.",
    },
    annex11={
        "7.1": "Stored data is secured electronically against unauthorised access.",
        "12.1": "The key policy is a second logical control on access to the table's data.",
    },
    jp_eres={"3.1.1": "Authenticity: entries can be written only by principals the key policy admits."},
    resource_types=("AWS::DynamoDB::Table",),
    check=check,
    deployed=service_check(estate_tables),
    config_rule="DYNAMODB_TABLE_ENCRYPTED_KMS",
)

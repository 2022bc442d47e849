"""What the functions of other stacks that verify signatures (the release gates,
signatures/runtime/release_handlers.py, and the record export, records/runtime/export_handler.py) need from
the service: the ledger table's name, published in SSM under a name the config fixes (no stack export),
and the service key for reading the ledger and the manifest copies through DynamoDB and S3, granted
to their roles by name in the key policy (a condition, so the roles need not exist yet)."""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from ...constructs.managed_key import ManagedKey
from .spec import SignatureServiceSpec


def add_release_readers(
    scope: Construct, spec: SignatureServiceSpec, *, key: ManagedKey, ledger: dynamodb.Table, seal_key: ManagedKey | None = None
) -> ssm.StringParameter | None:
    if not spec.ledger_reader_role_arns or not spec.ledger_parameter_name:
        return None
    region = Stack.of(scope).region
    parameter = ssm.StringParameter(
        scope, "LedgerTableName", parameter_name=spec.ledger_parameter_name, string_value=ledger.table_name,
        description="Name of the e-signature ledger table, read by the release gates",
    )
    key.allow(
        "LedgerReadersReadLedgerAndManifests", iam.AccountRootPrincipal(), ["kms:Decrypt", "kms:DescribeKey"],
        {"StringEquals": {"kms:ViaService": [f"dynamodb.{region}.amazonaws.com", f"s3.{region}.amazonaws.com"]},
         "ArnLike": {"aws:PrincipalArn": list(spec.ledger_reader_role_arns)}},
    )
    if seal_key is not None:
        # The readers check each entry's seal before trusting a signature (runtime/seal.py); they never sign.
        seal_key.allow(
            "LedgerReadersCheckSeals", iam.AccountRootPrincipal(), ["kms:Verify", "kms:GetPublicKey", "kms:DescribeKey"],
            {"ArnLike": {"aws:PrincipalArn": list(spec.ledger_reader_role_arns)}},
        )
    return parameter

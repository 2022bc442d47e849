"""The functions behind the API (sign, list, verify): their environment and least-privilege
permissions, in IAM and in the key policy."""

from __future__ import annotations

import json

from aws_cdk import Stack
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_

from ...constructs.managed_key import ManagedKey
from .functions import FunctionFactory
from .spec import SignatureServiceSpec

# Lambda's limit for all environment variables of one function together.
MAX_ENVIRONMENT_BYTES = 4096


def add_api_functions(
    functions: FunctionFactory,
    spec: SignatureServiceSpec,
    *,
    key: ManagedKey,
    seal_key: ManagedKey,
    ledger: dynamodb.Table,
    user_pool: cognito.UserPool,
) -> tuple[lambda_.Function, lambda_.Function, lambda_.Function]:
    """The sign, list and verify functions, in that order."""
    stack = Stack.of(functions.scope)
    region, account = stack.region, stack.account
    environment = {
        "LEDGER_TABLE": ledger.table_name,
        "MANIFEST_BUCKET": spec.manifest_bucket_name,
        "RECORDS_BUCKETS": ",".join(spec.records_buckets),
        # The handlers publish to the account's default bus; a rule forwards to the audit bus.
        "EVENT_BUS_NAME": "default",
        "AUTH_WINDOW_SECONDS": str(spec.auth_window_seconds),
        "SIGNING_POLICY": json.dumps(spec.signing_policy, sort_keys=True, separators=(",", ":")),
        # Reserved meanings (batch release) and separation of duties, checked on their own (GXP-ESIG-12).
        "SIGNING_RESTRICTIONS": json.dumps(spec.signing_restrictions, sort_keys=True, separators=(",", ":")),
        # Every entry is sealed with, and every seal checked against, this key (runtime/seal.py).
        "LEDGER_SEAL_KEY": seal_key.key.key_arn,
        **({"UNSEALED_BEFORE": spec.unsealed_before} if spec.unsealed_before else {}),
    }
    size = sum(len(k) + len(v) for k, v in environment.items()) + 200
    if size > MAX_ENVIRONMENT_BYTES:
        raise ValueError(
            f"the signing policy makes the function environment {size} bytes, over Lambda's "
            f"{MAX_ENVIRONMENT_BYTES}; use fewer or shorter record classes and group names"
        )
    ledger_arn = ledger.table_arn
    record_objects = [f"arn:aws:s3:::{b}/*" for b in spec.records_buckets]
    # Named literally (the name is fixed by the config), so reviewers read the real ARN.
    manifest_bucket_arn = f"arn:aws:s3:::{spec.manifest_bucket_name}"
    read_records = [
        # ListBucket lets S3 answer 404 for a missing version instead of 403, which the
        # handlers turn into a clear "version does not exist" (never a 500).
        iam.PolicyStatement(
            sid="FindRecordVersions",
            actions=["s3:ListBucket"],
            resources=[f"arn:aws:s3:::{b}" for b in spec.records_buckets],
        ),
        iam.PolicyStatement(
            sid="ReadRecordVersions",
            actions=["s3:GetObject", "s3:GetObjectVersion"],
            resources=record_objects,
        ),
        iam.PolicyStatement(
            sid="DecryptRecordsThroughS3",
            actions=["kms:Decrypt"],
            resources=[f"arn:aws:kms:{region}:{spec.records_key_account or account}:key/*"],
            conditions={
                "StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"},
                "ForAnyValue:StringEquals": {"kms:ResourceAliases": list(spec.records_key_aliases)},
            },
        ),
    ]
    query = iam.PolicyStatement(sid="ReadLedger", actions=["dynamodb:Query"], resources=[ledger_arn])
    check_seals = iam.PolicyStatement(sid="CheckSeals", actions=["kms:Verify"], resources=[seal_key.key.key_arn])
    # Every retained copy of a record's manifests, oldest version first: the sign function proves the
    # ledger against them before it appends (runtime/integrity.py), as the verify function does.
    read_copies = [
        iam.PolicyStatement(sid="ListManifestCopies", actions=["s3:ListBucketVersions"], resources=[manifest_bucket_arn]),
        iam.PolicyStatement(
            sid="ReadManifestCopies",
            actions=["s3:GetObject", "s3:GetObjectVersion"],
            resources=[f"{manifest_bucket_arn}/manifests/*"],
        ),
    ]
    sign = functions.add(
        "sign",
        "Sign",
        "runtime.handlers.sign_handler",
        "Applies an electronic signature to one record version (11.50, 11.70, 11.200)",
        environment={**environment, "USER_POOL_ID": user_pool.user_pool_id},
        statements=[
            query,
            iam.PolicyStatement(sid="AppendToLedger", actions=["dynamodb:PutItem"], resources=[ledger_arn]),
            iam.PolicyStatement(sid="SealEntries", actions=["kms:Sign"], resources=[seal_key.key.key_arn]),
            check_seals,
            *read_copies,
            *read_records,
            iam.PolicyStatement(
                # A manifest copy not yet written must read as 404, not 403 (truncation guard).
                sid="FindManifestCopies", actions=["s3:ListBucket"], resources=[manifest_bucket_arn]
            ),
            iam.PolicyStatement(
                sid="WriteManifestCopies", actions=["s3:PutObject"], resources=[f"{manifest_bucket_arn}/manifests/*"]
            ),
            iam.PolicyStatement(
                sid="PublishSignatureEvents",
                actions=["events:PutEvents"],
                resources=[f"arn:aws:events:{region}:{account}:event-bus/default"],
            ),
            iam.PolicyStatement(
                sid="CheckSignerEnabled",
                actions=["cognito-idp:AdminGetUser"],
                resources=[user_pool.user_pool_arn],
            ),
        ],
    )
    listing = functions.add(
        "list",
        "List",
        "runtime.handlers.list_handler",
        "Lists the signatures of a record with their manifestations (11.50(b))",
        environment=environment,
        statements=[query],
    )
    verify = functions.add(
        "verify",
        "Verify",
        "runtime.handlers.verify_handler",
        "Verifies a record's signatures (content hash, ledger chain, seals, retained manifests; 11.70) "
        "and prints release records (Annex 11 8.2)",
        environment=environment,
        statements=[
            query,
            check_seals,
            *read_copies,
            *read_records,
            # A release record lists every version of the record, to show whether its data changed.
            iam.PolicyStatement(
                sid="ListRecordVersions",
                actions=["s3:ListBucketVersions"],
                resources=[f"arn:aws:s3:::{b}" for b in spec.records_buckets],
            ),
        ],
    )
    # The key policy names each role: the key grants nothing through IAM alone. DynamoDB
    # uses the table key on the caller's behalf, so every reader and writer of the ledger
    # needs the key through DynamoDB; S3 needs it for the manifest copies.
    ledger_actions = [
        "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"
    ]
    manifest_actions = {"sign": ["kms:GenerateDataKey", "kms:Decrypt"], "verify": ["kms:Decrypt"]}
    for purpose in ("sign", "list", "verify"):
        principal = iam.ArnPrincipal(functions.roles[purpose].role_arn)
        key.allow(
            f"{purpose.capitalize()}FunctionUsesLedger",
            principal,
            ledger_actions,
            {"StringEquals": {"kms:ViaService": f"dynamodb.{region}.amazonaws.com"}},
        )
        if purpose in manifest_actions:
            key.allow(
                f"{purpose.capitalize()}FunctionUsesManifests",
                principal,
                manifest_actions[purpose],
                {"StringEquals": {"kms:ViaService": f"s3.{region}.amazonaws.com"}},
            )
    return sign, listing, verify

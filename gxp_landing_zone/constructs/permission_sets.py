"""IAM Identity Center permission sets: the only way people reach the accounts (11.10(d), 11.10(g))."""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import aws_sso as sso
from constructs import Construct

# Read-only AWS managed policies an auditor may hold; anything else would let an
# auditor change what they are auditing.
READ_ONLY_MANAGED_POLICIES = (
    "arn:aws:iam::aws:policy/ReadOnlyAccess",
    "arn:aws:iam::aws:policy/SecurityAudit",
    "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess",
    "arn:aws:iam::aws:policy/AWSConfigUserAccess",
)


def group_id_parts(group_ids: list[str]) -> dict[str, str]:
    """The part of an assignment's construct ID that stands for its group.

    Normally the group ID's last 12 characters. Deployed assignments' logical IDs are built from
    them, and a changed logical ID makes CloudFormation create the identical assignment again and
    then delete the old resource, taking the grant with it. Groups whose IDs share those 12
    characters (1234567890-UUID next to UUID, or IDs that differ only earlier) would collide, so
    each of them is named by its whole ID instead. The choice depends only on the set of groups
    configured, not on their order, so it is the same on every synthesis.
    """
    suffixes: dict[str, set[str]] = {}
    for group_id in group_ids:
        suffixes.setdefault(group_id[-12:], set()).add(group_id)
    return {g: g[-12:] if len(suffixes[g[-12:]]) == 1 else g for g in group_ids}


@dataclass(frozen=True)
class PermissionSetSpec:
    key: str
    name: str
    description: str
    managed_policies: tuple[str, ...]
    inline_policy: dict | None = None


def _no_record_access(records: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # Segregation of duties: administrators run the platform, data stewards own records.
                "Sid": "NoRegulatedRecordAccess",
                "Effect": "Deny",
                "Action": ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:RestoreObject"],
                "Resource": records,
            }
        ],
    }


@dataclass(frozen=True)
class BreakGlassSpec:
    """The emergency path around the pipeline: one group, the regulated and validation accounts, short sessions."""

    name: str
    group_id: str
    account_ids: tuple[str, ...]
    session_hours: int


@dataclass(frozen=True)
class RecordExports:
    """The record export QA may invoke, and the alias of the key its copies are encrypted with."""

    function_name: str
    key_alias: str


def _request_exports(exports: RecordExports) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                # 11.10(b): QA asks for an accurate and complete copy of a record version. The export function
                # only reads the record and writes a locked, signed copy; it changes nothing QA audits.
                "Sid": "RequestRecordExports",
                "Effect": "Allow",
                "Action": "lambda:InvokeFunction",
                "Resource": f"arn:aws:lambda:*:*:function:{exports.function_name}",
            },
            {
                # Reading the copies: the exports key's policy names QA's roles too, and only through S3.
                "Sid": "ReadRecordExports",
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": "arn:aws:kms:*:*:key/*",
                "Condition": {
                    "StringLike": {"kms:ViaService": "s3.*.amazonaws.com"},
                    "ForAnyValue:StringEquals": {"kms:ResourceAliases": exports.key_alias},
                },
            },
        ],
    }


def specs(record_bucket_prefix: str, exports: RecordExports | None = None) -> list[PermissionSetSpec]:
    """``exports``: the record export, which the auditors (QA) may invoke and whose copies they may read."""
    records = [f"arn:aws:s3:::{record_bucket_prefix}*", f"arn:aws:s3:::{record_bucket_prefix}*/*"]
    return [
        PermissionSetSpec(
            "auditor",
            "GxpAuditor",
            "Read-only access to every account, its configuration and its logs; may request record exports",
            ("arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AWSCloudTrail_ReadOnlyAccess"),
            _request_exports(exports) if exports else None,
        ),
        PermissionSetSpec(
            "platform-admin",
            "GxpPlatformAdministrator",
            "Operates the platform; cannot read or change regulated records",
            ("arn:aws:iam::aws:policy/AdministratorAccess",),
            _no_record_access(records[1]),
        ),
        PermissionSetSpec(
            "regulated-data-operator",
            "GxpRegulatedDataOperator",
            "Creates and reads regulated records; cannot delete them",
            ("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess",),
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "WorkWithRecords",
                        "Effect": "Allow",
                        "Action": [
                            "s3:GetObject",
                            "s3:GetObjectVersion",
                            "s3:PutObject",
                            "s3:ListBucket",
                            "s3:ListBucketVersions",
                        ],
                        "Resource": records,
                    },
                    {
                        "Sid": "UseRecordKeys",
                        "Effect": "Allow",
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                        "Resource": "*",
                        "Condition": {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}},
                    },
                ],
            },
        ),
    ]


class PermissionSets(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        instance_arn: str,
        session_hours: dict[str, int],
        record_bucket_prefix: str,
        assignments: list[tuple[str, str, str]],
        break_glass: BreakGlassSpec | None = None,
        exports: RecordExports | None = None,
    ) -> None:
        """``assignments``: (group id, permission set key, account id) triples."""
        super().__init__(scope, id)
        self.permission_sets: dict[str, sso.CfnPermissionSet] = {}
        for spec in specs(record_bucket_prefix, exports):
            self.permission_sets[spec.key] = sso.CfnPermissionSet(
                self,
                spec.name,
                instance_arn=instance_arn,
                name=spec.name,
                description=spec.description,
                managed_policies=list(spec.managed_policies),
                inline_policy=spec.inline_policy,
                session_duration=f"PT{session_hours[spec.key]}H",
            )
        if break_glass is not None:
            # Annex 11 10: the documented emergency path around the pipeline. Platform administration without
            # record access, for an hour or so; every change made with it is forwarded and alerted.
            self.permission_sets["break-glass"] = sso.CfnPermissionSet(
                self,
                break_glass.name,
                instance_arn=instance_arn,
                name=break_glass.name,
                description="Emergency changes around the promotion pipeline; every use is alerted",
                managed_policies=["arn:aws:iam::aws:policy/AdministratorAccess"],
                inline_policy=_no_record_access(f"arn:aws:s3:::{record_bucket_prefix}*/*"),
                session_duration=f"PT{break_glass.session_hours}H",
            )
            assignments = assignments + [(break_glass.group_id, "break-glass", a) for a in break_glass.account_ids]
        group_part = group_id_parts([group_id for group_id, _, _ in assignments])
        for group_id, key, account_id in assignments:
            permission_set = self.permission_sets[key]
            sso.CfnAssignment(
                self,
                f"{permission_set.name}-{account_id}-{group_part[group_id]}",
                instance_arn=instance_arn,
                permission_set_arn=permission_set.attr_permission_set_arn,
                principal_type="GROUP",
                principal_id=group_id,
                target_type="AWS_ACCOUNT",
                target_id=account_id,
            )

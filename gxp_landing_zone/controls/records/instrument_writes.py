"""GXP-DEV-01: a records bucket of an instrument-data class accepts a write only from the instruments the
config registers for it, only through a VPC endpoint of its own account, only with a signed SHA-256
payload, and sends its object-created events to the intake check, which verifies the stored SHA-256."""

from __future__ import annotations

from ..buckets._bucket import covers_objects, readable_statements
from ..cfn import Unresolved
from ..model import REGULATED_ONLY, Control, all_of, cannot_prove, cfn_bool, compliant, non_compliant, not_applicable
from ._records import RECORDS_BUCKETS, records_bucket

WRITE = "s3:PutObject"
# SigV4 payload forms that carry no SHA-256 of the body (AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html).
UNSIGNED = {"UNSIGNED-PAYLOAD", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"}
CN_TAG = "aws:principaltag/x509subject/cn"


def registered(ctx, account_id: str, region: str, data_class: str) -> tuple[set[str], dict[str, set[str]]] | Unresolved:
    """(principal ARNs, certificate role ARN -> subject CNs) the config registers for this bucket."""
    config = ctx.config
    if config is None:
        return Unresolved("the registered instruments come from the config, which was not given")
    account = config.account_by_id(account_id)
    if account is None:
        return Unresolved(f"account {account_id} is not in the config")
    roles, certificates = set(), {}
    first = config.workload_regions(account)[0]
    for i in config.instruments:
        if i.account != account.role or i.data_class != data_class or (i.region or first) != region:
            continue
        if i.role:
            roles.add(f"arn:aws:iam::{account_id}:role/{i.role}")
        else:
            certificates.setdefault(f"arn:aws:iam::{account_id}:role/{i.certificate.role}", set()).add(i.certificate.subject_cn)
    return roles | set(certificates), certificates


def _write_denies(bucket) -> list:
    statements = readable_statements(bucket)
    if isinstance(statements, Unresolved):
        return statements
    return [
        s for s in statements
        if s.is_deny and s.applies_to_everyone and s.applies_to_action(WRITE) and covers_objects(s, bucket)
    ]


def _only(statement, operator: str, key: str) -> list | None:
    """The values of the statement's single condition ``operator: {key: ...}``, or None if it has others."""
    if set(statement.conditions) != {operator} or statement.condition_keys() != {key.lower()}:
        return None
    return statement.condition(operator, key)


def _verdicts(denies, principals, certificates, account_id):
    found = []
    if principals:
        ok = any(set(_only(s, o, "aws:PrincipalArn") or ()) == principals for s in denies
                 for o in ("ArnNotEquals", "ArnNotLike", "StringNotEquals"))
        found.append(compliant(f"only {', '.join(sorted(principals))} may write") if ok
                     else non_compliant(f"no deny of writes by anyone but the registered instruments {sorted(principals)}"))
    else:
        ok = any(s.unconditional for s in denies)
        found.append(compliant("no instrument is registered here, and every write is denied") if ok
                     else non_compliant("no instrument is registered here, yet writes are not denied to everyone"))
    for role, names in certificates.items():
        ok = any(
            set(s.conditions) == {"ArnEquals", "StringNotEquals"} and s.condition("ArnEquals", "aws:PrincipalArn") == [role]
            and set(s.condition("StringNotEquals", CN_TAG) or ()) == names
            for s in denies
        )
        found.append(compliant(f"{role} writes only as {sorted(names)}") if ok
                     else non_compliant(f"certificates other than {sorted(names)} may write through {role}"))
    endpoint = any(
        (_only(s, o, "aws:VpceAccount") or None) == [account_id] for s in denies
        for o in ("StringNotEqualsIfExists", "StringNotEquals")
    )
    found.append(compliant(f"only through VPC endpoints of {account_id}") if endpoint
                 else non_compliant(f"writes are not denied outside VPC endpoints of {account_id} (aws:VpceAccount)"))
    unsigned = any(UNSIGNED <= set(_only(s, o, "s3:x-amz-content-sha256") or ()) for s in denies
                   for o in ("StringEquals", "StringLike"))
    found.append(compliant("unsigned payloads refused") if unsigned
                 else non_compliant("writes without a signed SHA-256 payload are not denied (s3:x-amz-content-sha256)"))
    return found


def check(bucket, ctx):
    data_class, verdict = records_bucket(bucket, ctx)
    if verdict is not None:
        return verdict
    if ctx.config is None:
        return cannot_prove("which classes hold instrument data comes from the config, which was not given")
    held = next((c for c in ctx.config.data_classes if c.name == data_class), None)
    if held is None or not held.instrument_data:
        return not_applicable(f"{data_class} is not an instrument-data class")
    account, region = bucket.stack.account, bucket.region
    held_by = ctx.config.account_by_id(account) if isinstance(account, str) else None
    if held_by is None or not isinstance(region, str) or region not in ctx.config.workload_regions(held_by):
        # A records bucket outside its regulated account's regions is GXP-REC-03's finding; who may write
        # it is judged where it belongs.
        return not_applicable(f"{account}/{region} is not a records place of the config (GXP-REC-03)")
    wanted = registered(ctx, account, region, data_class)
    if isinstance(wanted, Unresolved):
        return cannot_prove(wanted)
    denies = _write_denies(bucket)
    if isinstance(denies, Unresolved):
        return cannot_prove(f"the bucket policy: {denies.why}")
    events = cfn_bool(bucket.get("NotificationConfiguration.EventBridgeConfiguration.EventBridgeEnabled"))
    intake = (cannot_prove(f"EventBridgeEnabled: {events.why}") if isinstance(events, Unresolved)
              else compliant("object-created events go to EventBridge for the intake check") if events is True
              else non_compliant("the bucket sends no events to EventBridge, so no new version is checked for a stored SHA-256"))
    result = all_of(*_verdicts(denies, *wanted, account), intake)
    unread = getattr(denies, "unresolved", None)
    if not result.passed and unread:
        return cannot_prove(f"{result.observed}; and {unread[0].why}")
    return result


CONTROL = Control(
    id="GXP-DEV-01",
    title="Instrument data written only by registered instruments",
    statement=(
        "A records bucket of an instrument-data class denies every write except by the instruments the config "
        "registers for it (their role, or their certificate's subject through IAM Roles Anywhere), denies writes "
        "that do not come through a VPC endpoint of its own account and writes without a signed SHA-256 payload, "
        "and sends its object-created events to EventBridge, where the intake check verifies the stored SHA-256."
    ),
    part11={
        "11.10(h)": "Only a registered instrument, on the account's own network path, can be the source of instrument data, and its payload is checked against its SHA-256.",
        "11.10(g)": "Writing raw data is an operation only the registered instruments are authorised to perform.",
    },
    annex11={
        "5": "Data exchanged with instruments passes built-in checks of its source and of its integrity on entry.",
        "12.1": "Logical access to write raw data is restricted to the registered instruments.",
    },
    jp_eres={"3.1.1": "Authenticity: the origin of each raw record is a registered instrument, provable from the policy."},
    resource_types=("AWS::S3::Bucket",),
    check=check,
    deployed=RECORDS_BUCKETS,
    boundary=REGULATED_ONLY,
)

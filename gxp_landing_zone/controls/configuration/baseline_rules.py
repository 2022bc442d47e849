"""GXP-CFG-02: the baseline AWS Config rules sit beside every recorder, with their validated parameters."""

from __future__ import annotations

from ..cfn import Unresolved
from ..model import Control, cannot_prove, compliant, non_compliant
from ._recorder import RECORDERS, parameters, region_is_home

# The password policy the baseline holds break-glass IAM users to (11.300(b)).
PASSWORD_POLICY = {
    "RequireUppercaseCharacters": "true",
    "RequireLowercaseCharacters": "true",
    "RequireSymbols": "true",
    "RequireNumbers": "true",
    "MinimumPasswordLength": "14",
    "PasswordReusePrevention": "24",
    "MaxPasswordAge": "90",
}

# name (deployed as gxp-<name>), AWS managed rule, global (home region only), input parameters.
BASELINE = (
    ("cloudtrail-enabled", "CLOUD_TRAIL_ENABLED", False, None),
    ("cloudtrail-log-file-validation-enabled", "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED", False, None),
    ("cloudtrail-encryption-enabled", "CLOUD_TRAIL_ENCRYPTION_ENABLED", False, None),
    ("cloudtrail-s3-dataevents-enabled", "CLOUDTRAIL_S3_DATAEVENTS_ENABLED", False, None),
    ("cmk-backing-key-rotation-enabled", "CMK_BACKING_KEY_ROTATION_ENABLED", False, None),
    ("s3-bucket-versioning-enabled", "S3_BUCKET_VERSIONING_ENABLED", False, None),
    ("s3-bucket-ssl-requests-only", "S3_BUCKET_SSL_REQUESTS_ONLY", False, None),
    ("s3-default-encryption-kms", "S3_DEFAULT_ENCRYPTION_KMS", False, None),
    ("s3-bucket-public-read-prohibited", "S3_BUCKET_PUBLIC_READ_PROHIBITED", False, None),
    ("s3-bucket-public-write-prohibited", "S3_BUCKET_PUBLIC_WRITE_PROHIBITED", False, None),
    ("ec2-ebs-encryption-by-default", "EC2_EBS_ENCRYPTION_BY_DEFAULT", False, None),
    ("s3-account-level-public-access-blocks-periodic", "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC", True, None),
    ("root-account-mfa-enabled", "ROOT_ACCOUNT_MFA_ENABLED", True, None),
    ("iam-password-policy", "IAM_PASSWORD_POLICY", True, PASSWORD_POLICY),
    ("iam-user-no-policies-check", "IAM_USER_NO_POLICIES_CHECK", True, None),
)
# A rule scoped to one resource or tag watches only that; the baseline watches everything.
NARROWING_SCOPE = ("ComplianceResourceId", "TagKey", "TagValue")


def _problem(rule, identifier: str, wanted: dict | None) -> str | Unresolved | None:
    source = rule.get("Source")
    params = parameters(rule.get("InputParameters"))
    scope = rule.get("Scope")
    for value in (source, params, scope):
        if isinstance(value, Unresolved):
            return value
    source = source if isinstance(source, dict) else {}
    if (source.get("Owner"), source.get("SourceIdentifier")) != ("AWS", identifier):
        return f"runs {source.get('Owner')} {source.get('SourceIdentifier')}, not AWS {identifier}"
    params, wanted = params or {}, wanted or {}
    if params != wanted:
        changed = sorted(k for k in set(params) | set(wanted) if params.get(k) != wanted.get(k))
        return "has " + ", ".join(f"{k} {params.get(k)!r} (validated {wanted.get(k)!r})" for k in changed)
    narrowed = [k for k in NARROWING_SCOPE if isinstance(scope, dict) and scope.get(k)]
    if narrowed:
        return f"is scoped by {', '.join(narrowed)}"
    return None


def check(recorder, ctx):
    home = region_is_home(recorder, ctx)
    if isinstance(home, Unresolved):
        return cannot_prove(home)
    rules, unnamed = {}, None
    for rule in recorder.stack.of_type("AWS::Config::ConfigRule"):
        name = rule.get("ConfigRuleName")
        if isinstance(name, Unresolved):
            unnamed = name  # it may be any of the baseline rules
        elif isinstance(name, str):
            rules[name] = rule
    required = [r for r in BASELINE if home or not r[2]]
    missing, wrong, unknown = [], [], None
    for name, identifier, _, wanted in required:
        rule = rules.get(f"gxp-{name}")
        if rule is None:
            missing.append(f"gxp-{name}")
        elif isinstance(found := _problem(rule, identifier, wanted), Unresolved):
            unknown = found
        elif found is not None:
            wrong.append(f"gxp-{name} {found}")
    gone = [f"{', '.join(missing)} missing"] if missing else []
    if wrong or (missing and unnamed is None):
        return non_compliant("; ".join(wrong + gone))
    if missing:
        return cannot_prove(f"{gone[0]}, unless a rule whose name is unknown is one ({unnamed.why})")
    if unknown is not None:
        return cannot_prove(unknown)
    return compliant(f"all {len(required)} baseline rules are deployed with their validated parameters")


CONTROL = Control(
    id="GXP-CFG-02",
    title="Drift from the validated baseline detected",
    statement=(
        "Beside each recorder, the baseline AWS managed Config rules (trail, validation, encryption, data events, "
        "key rotation, bucket versioning, TLS, KMS and public access, EBS encryption; in the home region also "
        "account public access, root MFA, password policy and IAM user policies) are deployed under their "
        "gxp- names, unscoped, with their validated parameters."
    ),
    annex11={
        "13": "A configuration that leaves the validated baseline raises a NON_COMPLIANT evaluation, the event an "
              "incident is reported and assessed from.",
    },
    resource_types=("AWS::Config::ConfigurationRecorder",),
    check=check,
    deployed=RECORDERS,
)

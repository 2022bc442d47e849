"""IQ checks: Regulated records and the e-signature service beyond the bucket basics: jurisdiction, replication, lifecycle, signer pool, functions and API.

Registered with ``iq_check`` from checks.py, which imports this module at its end.

Every check here runs in the regulated accounts, in each of their workload regions: estate.py
builds the RecordsStack and the SignatureServiceStack there and nowhere else (research accounts
get neither). Each judges the deployed resource the way the synthesis rule judges the template
(rules/records.py, cognito.py, lambda_functions.py, apigateway.py), reading the same facts from
``RuleContext.from_config`` so the two can never disagree about what the config allows."""

from __future__ import annotations

import json
from fnmatch import fnmatchcase

from ...config import AccountKind
from ...config.regions import REGION_JURISDICTION
from ...constructs.records_vault import ARCHIVE_STORAGE_CLASSES
from ...constructs.tags import MANIFEST_RETENTION_CLASS, RETENTION_CLASS_TAG
from ..rules.context import RuleContext
from ..rules.lambda_functions import SIGN_HANDLER
from .checks import (
    CheckResult,
    _as_list,
    _pick,
    _retention_days,
    _signer_pools,
    _tagged_for,
    _this_account,
    call,
    iq_check,
    result,
)

REGULATED = {AccountKind.REGULATED}
NO_REPLICATION = "ReplicationConfigurationNotFoundError"

# Every control this module was asked for has a deployed-state check; kept (empty) so the report
# can list the ones that do not, should a later control have nothing an API can show.
NO_DEPLOYED_STATE_CHECK: dict[str, str] = {}


def _class_buckets(session, config, account, names) -> list[tuple[str, str]]:
    """(data class, records bucket) for this account and region, as stacks/records.py names them."""
    return [(d.name, names.records_bucket(d.name, account.id, session.region_name)) for d in config.data_classes]


def _bucket_region(s3, bucket: str) -> tuple[str | None, str | None]:
    resp, err = call(s3.get_bucket_location, Bucket=bucket)
    if err:
        return None, err
    # S3 reports us-east-1 as no constraint, and eu-west-1 by its legacy name EU.
    constraint = resp.get("LocationConstraint")
    return {None: "us-east-1", "": "us-east-1", "EU": "eu-west-1"}.get(constraint, constraint), None


def _replication(s3, bucket: str) -> tuple[list[str] | None, str | None]:
    """Destination bucket names ([] when the bucket has no replication configuration), or the error."""
    resp, err = call(s3.get_bucket_replication, Bucket=bucket)
    if err:
        return ([], None) if err.startswith(NO_REPLICATION) else (None, err)
    rules = resp.get("ReplicationConfiguration", {}).get("Rules", [])
    return [r.get("Destination", {}).get("Bucket", "").removeprefix("arn:aws:s3:::") for r in rules], None


# -- Regulated records (stacks/records.py, constructs/records_vault.py) -------------------------------


@iq_check("GXP-REC-03", REGULATED, regions="workload")
def check_records_in_jurisdiction(session, config, names) -> list[CheckResult]:
    """The bucket sits in a region of the account's jurisdiction, and every replica destination is a
    records bucket the config defines, in that jurisdiction unless the class may leave it."""
    ctx = RuleContext.from_config(config)
    account = _this_account(session, config)
    s3 = session.client("s3")
    out = []
    for data_class, bucket in _class_buckets(session, config, account, names):
        leaves = data_class in ctx.classes_leaving_jurisdiction
        expected = (
            f"bucket in a {account.jurisdiction} region; replicas only in records buckets the config defines"
            + ("" if leaves else f", in {account.jurisdiction}")
        )
        region, err = _bucket_region(s3, bucket)
        destinations, rerr = _replication(s3, bucket)
        if err or rerr:
            out.append(result("GXP-REC-03", bucket, expected, {"location": err or region, "replication": rerr}, False))
            continue
        replicas = {d: ctx.records_bucket_region.get(d) for d in destinations}
        outside = [
            d for d, r in replicas.items()
            if r is None or (REGION_JURISDICTION.get(r) != account.jurisdiction and not leaves)
        ]
        here = REGION_JURISDICTION.get(region) == account.jurisdiction
        observed = {"region": region, "jurisdiction": REGION_JURISDICTION.get(region), "replicas": replicas or "none"}
        out.append(result("GXP-REC-03", bucket, expected, observed, here and not outside))
    return out


@iq_check("GXP-REC-04", REGULATED, regions="workload")
def check_replication_only_de_identified(session, config, names) -> list[CheckResult]:
    """An identified class has no replication configuration at all; a de-identified class replicates
    only to the records buckets its replicate_to names."""
    ctx = RuleContext.from_config(config)
    s3 = session.client("s3")
    out = []
    for data_class, bucket in _class_buckets(session, config, _this_account(session, config), names):
        allowed = sorted(ctx.replication_targets.get(data_class, ()))
        if data_class in ctx.de_identified_classes:
            expected = f"replication destinations only among {allowed or 'none'}"
        else:
            expected = f"{NO_REPLICATION} (identified class '{data_class}' is never replicated)"
        destinations, err = _replication(s3, bucket)
        if err:
            out.append(result("GXP-REC-04", bucket, expected, err, False))
            continue
        ok = not destinations or (data_class in ctx.de_identified_classes and set(destinations) <= set(allowed))
        out.append(result("GXP-REC-04", bucket, expected, {"destinations": destinations or NO_REPLICATION}, ok))
    return out


def _tags(s3, bucket: str) -> tuple[dict, str | None]:
    resp, err = call(s3.get_bucket_tagging, Bucket=bucket)
    return {t["Key"]: t["Value"] for t in (resp or {}).get("TagSet", [])}, err


@iq_check("GXP-REC-05", REGULATED, regions="workload")
def check_records_named_for_data_events(session, config, names) -> list[CheckResult]:
    """The regulated account's half of "reads and writes reach the audit trail": the organization
    trail (management account, organization_trail.py) logs S3 data events for buckets whose name
    starts with the records prefix, so every bucket of this region that carries a data class must
    have that prefix, and each class's bucket must be there carrying its class. The trail's
    data-event selector itself is in the management account and is not read here."""
    prefix = names.records_bucket_prefix()
    classes = {d.name for d in config.data_classes}
    s3 = session.client("s3")
    expected_buckets = dict((b, c) for c, b in _class_buckets(session, config, _this_account(session, config), names))
    listed, err = call(s3.list_buckets)
    if err:
        return [result("GXP-REC-05", "records buckets", f"buckets named {prefix}*", err, False)]
    present = {b["Name"] for b in listed.get("Buckets", [])}
    out = []
    for bucket, data_class in expected_buckets.items():
        expected = f"name starts with {prefix}; tag {RETENTION_CLASS_TAG}={data_class}"
        tags, terr = _tags(s3, bucket) if bucket in present else ({}, "bucket not found")
        observed = terr or {RETENTION_CLASS_TAG: tags.get(RETENTION_CLASS_TAG)}
        ok = not terr and bucket.startswith(prefix) and tags.get(RETENTION_CLASS_TAG) == data_class
        out.append(result("GXP-REC-05", bucket, expected, observed, ok))
    # A bucket elsewhere in this region holding a data class would escape the trail's selector.
    for bucket in sorted(present - set(expected_buckets)):
        region, lerr = _bucket_region(s3, bucket)
        if lerr or region != session.region_name:
            continue
        tags, _ = _tags(s3, bucket)
        if tags.get(RETENTION_CLASS_TAG) in classes:
            out.append(result("GXP-REC-05", bucket, f"a bucket holding a data class is named {prefix}*",
                              {RETENTION_CLASS_TAG: tags[RETENTION_CLASS_TAG]}, bucket.startswith(prefix)))
    return out


def _lifecycle_findings(rules: list[dict]) -> list[str]:
    """What an enabled rule does that rules/records.py lifecycle_keeps_the_lock refuses. The rule's
    EXPIRING template fields (expirationInDays, expirationDate, noncurrentVersionExpiration...) and
    expiredObjectDeleteMarker all arrive from the API inside Expiration or NoncurrentVersionExpiration."""
    findings = []
    for rule in rules:
        if rule.get("Status") != "Enabled":
            continue
        name = rule.get("ID") or "unnamed rule"
        expiring = {**(rule.get("Expiration") or {}), **(rule.get("NoncurrentVersionExpiration") or {})}
        if any(expiring.values()):
            findings.append(f"{name}: expires {sorted(k for k, v in expiring.items() if v)}")
        moves = list(rule.get("Transitions") or []) + list(rule.get("NoncurrentVersionTransitions") or [])
        findings += [f"{name}: moves to {t.get('StorageClass')}" for t in moves if t.get("StorageClass") not in ARCHIVE_STORAGE_CLASSES]
    return findings


@iq_check("GXP-REC-06", REGULATED, regions="workload")
def check_lifecycle_keeps_lock(session, config, names) -> list[CheckResult]:
    # As the rule: no lifecycle at all keeps the lock too (the stack deploys a transition-only rule).
    expected = f"enabled rules only transition to {list(ARCHIVE_STORAGE_CLASSES)}; no expiration of any kind"
    s3 = session.client("s3")
    out = []
    for _, bucket in _class_buckets(session, config, _this_account(session, config), names):
        resp, err = call(s3.get_bucket_lifecycle_configuration, Bucket=bucket)
        if err and err.startswith("NoSuchLifecycleConfiguration"):
            out.append(result("GXP-REC-06", bucket, expected, "no lifecycle configuration", True))
            continue
        rules = (resp or {}).get("Rules", [])
        findings = _lifecycle_findings(rules)
        summary = [_pick(r, "ID", "Status", "Transitions", "NoncurrentVersionTransitions") for r in rules]
        observed = err or ({"findings": findings} if findings else summary)
        out.append(result("GXP-REC-06", bucket, expected, observed, not err and not findings))
    return out


# -- Signer pool (signatures/infrastructure.py _build_user_pool) ---------------------------------------
# Found by the account-role tag, like GXP-ESIG-01..03 in checks.py.


def _pool_check(session, config, control_id: str, expected: str, judge) -> list[CheckResult]:
    pools, err = _signer_pools(session, config)
    if err or not pools:
        return [result(control_id, "signer user pool", expected, err or "no user pool tagged gxp:account-role", False)]
    return [result(control_id, pool["Id"], expected, *judge(pool)) for pool in pools]


@iq_check("GXP-ESIG-04", REGULATED, regions="workload")
def check_signer_identities_kept(session, config, names) -> list[CheckResult]:
    def judge(pool):
        case_sensitive = pool.get("UsernameConfiguration", {}).get("CaseSensitive")
        observed = {"UsernameConfiguration.CaseSensitive": case_sensitive, "DeletionProtection": pool.get("DeletionProtection")}
        return observed, case_sensitive is False and pool.get("DeletionProtection") == "ACTIVE"

    return _pool_check(session, config, "GXP-ESIG-04", "UsernameConfiguration.CaseSensitive false, DeletionProtection ACTIVE", judge)


@iq_check("GXP-ESIG-05", REGULATED, regions="workload")
def check_signer_threat_protection(session, config, names) -> list[CheckResult]:
    def judge(pool):
        mode = pool.get("UserPoolAddOns", {}).get("AdvancedSecurityMode")
        return {"UserPoolAddOns.AdvancedSecurityMode": mode, "UserPoolTier": pool.get("UserPoolTier")}, mode == "ENFORCED"

    return _pool_check(session, config, "GXP-ESIG-05", "UserPoolAddOns.AdvancedSecurityMode ENFORCED", judge)


@iq_check("GXP-ESIG-06", REGULATED, regions="workload")
def check_signer_printed_name(session, config, names) -> list[CheckResult]:
    def judge(pool):
        name = next((a for a in pool.get("SchemaAttributes", []) if a.get("Name") == "name"), None)
        observed = _pick(name, "Name", "Required", "Mutable") if name else "no 'name' schema attribute"
        return observed, bool(name) and name.get("Required") is True

    return _pool_check(session, config, "GXP-ESIG-06", "schema attribute 'name' (full name) Required true", judge)


# -- Signature functions (found by their fixed role names, Names.signature_role_name) -----------------
# The functions have CloudFormation-generated names; their roles are named by the stack, one per
# purpose, so a function is the service's exactly when its execution role is one of these.

PURPOSES = ("sign", "list", "verify", "token")


def _signature_functions(session, names) -> tuple[dict[str, dict], str | None]:
    """purpose -> function configuration, for the purposes found in this region."""
    roles = {names.signature_role_name(p, session.region_name): p for p in PURPOSES}
    lam = session.client("lambda")
    found, marker = {}, None
    while True:
        page, err = call(lam.list_functions, **({"Marker": marker} if marker else {}))
        if err:
            return {}, err
        for summary in page.get("Functions", []):
            purpose = roles.get(summary.get("Role", "").rsplit("/", 1)[-1])
            if purpose:
                configuration, err = call(lam.get_function_configuration, FunctionName=summary["FunctionName"])
                if err:
                    return {}, err
                found[purpose] = configuration
        marker = page.get("NextMarker")
        if not marker:
            return found, None


def _environment(function: dict) -> dict:
    return function.get("Environment", {}).get("Variables", {})


def _functions_with(session, names, control_id: str, variable: str, expected: str):
    """(functions whose environment sets variable, or None) and the failed result to return when none do."""
    functions, err = _signature_functions(session, names)
    with_variable = [f for f in functions.values() if variable in _environment(f)]
    if err or not with_variable:
        observed = err or f"no signature function (role gxp-esig-*) sets {variable}; found {sorted(functions) or 'none'}"
        return None, [result(control_id, "signature functions", expected, observed, False)]
    return with_variable, None


@iq_check("GXP-ESIG-07", REGULATED, regions="workload")
def check_manifests_locked(session, config, names) -> list[CheckResult]:
    account = _this_account(session, config)
    bucket = names.signature_manifest_bucket(account.id, session.region_name)
    # A manifest must outlive every record it may sign (stacks/signatures.py manifest_lock_days).
    days = max(d.days for d in config.data_classes)
    expected = (f"MANIFEST_BUCKET {bucket}; ObjectLockEnabled Enabled, Mode COMPLIANCE, retention >= {days} days; "
                f"{RETENTION_CLASS_TAG}={MANIFEST_RETENTION_CLASS}")
    functions, failed = _functions_with(session, names, "GXP-ESIG-07", "MANIFEST_BUCKET", expected)
    if failed:
        return failed
    s3 = session.client("s3")
    resp, err = call(s3.get_object_lock_configuration, Bucket=bucket)
    lock = (resp or {}).get("ObjectLockConfiguration", {})
    default = lock.get("Rule", {}).get("DefaultRetention", {})
    tags, terr = _tags(s3, bucket)
    locked = (
        not err and not terr
        and lock.get("ObjectLockEnabled") == "Enabled"
        and default.get("Mode") == "COMPLIANCE"
        and _retention_days(default) >= days
        and tags.get(RETENTION_CLASS_TAG) == MANIFEST_RETENTION_CLASS
    )
    out = []
    for function in functions:
        named = _environment(function)["MANIFEST_BUCKET"]
        observed = {"MANIFEST_BUCKET": named, "lock": err or lock, RETENTION_CLASS_TAG: terr or tags.get(RETENTION_CLASS_TAG)}
        out.append(result("GXP-ESIG-07", function["FunctionName"], expected, observed, named == bucket and locked))
    return out


def _pattern(rule: dict) -> dict:
    try:
        return json.loads(rule.get("EventPattern") or "{}")
    except ValueError:
        return {}


@iq_check("GXP-ESIG-08", REGULATED, regions="workload")
def check_signature_events_forwarded(session, config, names) -> list[CheckResult]:
    """On the bus the functions publish to, an enabled rule matching every event of the signature
    source (no detail-type filter, so refusals are forwarded too) targets the audit account's bus."""
    source, audit_bus = names.signature_event_source(), names.audit_bus_arn()
    expected = f"ENABLED rule, source [{source}] with no detail-type filter, target {audit_bus}"
    functions, failed = _functions_with(session, names, "GXP-ESIG-08", "EVENT_BUS_NAME", expected)
    if failed:
        return failed
    events = session.client("events")
    out = []
    for bus in sorted({_environment(f)["EVENT_BUS_NAME"] for f in functions}):
        listed, err = call(events.list_rules, EventBusName=bus)
        if err:
            out.append(result("GXP-ESIG-08", f"event bus {bus}", expected, err, False))
            continue
        seen, ok = [], False
        for rule in listed.get("Rules", []):
            pattern = _pattern(rule)
            if source not in _as_list(pattern.get("source", [])):
                continue
            targets, terr = call(events.list_targets_by_rule, Rule=rule["Name"], EventBusName=bus)
            arns = [t.get("Arn") for t in (targets or {}).get("Targets", [])]
            seen.append({"Name": rule["Name"], "State": rule.get("State"), "EventPattern": pattern, "Targets": terr or arns})
            ok = ok or (rule.get("State") == "ENABLED" and "detail-type" not in pattern and audit_bus in arns)
        out.append(result("GXP-ESIG-08", f"event bus {bus}", expected, seen or f"no rule for source {source}", ok))
    return out


def _expected_signing_policy(config, names, account_id: str, region: str) -> dict:
    """What stacks/signatures.py SignatureServiceStack.signing_policy deploys, with each group's meanings sorted."""
    settings = config.signatures
    return {
        "meanings": sorted(settings.meanings),
        "grants": {n: {g: sorted(m) for g, m in rc.signers.items()} for n, rc in settings.record_classes.items()},
        "sequences": {n: list(rc.sequence) for n, rc in settings.record_classes.items() if rc.sequence},
        "record_classes": {
            f"{names.records_bucket(rc.data_class, account_id, region)}/{rc.key_prefix}": n
            for n, rc in settings.record_classes.items()
        },
    }


def _deployed_signing_policy(raw: str) -> dict | None:
    try:
        policy = json.loads(raw)
    except (TypeError, ValueError):
        return None
    if not isinstance(policy, dict):
        return None
    grants = policy.get("grants") or {}
    return {
        **policy,
        "meanings": sorted(policy.get("meanings") or []),
        "grants": {n: {g: sorted(m) for g, m in (groups or {}).items()} for n, groups in grants.items()},
        "sequences": {n: list(order) for n, order in (policy.get("sequences") or {}).items()},
    }


@iq_check("GXP-ESIG-09", REGULATED, regions="workload")
def check_signing_policy_as_configured(session, config, names) -> list[CheckResult]:
    """Grants and sequences exactly the config's (as the rule), no catch-all record class, and the
    meanings and bucket/prefix-to-record-class map the stack derives from the config."""
    account = _this_account(session, config)
    wanted = _expected_signing_policy(config, names, account.id, session.region_name)
    expected = "SIGNING_POLICY equal to the config's meanings, grants, sequences and record classes; no default_record_class"
    functions, failed = _functions_with(session, names, "GXP-ESIG-09", "SIGNING_POLICY", expected)
    if failed:
        return failed
    out = []
    for function in functions:
        deployed = _deployed_signing_policy(_environment(function)["SIGNING_POLICY"])
        if deployed is None:
            out.append(result("GXP-ESIG-09", function["FunctionName"], expected, "SIGNING_POLICY is not a JSON object", False))
            continue
        differs = sorted(k for k in set(wanted) | set(deployed) if wanted.get(k) != deployed.get(k))
        observed = {"differs": differs, **{k: deployed.get(k) for k in differs}} if differs else {"differs": []}
        out.append(result("GXP-ESIG-09", function["FunctionName"], expected, observed, not differs))
    return out


def _role_statements(session, role_name: str) -> tuple[list[dict], str | None]:
    """Every statement of the role's attached managed and inline policies."""
    iam = session.client("iam")
    statements = []
    attached, err = call(iam.list_attached_role_policies, RoleName=role_name)
    if err:
        return [], err
    for policy in attached.get("AttachedPolicies", []):
        meta, err = call(iam.get_policy, PolicyArn=policy["PolicyArn"])
        if err:
            return [], err
        version, err = call(iam.get_policy_version, PolicyArn=policy["PolicyArn"], VersionId=meta["Policy"]["DefaultVersionId"])
        if err:
            return [], err
        document = version["PolicyVersion"]["Document"]
        statements += _as_list((json.loads(document) if isinstance(document, str) else document).get("Statement", []))
    inline, err = call(iam.list_role_policies, RoleName=role_name)
    if err:
        return [], err
    for name in inline.get("PolicyNames", []):
        policy, err = call(iam.get_role_policy, RoleName=role_name, PolicyName=name)
        if err:
            return [], err
        document = policy["PolicyDocument"]
        statements += _as_list((json.loads(document) if isinstance(document, str) else document).get("Statement", []))
    return statements, None


def _allows(statement: dict, action: str, resource: str) -> bool:
    return (
        statement.get("Effect") == "Allow"
        and any(fnmatchcase(action.lower(), a.lower()) for a in _as_list(statement.get("Action", [])))
        and any(fnmatchcase(resource, r) for r in _as_list(statement.get("Resource", [])))
    )


@iq_check("GXP-ESIG-10", REGULATED, regions="workload")
def check_disabled_signers_refused(session, config, names) -> list[CheckResult]:
    """The signing function names the signer pool in USER_POOL_ID and its role may call
    cognito-idp:AdminGetUser on that pool, which the handler does at every signature."""
    expected = "sign function: USER_POOL_ID = the signer pool; its role allows cognito-idp:AdminGetUser on that pool"
    functions, err = _signature_functions(session, names)
    sign = functions.get("sign")
    if err or not sign:
        return [result("GXP-ESIG-10", "sign function", expected, err or f"no function with role {names.signature_role_name('sign', session.region_name)}", False)]
    pools, perr = _signer_pools(session, config)
    account = _this_account(session, config)
    pool_arns = {p["Id"]: p.get("Arn") or f"arn:aws:cognito-idp:{session.region_name}:{account.id}:userpool/{p['Id']}" for p in pools}
    pool_id = _environment(sign).get("USER_POOL_ID")
    statements, serr = _role_statements(session, sign["Role"].rsplit("/", 1)[-1])
    may_check = pool_id in pool_arns and any(_allows(s, "cognito-idp:AdminGetUser", pool_arns[pool_id]) for s in statements)
    observed = {
        "Handler": sign.get("Handler"),
        "USER_POOL_ID": pool_id,
        "signer pools": perr or sorted(pool_arns),
        "AdminGetUser allowed": serr or may_check,
    }
    ok = not perr and not serr and sign.get("Handler") == SIGN_HANDLER and may_check
    return [result("GXP-ESIG-10", sign["FunctionName"], expected, observed, ok)]


@iq_check("GXP-LAMBDA-01", REGULATED, regions="workload")
def check_functions_traced(session, config, names) -> list[CheckResult]:
    """All four functions of the signature service trace actively. The estate's only other function
    is the AwsCustomResource provider in each baseline stack, a deployment-time provider that
    acknowledges GXP-LAMBDA-01 (constructs/acknowledge.py), so it is not expected to trace."""
    functions, err = _signature_functions(session, names)
    if err:
        return [result("GXP-LAMBDA-01", "signature functions", "TracingConfig Mode Active", err, False)]
    out = []
    for purpose in PURPOSES:
        function = functions.get(purpose)
        if function is None:
            role = names.signature_role_name(purpose, session.region_name)
            out.append(result("GXP-LAMBDA-01", f"{purpose} function", "TracingConfig Mode Active", f"no function with role {role}", False))
            continue
        mode = function.get("TracingConfig", {}).get("Mode")
        out.append(result("GXP-LAMBDA-01", function["FunctionName"], "TracingConfig Mode Active", {"TracingConfig": {"Mode": mode}}, mode == "Active"))
    return out


# -- Signature API (signatures/infrastructure.py _build_api; found by the account-role tag) --------------
# GXP-API-01/02 have no boundary in control_sets/signatures.py, but the only REST API the estate
# deploys is the signature service's, which exists in regulated accounts only.


def _signature_apis(session, config) -> tuple[list[dict], str | None]:
    """Each REST API tagged for this account, with its resources' methods and its stages. Both API
    checks read through this one walk: get_rest_apis, then per API get_resources, get_method for
    each method, get_stages."""
    account = _this_account(session, config)
    apigateway = session.client("apigateway")
    listed, err = call(apigateway.get_rest_apis, limit=500)
    if err:
        return [], err
    apis = []
    for api in listed.get("items", []):
        if not _tagged_for(api.get("tags", {}), account):
            continue
        resources, err = call(apigateway.get_resources, restApiId=api["id"], limit=500)
        if err:
            return [], err
        methods = []
        for resource in resources.get("items", []):
            for http_method in sorted(resource.get("resourceMethods", {})):
                method, err = call(apigateway.get_method, restApiId=api["id"], resourceId=resource["id"], httpMethod=http_method)
                if err:
                    return [], err
                methods.append({"path": resource.get("path"), **_pick(method, "httpMethod", "authorizationType", "authorizerId")})
        stages, err = call(apigateway.get_stages, restApiId=api["id"])
        if err:
            return [], err
        apis.append({"id": api["id"], "name": api.get("name"), "methods": methods, "stages": stages.get("item", [])})
    return apis, None


@iq_check("GXP-API-01", REGULATED, regions="workload")
def check_api_methods_authorized(session, config, names) -> list[CheckResult]:
    expected = "authorizationType not NONE (the stack deploys COGNITO_USER_POOLS)"
    apis, err = _signature_apis(session, config)
    methods = [(api, m) for api in apis for m in api["methods"]]
    if err or not methods:
        return [result("GXP-API-01", "signature API", expected, err or "no method on a REST API tagged gxp:account-role", False)]
    out = []
    for api, method in methods:
        # Browsers send CORS pre-flight requests without credentials (as rules/apigateway.py).
        if method["httpMethod"] == "OPTIONS":
            continue
        kind = method.get("authorizationType")
        resource = f"{api['id']} {method['httpMethod']} {method['path']}"
        out.append(result("GXP-API-01", resource, expected, _pick(method, "authorizationType", "authorizerId"), bool(kind) and kind != "NONE"))
    return out or [result("GXP-API-01", "signature API", expected, "only OPTIONS methods", False)]


@iq_check("GXP-API-02", REGULATED, regions="workload")
def check_api_access_logged(session, config, names) -> list[CheckResult]:
    expected = "accessLogSettings with a destinationArn and a format"
    apis, err = _signature_apis(session, config)
    stages = [(api, s) for api in apis for s in api["stages"]]
    if err or not stages:
        return [result("GXP-API-02", "signature API", expected, err or "no stage on a REST API tagged gxp:account-role", False)]
    out = []
    for api, stage in stages:
        setting = stage.get("accessLogSettings") or {}
        observed = setting or "accessLogSettings absent"
        ok = bool(setting.get("destinationArn")) and bool(setting.get("format"))
        out.append(result("GXP-API-02", f"{api['id']} stage {stage.get('stageName')}", expected, observed, ok))
    return out

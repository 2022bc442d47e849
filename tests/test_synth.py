"""The reference estate as a whole: it synthesizes with every pack clean, its templates are
valid CloudFormation, every stateful resource is retained, and the report is written."""

from __future__ import annotations

import json

from gxp_landing_zone.stacks.base import stack_id

STATEFUL = {"AWS::S3::Bucket", "AWS::KMS::Key", "AWS::Logs::LogGroup", "AWS::DynamoDB::Table", "AWS::S3::BucketPolicy",
            "AWS::Backup::BackupVault"}


def expected_stack_names(config) -> list[str]:
    home = config.home_region
    names = [
        stack_id("Audit", config.audit, home),
        stack_id("LogArchive", config.log_archive, home),
        stack_id("Organization", config.management, home),
        stack_id("Access", config.management, home),
    ]
    # The management account's baseline, per region; the members' arrive from the gxp-baseline StackSet.
    names += [stack_id("Baseline", config.management, r) for r in config.allowed_regions]
    names.append(stack_id("OrganizationBaseline", config.management, home))
    names += [stack_id("Records", a, r) for a in config.regulated_accounts for r in config.workload_regions(a)]
    names += [stack_id("Compliance", config.audit, r) for r in config.allowed_regions]
    names += [stack_id("Compute", a, r) for a in config.workload_accounts for r in config.workload_regions(a)]
    names += [stack_id("Signatures", a, r) for a in config.regulated_accounts for r in config.workload_regions(a)]
    genai = [a for a in config.workload_accounts if config.genai is not None and a.role in config.genai.accounts]
    names += [stack_id("GenAI", a, r) for a in genai for r in config.workload_regions(a)]
    # Back-ups: where records (or the log archive) are kept, and each account's copy region from backup:.
    names += [stack_id("Backup", a, r) for a in config.regulated_accounts for r in config.workload_regions(a)]
    names += [stack_id("BackupCopy", a, config.backup.copy_regions[a.role]) for a in config.regulated_accounts]
    names += [stack_id("Backup", config.log_archive, home),
              stack_id("BackupCopy", config.log_archive, config.backup.log_archive_copy_region)]
    # Change control: the pipeline and the release signature service in the deployment account, the OQ role
    # once per validation account.
    deployment = config.account("deployment")
    names += [stack_id("Pipeline", deployment, home), stack_id("Signatures", deployment, home)]
    names += [stack_id("Qualification", a, config.workload_regions(a)[0]) for a in config.regulated_accounts if a.is_validation]
    return names


def test_synthesis_passes_every_pack(synthesized):
    assert synthesized.findings == [], [f"{f.rule_id} {f.path}" for f in synthesized.findings]
    assert synthesized.passed


def test_one_stack_per_component_account_and_region(synthesized, reference_config):
    names = {s.stack_name for s in synthesized.assembly.stacks}
    assert names == set(expected_stack_names(reference_config))
    # The reference serves Bedrock in the US and EU regulated accounts and in research, not in Japan.
    assert {n for n in names if n.startswith("GenAI-")} == {
        "GenAI-regulated-us-us-east-1", "GenAI-regulated-eu-eu-central-1", "GenAI-research-us-east-1"}


def test_stacks_are_pinned_to_their_account_and_region(synthesized, reference_config):
    for stack in synthesized.assembly.stacks:
        account = next(a for a in reference_config.accounts if stack.stack_name.split("-", 1)[1].startswith(a.role + "-"))
        assert stack.environment.account == account.id
        assert stack.environment.region in reference_config.allowed_regions


def test_every_stateful_resource_is_retained(templates):
    checked = 0
    for name, template in templates.items():
        for logical_id, resource in template["Resources"].items():
            if resource["Type"] in STATEFUL:
                checked += 1
                assert resource.get("DeletionPolicy") == "RetainExceptOnCreate", f"{name}/{logical_id}"
                assert resource.get("UpdateReplacePolicy") == "Retain", f"{name}/{logical_id}"
    assert checked >= 10


# Organizations quotas: an SCP document holds at most 5,120 characters (whitespace stripped), and a
# root, OU or account takes at most 5 SCPs, one of which is the default FullAWSAccess.
SCP_MAX_CHARS, SCPS_PER_TARGET = 5120, 5


def test_scps_fit_the_organizations_quotas(templates):
    per_target: dict[str, int] = {}
    for template in templates.values():
        for logical_id, resource in template.get("Resources", {}).items():
            if resource["Type"] != "AWS::Organizations::Policy":
                continue
            content = json.dumps(resource["Properties"]["Content"], separators=(",", ":"))
            assert len(content) <= SCP_MAX_CHARS, f"{logical_id}: {len(content)} characters"
            for target in resource["Properties"].get("TargetIds", []):
                key = json.dumps(target, sort_keys=True)
                per_target[key] = per_target.get(key, 0) + 1
    assert per_target and all(n + 1 <= SCPS_PER_TARGET for n in per_target.values()), per_target


def test_no_auto_delete_custom_resources(templates):
    for template in templates.values():
        assert not any(r["Type"] == "Custom::S3AutoDeleteObjects" for r in template["Resources"].values())


def test_every_control_proven_on_a_resource(synthesized):
    """A control that never met a resource proves nothing. GXP-IAM-01 forbids a type, so it has none.
    GXP-AI-11 judges SageMaker endpoints, which the reference deploys none of (a first deployment has no
    approved model version to serve); tests/controls/ai/test_endpoint_monitoring.py proves it on the
    reference plus one endpoint."""
    from gxp_landing_zone.controls.registry import all_controls

    CONTROLS = all_controls()

    compliant = {e.control_id for e in synthesized.evaluations if e.outcome == "COMPLIANT"}
    missing = {c.id for c in CONTROLS} - compliant - {"GXP-IAM-01", "GXP-AI-11"}
    assert not missing


def test_deviations_have_specific_reasons(synthesized):
    assert synthesized.deviations
    for deviation in synthesized.deviations:
        assert len(deviation.reason) >= 60, deviation


def test_cfn_lint_finds_no_errors(cfn_lint):
    """Schema-level validity of every template, linted against the region it deploys to."""
    assert [line for rule, line in cfn_lint if rule.startswith("E")] == []


def test_report_is_written(synthesized):
    names = {p.name for p in synthesized.report_files}
    assert {"traceability.json", "traceability.csv", "index.html", "traceability.md", "deviations.csv"} <= names

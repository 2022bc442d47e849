"""The generated AWS Config conformance pack: built from the control registry, compared with AWS's
FDA 21 CFR Part 11 pack, deployed from the audit account, and alerting with control and clause."""

from __future__ import annotations

import json
import re

from conftest import ROOT

from gxp_landing_zone.validation import conformance
from gxp_landing_zone.controls.registry import all_controls

CONTROLS = all_controls()

AWS_PACK_SIZE = 129
README_BEGIN, README_END = conformance.README_BEGIN, conformance.README_END


def test_the_reference_csv_is_aws_pack():
    rules = conformance.aws_pack()
    assert len(rules) == AWS_PACK_SIZE
    assert len({r.name for r in rules}) == AWS_PACK_SIZE


def test_every_control_with_a_config_rule_is_in_the_pack():
    rules = {r.source_identifier: r for r in conformance.pack_rules()}
    for control in CONTROLS:
        if control.config_rule:
            rule = rules[control.config_rule]
            assert control.id in rule.controls
            assert control.id in rule.description
            assert rule.name.startswith(conformance.RULE_PREFIX)


def test_every_applicable_aws_pack_rule_is_covered():
    generated = {r.source_identifier for r in conformance.pack_rules()}
    for rule in conformance.aws_pack():
        if conformance.scope_of(rule) is None:
            assert rule.source_identifier in generated, rule.name


def test_coverage_adds_up_and_every_omission_has_a_reason():
    coverage = conformance.coverage()
    assert len(coverage.covered) + len(coverage.left_out) == AWS_PACK_SIZE
    assert all(len(why) > 20 for _, why in coverage.left_out)
    assert len(coverage.covered) >= 40
    # Rules that check what this product deploys are never silently dropped.
    for rule, why in coverage.left_out:
        assert why.startswith("Not applicable") or rule.name in conformance.DELIBERATELY_LEFT_OUT


def test_readme_table_is_the_generated_one():
    text = (ROOT / "docs" / "continuous-compliance.md").read_text(encoding="utf-8")
    section = text.split(README_BEGIN, 1)[1].split(README_END, 1)[0]
    assert section.strip() == conformance.coverage_markdown().strip(), "regenerate it: python -m gxp_landing_zone.validation.conformance"


def test_pack_template_is_valid_and_fits(templates, reference_config):
    stacks = {n: t for n, t in templates.items() if n.startswith("Compliance-")}
    assert set(stacks) == {f"Compliance-audit-{r}" for r in reference_config.allowed_regions}
    research = sorted(a.id for a in reference_config.research_accounts)
    for template in stacks.values():
        (pack,) = [r for r in template["Resources"].values() if r["Type"] == "AWS::Config::OrganizationConformancePack"]
        assert pack["Properties"]["ExcludedAccounts"] == research
        body = pack["Properties"]["TemplateBody"]
        assert len(body.encode()) < 51_200  # AWS's limit for an inline template body
        rules = json.loads(body)["Resources"]
        assert len(rules) == len(conformance.pack_rules())
        for rule in rules.values():
            properties = rule["Properties"]
            assert rule["Type"] == "AWS::Config::ConfigRule"
            assert re.fullmatch(r"part11-[a-z0-9-]+", properties["ConfigRuleName"])
            assert len(properties["Description"]) <= 256
            if properties["Source"]["SourceIdentifier"] in conformance.PERIODIC:
                assert properties["MaximumExecutionFrequency"] == "TwentyFour_Hours"
        lock = next(r for r in rules.values() if r["Properties"]["Source"]["SourceIdentifier"] == "S3_BUCKET_DEFAULT_LOCK_ENABLED")
        assert lock["Properties"]["InputParameters"] == {"mode": "COMPLIANCE"}


def test_alerts_carry_control_and_clause(templates):
    audit = next(t for n, t in templates.items() if n.startswith("Audit-"))
    alerts = {}
    for resource in audit["Resources"].values():
        if resource["Type"] != "AWS::Events::Rule":
            continue
        for target in resource["Properties"]["Targets"]:
            if "InputTransformer" in target:
                pattern = resource["Properties"]["EventPattern"]
                alerts[json.dumps(pattern, sort_keys=True)] = target["InputTransformer"]["InputTemplate"]
    for rule in conformance.pack_rules():
        template = next(t for p, t in alerts.items() if f'"prefix": "{rule.name}"' in p)
        for control in rule.controls:
            assert control in template
        assert rule.part11[0] in template
    changed = next(t for p, t in alerts.items() if "PutBucketObjectLockConfiguration" in p)
    assert "GXP-REC-01" in changed and "11.10(c)" in changed


def test_no_pack_rule_name_is_a_prefix_of_another():
    names = [r.name for r in conformance.pack_rules()]
    assert len(set(names)) == len(names)
    assert not [(a, b) for a in names for b in names if a != b and b.startswith(a)]


def test_generic_alert_leaves_pack_rules_to_the_specific_ones(templates):
    audit = next(t for n, t in templates.items() if n.startswith("Audit-"))
    generic = next(r for k, r in audit["Resources"].items() if k.startswith("NonCompliantResourceAlert"))
    assert generic["Properties"]["EventPattern"]["detail"]["configRuleName"] == [{"anything-but": {"prefix": "part11-"}}]


def test_record_changes_are_forwarded_from_every_records_stack(templates, reference_config):
    from gxp_landing_zone.naming import Names

    bus = Names(reference_config).audit_bus_arn()
    for name, template in templates.items():
        if name.startswith("Records-"):
            rules = [r for r in template["Resources"].values() if r["Type"] == "AWS::Events::Rule"]
            forwarded = [r for r in rules if r["Properties"]["Targets"][0]["Arn"] == bus]
            # The intake check's reports of instrument writes without a stored SHA-256 go to the audit bus too.
            assert {r["Properties"]["EventPattern"]["source"][0] for r in forwarded} == {"aws.s3", "aws.kms", "gxp.records"}
            # The one other rule runs the intake check on each new instrument-data version.
            (intake,) = [r for r in rules if r not in forwarded]
            assert intake["Properties"]["EventPattern"]["detail-type"] == ["Object Created"]


def test_trail_changes_are_forwarded_and_alerted(templates, reference_config):
    organization = next(t for n, t in templates.items() if n.startswith("Organization-"))
    (rule,) = [r for r in organization["Resources"].values() if r["Type"] == "AWS::Events::Rule"]
    assert rule["Properties"]["EventPattern"] == conformance.trail_change_pattern()
    audit = next(t for n, t in templates.items() if n.startswith("Audit-"))
    alert = next(r for k, r in audit["Resources"].items() if "TrailChangedAlert" in k)
    template = alert["Properties"]["Targets"][0]["InputTransformer"]["InputTemplate"]
    assert "GXP-TRAIL-05" in template and "11.10(e)" in template


def test_rules_called_not_applicable_check_types_the_estate_does_not_deploy(templates):
    """'Not applicable' must stay true: a stack that starts deploying one of these types fails here."""
    deployed = {r["Type"] for t in templates.values() for r in t["Resources"].values()}
    for prefix, (what, types) in conformance.NOT_DEPLOYED.items():
        assert not deployed & set(types), f"{prefix} rules are marked 'no {what}', but the estate deploys {deployed & set(types)}"

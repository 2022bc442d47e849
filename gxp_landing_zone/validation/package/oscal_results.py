"""Qualification in OSCAL: a system security plan of the estate (importing the profile of every catalog),
the IQ and OQ protocols as its assessment plan, and the executed, sealed IQ/OQ records as assessment
results - one result per record, one observation per entry, one finding per clause its controls were
judged for. AWS Audit Manager, which held prebuilt GxP frameworks, is closed to new customers; these
files are the open replacement a GRC tool can import."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from trestle.oscal.assessment_plan import AssessmentPlan
from trestle.oscal.assessment_plan import LocalDefinitions as PlanDefinitions
from trestle.oscal.assessment_results import AssessmentResults, ImportAp, Observation, Result
from trestle.oscal.common import (
    Activity, ControlSelection, Finding, FindingTarget, ImportSsp, IncludeAll, ObjectiveStatus, ReviewedControls, SystemId,
)
from trestle.oscal.ssp import (
    AuthorizationBoundary, ControlImplementation, ImplementedRequirement, ImportProfile, InformationType, Status1,
    SystemCharacteristics, SystemComponent, SystemImplementation, SystemInformation, SystemSecurityPlan,
)

from .builder import clause_key
from .oscal import metadata, oscal_uuid, prop, write

ALL = ReviewedControls(control_selections=[ControlSelection(include_all=IncludeAll())])


def system_security_plan(trace: dict, config) -> SystemSecurityPlan:
    estate = trace["estate"]
    accounts = ", ".join(f"{a.role} ({a.id})" for a in config.accounts)
    component = SystemComponent(
        uuid=oscal_uuid(estate, "this-system"), type="this-system", title=f"GxP landing zone ({estate})",
        description="The AWS accounts, regions and stacks the estate's config defines.",
        status={"state": "under-development", "remarks": "qualification state: see the assessment results"})
    requirements = [
        ImplementedRequirement(uuid=oscal_uuid(estate, "ssp", fw["id"], c["id"]), control_id=clause_key(fw["id"], c["id"]),
                               props=[prop("gxp-control", cid) for cid in c["controls"]],
                               remarks=f"{c['status']}: {c['status_reason']}")
        for fw in trace["frameworks"] for c in fw["clauses"] if c["controls"]
    ]
    return SystemSecurityPlan(
        uuid=oscal_uuid(estate, "ssp"),
        metadata=metadata(f"System security plan: {estate}", trace),
        import_profile=ImportProfile(href="profile.json"),
        system_characteristics=SystemCharacteristics(
            system_ids=[SystemId(id=config.organization.naming_prefix)], system_name=f"GxP landing zone {estate}",
            description="Multi-account, multi-region AWS estate for regulated (GxP) work.",
            system_information=SystemInformation(information_types=[
                InformationType(title=d.name, description=d.description or f"records of class {d.name}")
                for d in config.data_classes]),
            status=Status1(state="under-development", remarks="qualification state: see the assessment results"),
            authorization_boundary=AuthorizationBoundary(description=f"Accounts: {accounts}; regions: "
                                                         f"{', '.join(config.allowed_regions)}."),
        ),
        system_implementation=SystemImplementation(components=[component]),
        control_implementation=ControlImplementation(
            description="Per clause, the controls of the component definition that serve it.",
            implemented_requirements=requirements),
    )


def assessment_plan(trace: dict, package: dict) -> AssessmentPlan:
    estate = trace["estate"]
    activities = [Activity(uuid=oscal_uuid(estate, "activity", t["id"]), title=f"{t['id']}: {t['title']}",
                           description=t.get("expected") or t.get("acceptance") or t["title"],
                           props=[prop("protocol-sha256", package["protocol_hashes"]["IQP" if t["id"].startswith("IQ") else "OQP"])])
                  for t in [*package["iq_protocol"], *package["oq_protocol"]]]
    return AssessmentPlan(uuid=oscal_uuid(estate, "assessment-plan"), metadata=metadata(f"IQ and OQ protocols: {estate}", trace),
                          import_ssp=ImportSsp(href="system-security-plan.json"), reviewed_controls=ALL,
                          local_definitions=PlanDefinitions(activities=activities))


def _when(text: str) -> datetime:
    try:
        return datetime.fromisoformat(str(text))
    except ValueError:
        return datetime.now(timezone.utc)


def assessment_results(trace: dict, package: dict, files: list[dict]) -> AssessmentResults:
    estate = trace["estate"]
    cited: dict[str, list[str]] = {}
    for fw in trace["frameworks"]:
        for c in fw["clauses"]:
            for cid in c["controls"]:
                cited.setdefault(cid, []).append(clause_key(fw["id"], c["id"]))
    oq_controls = {t["id"]: t["controls"] for t in package["oq_protocol"]}
    results = []
    for f in files:
        observations, verdicts = [], {}
        for i, entry in enumerate(f["entries"]):
            passed = entry.get("passed") is True
            controls = [entry["control_id"]] if "control_id" in entry else oq_controls.get(entry.get("test_id"), [])
            subject = entry.get("control_id") or f"{entry.get('test_id')} step {entry.get('step')}"
            observations.append(Observation(
                uuid=oscal_uuid(estate, f["file"], str(i)), title=subject,
                description=f"{entry.get('resource', '')}: {entry.get('observed', '')}"[:2000] or "-",
                methods=["TEST"], collected=_when(entry.get("checked_at")),
                props=[prop("outcome", "pass" if passed else str(entry.get("outcome", "fail")))]))
            if entry.get("kind", "step") in ("step", "restore") and entry.get("outcome", "pass" if passed else "fail") in ("pass", "fail"):
                for cid in controls:
                    for key in cited.get(cid, ()):
                        verdicts.setdefault(key, []).append((passed, observations[-1].uuid))
        findings = [Finding(uuid=oscal_uuid(estate, f["file"], "finding", key), title=key,
                            description=f"{len(found)} observation(s) of the controls serving {key} in {f['file']}",
                            target=FindingTarget(type="objective-id", target_id=key, status=ObjectiveStatus(
                                state="satisfied" if all(p for p, _ in found) else "not-satisfied")),
                            related_observations=[{"observation_uuid": u} for _, u in found])
                    for key, found in sorted(verdicts.items())]
        results.append(Result(
            uuid=oscal_uuid(estate, "result", f["file"]), title=f"{f['kind'].upper()} {f['account_role']} {f['region']}",
            description=f"Sealed record {f['file']} ({f['seal']}); protocol SHA-256 {f['protocol_sha256']}.",
            start=_when(f["entries"][0]["checked_at"]) if f["entries"] else datetime.now(timezone.utc),
            reviewed_controls=ALL, observations=observations or None, findings=findings or None))
    return AssessmentResults(uuid=oscal_uuid(estate, "assessment-results"),
                             metadata=metadata(f"Executed IQ and OQ: {estate}", trace),
                             import_ap=ImportAp(href="assessment-plan.json"), results=results)


def write_qualification(trace: dict, package: dict, config, files: list[dict], out: Path) -> list[Path]:
    written = [write(system_security_plan(trace, config), out / "system-security-plan.json"),
               write(assessment_plan(trace, package), out / "assessment-plan.json")]
    if files:
        written.append(write(assessment_results(trace, package, files), out / "assessment-results.json"))
    else:
        (out / "assessment-results.json").unlink(missing_ok=True)
    return written

"""Synthesize an estate with every pack attached and write the auditor's report beside cdk.out.

Used by app.py (``cdk synth``), by ``make report`` and by the tests, so all three see the
same templates and the same evidence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from aws_cdk import App, Validations
from aws_cdk.cx_api import CloudAssembly
from cdk_nag import AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks

from .config import EstateConfig
from .estate import Estate, build_estate, new_app
from .validation.evidence import Deviation, Finding, collect_deviations, pack_of
from .validation.nag_pack import Evaluation, GxpChecks
from .validation.rules.context import RuleContext

REPORT_DIR = "compliance"


@dataclass
class SynthesisResult:
    app: App
    estate: Estate
    assembly: CloudAssembly | None
    evaluations: list[Evaluation]
    deviations: list[Deviation]
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.assembly is not None and not self.findings


def attach_packs(app: App, config: EstateConfig) -> GxpChecks:
    gxp = GxpChecks(app, context=RuleContext.from_config(config))
    Validations.of(app).add_plugins(gxp, AwsSolutionsChecks(app), HIPAASecurityChecks(app), NIST80053R5Checks(app))
    return gxp


def read_findings(outdir: Path) -> list[Finding]:
    report = outdir / "validation-report.json"
    if not report.exists():
        return []
    data = json.loads(report.read_text())
    findings = []
    for plugin in data.get("pluginReports", []):
        for violation in plugin.get("violations", []):
            for construct in violation.get("violatingConstructs", []):
                findings.append(
                    Finding(
                        rule_id=violation["ruleName"],
                        pack=pack_of(violation["ruleName"]),
                        severity=violation.get("severity", "error"),
                        description=violation.get("description", ""),
                        path=construct.get("constructPath", ""),
                    )
                )
    return findings


def synthesize(config: EstateConfig, outdir: str | Path, *, app: App | None = None) -> SynthesisResult:
    outdir = Path(outdir)
    stale = outdir / "validation-report.json"
    if stale.exists():
        stale.unlink()
    app = app or new_app(str(outdir))
    estate = build_estate(app, config)
    gxp = attach_packs(app, config)
    assembly = None
    try:
        assembly = app.synth()
    except RuntimeError as error:
        # A pack violation: the templates are written, the report says why synthesis failed.
        if "ValidationFailed" not in str(error):
            raise
    return SynthesisResult(
        app=app,
        estate=estate,
        assembly=assembly,
        evaluations=list(gxp.log.evaluations),
        deviations=collect_deviations(app),
        findings=read_findings(outdir),
    )


def write_compliance_report(result: SynthesisResult, config: EstateConfig, outdir: str | Path) -> list[Path]:
    from .validation.catalog import load_catalog
    from .validation.controls import CONTROLS
    from .validation.report import write_report
    from .validation.traceability import build_traceability, records_section

    trace = build_traceability(
        load_catalog(),
        CONTROLS,
        result.evaluations,
        result.deviations,
        result.findings,
        estate_name=config.organization.name,
        generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        records=records_section(config),
    )
    written = write_report(Path(outdir) / REPORT_DIR, trace)
    if result.assembly is not None:
        from .validation.compute_report import build_compute_report, write_compute_report

        stacks = [(s.stack_name, s.environment.account, s.template) for s in result.assembly.stacks]
        written += write_compute_report(Path(outdir) / REPORT_DIR, build_compute_report(config, stacks))
    return written

"""Synthesize an estate with every pack attached and write the auditor's report beside cdk.out.

Used by app.py (``cdk synth``), by ``make report`` and by the tests, so all three see the same
templates and the same evidence. The project's controls run as one CDK policy-validation plugin on
the templates CDK wrote (controls/plugin.py); the cdk-nag packs run beside it.
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
from .config.regimes import regimes_of
from .controls.context import ControlContext
from .controls.engine import Deviation, EngineResult, Evaluation, pack_of
from .controls.plugin import PLUGIN_NAME, GxpControls
from .controls.registry import by_id
from .estate import Estate, build_estate, new_app
from .stacks.organization_baseline import TEMPLATE_DIR
from .validation.evidence import Finding

REPORT_DIR = "compliance"
HIPAA = "hipaa"
HIPAA_PACK = "HIPAA Security"  # the deviation log's name for the pack (controls/engine.py pack_of)


@dataclass
class SynthesisResult:
    app: App
    estate: Estate
    assembly: CloudAssembly | None
    outdir: Path
    engine: EngineResult | None
    findings: list[Finding] = field(default_factory=list)

    @property
    def evaluations(self) -> list[Evaluation]:
        return self.engine.evaluations if self.engine else []

    @property
    def deviations(self) -> list[Deviation]:
        """Every acknowledgement as the deviation log lists it, except those of the HIPAA Security pack on
        stacks of accounts without the hipaa regime: the pack does not run there, so nothing is excepted."""
        if not self.engine:
            return []
        hipaa = {a.id for a in self.estate.config.accounts if HIPAA in regimes_of(a)}
        account = {s.name: s.account for s in self.engine.stacks}
        return [d for d in self.engine.deviations if d.pack != HIPAA_PACK or account.get(d.stack) in hipaa]

    @property
    def passed(self) -> bool:
        return self.assembly is not None and self.engine is not None and not self.findings


class ScopedHipaaChecks(HIPAASecurityChecks):
    """The HIPAA Security pack on one stack only.

    cdk-nag 3 packs walk the whole app they receive from CDK's validation context, wherever the plugin is
    registered; HIPAA applies only where protected health information is processed (the accounts whose
    ``regimes`` include hipaa), so this pack judges the construct tree of its one stack instead."""

    def __init__(self, scope) -> None:
        super().__init__()
        self._scope = scope

    def validate(self, context):  # noqa: ARG002 - the context's app is exactly what this pack must not walk
        return self.validate_scope(self._scope)


def attach_nag_packs(app: App, hipaa_scopes=None) -> None:
    """AwsSolutions and NIST 800-53 R5 on every stack; HIPAA Security on ``hipaa_scopes`` (None: on every stack
    of ``app``; [] on none)."""
    Validations.of(app).add_plugins(AwsSolutionsChecks(app), NIST80053R5Checks(app))
    if hipaa_scopes is None:
        Validations.of(app).add_plugins(HIPAASecurityChecks(app))
    else:
        Validations.of(app).add_plugins(*(ScopedHipaaChecks(scope) for scope in hipaa_scopes))


def hipaa_stacks(estate: Estate) -> list:
    """The stacks deployed to an account whose regimes include hipaa."""
    hipaa = {a.id for a in estate.config.accounts if HIPAA in regimes_of(a)}
    return [s for s in estate.stacks if s.account in hipaa]


def prepare_stackset_template(config: EstateConfig):
    """The packs for the baseline StackSet's own app: it deploys to every member account, so HIPAA runs on it
    when any account of the estate processes protected health information."""
    any_hipaa = any(HIPAA in regimes_of(a) for a in config.accounts)
    return lambda app: attach_nag_packs(app, None if any_hipaa else [])


def attach_packs(app: App, config: EstateConfig, estate: Estate | None = None) -> GxpControls:
    """The controls engine (which also judges the StackSets' templates, per instance) and the cdk-nag packs."""
    gxp = GxpControls(ControlContext.from_config(config))
    Validations.of(app).add_plugins(gxp)
    attach_nag_packs(app, hipaa_stacks(estate) if estate is not None else None)
    return gxp


def _control_findings(gxp: GxpControls) -> list[Finding]:
    if gxp.result is None:
        return [Finding("GXP-ENGINE", "GXP", "error", f"the controls engine did not run: {gxp.error}", "")]
    controls = by_id()
    return [
        Finding(
            rule_id=e.control_id,
            pack="GXP",
            severity="error",
            description=f"{controls[e.control_id].title}: {e.observed}",
            path=e.path,
            stack=e.stack,
            logical_id=e.logical_id,
            clauses={k: list(v) for k, v in controls[e.control_id].clauses.items() if v},
        )
        for e in gxp.result.findings
    ]


def _pack_findings(outdir: Path) -> list[Finding]:
    """The cdk-nag packs' unacknowledged violations, from CDK's validation report."""
    report = outdir / "validation-report.json"
    if not report.exists():
        return []
    findings = []
    for plugin in json.loads(report.read_text()).get("pluginReports", []):
        if plugin.get("pluginName") == PLUGIN_NAME:
            continue  # the controls engine's own findings come from its result, with their reasons
        for violation in plugin.get("violations", []):
            for construct in violation.get("violatingConstructs", []):
                resource = construct.get("cloudFormationResource") or {}
                findings.append(
                    Finding(
                        rule_id=violation["ruleName"],
                        pack=pack_of(violation["ruleName"]),
                        severity=violation.get("severity", "error"),
                        description=violation.get("description", ""),
                        path=construct.get("constructPath", ""),
                        stack=Path(resource.get("templatePath", "")).name.removesuffix(".template.json"),
                        logical_id=resource.get("logicalId", ""),
                    )
                )
    return findings


def synthesize(config: EstateConfig, outdir: str | Path, *, app: App | None = None) -> SynthesisResult:
    outdir = Path(outdir)
    stale = outdir / "validation-report.json"
    if stale.exists():
        stale.unlink()
    app = app or new_app(str(outdir))
    for stale in outdir.glob(f"{TEMPLATE_DIR}/*/validation-report.json"):
        stale.unlink()
    # The StackSet templates are synthesized as their own apps while the estate is built; the packs run
    # on them there, and the controls engine judges them in the main app's StackSet resources.
    estate = build_estate(app, config, prepare_template=prepare_stackset_template(config))
    gxp = attach_packs(app, config, estate)
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
        outdir=outdir,
        engine=gxp.result,
        findings=_control_findings(gxp) + _pack_findings(outdir)
        + [f for report in sorted(outdir.glob(f"{TEMPLATE_DIR}/*")) for f in _pack_findings(report)],
    )


def regime_rows(config: EstateConfig) -> list[dict]:
    """Per account: its regimes and the rule packs that judge its stacks."""
    return [
        {"account": a.role, "id": a.id, "regimes": list(regimes_of(a)),
         "packs": ["GXP controls", "AwsSolutions", "NIST 800-53 R5"] + (["HIPAA Security"] if HIPAA in regimes_of(a) else [])}
        for a in config.accounts
    ]


def write_compliance_report(result: SynthesisResult, config: EstateConfig, outdir: str | Path) -> list[Path]:
    from .controls.registry import all_controls
    from .validation.catalog import load_catalog
    from .validation.compute_report import build_compute_report, write_compute_report
    from .validation.report import write_report
    from .validation.traceability import build_traceability, records_section

    trace = build_traceability(
        load_catalog(),
        all_controls(),
        result.evaluations,
        result.deviations,
        result.findings,
        estate_name=config.organization.name,
        generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        records=records_section(config),
        regimes=regime_rows(config),
    )
    written = write_report(Path(outdir) / REPORT_DIR, trace)
    if result.engine is not None:
        stacks = [(s.name, s.account, s.template) for s in result.engine.stacks]
        written += write_compute_report(Path(outdir) / REPORT_DIR, build_compute_report(config, stacks))
    return written

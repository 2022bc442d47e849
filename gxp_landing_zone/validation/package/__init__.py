"""The computer-system-validation package: URS, traceability matrix, IQ/OQ protocols, executed
results, deviation log, change-control runbook, diagrams, the customer's share, per-framework
views and an OSCAL component definition, all generated from one synthesis of the estate."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from .builder import PackageError, build_package, read_results

__all__ = ["PackageError", "build_package", "generate", "read_results"]


def generate(
    config,
    out: str | Path,
    *,
    config_path: str,
    synthesis=None,
    cdk_out: str | Path | None = None,
    iq_results: str | Path | None = None,
    oq_results: str | Path | None = None,
) -> list[Path]:
    """Write the package into ``out``. ``synthesis`` is a SynthesisResult whose templates are in
    ``cdk_out``; without one the estate is synthesized into ``cdk_out`` (required then)."""
    from ...naming import Names
    from ...synthesis import synthesize
    from ..catalog import load_catalog
    from ...controls.registry import all_controls
    from ..traceability import build_traceability
    from .diagrams import architecture_svg, data_flow_svg, stacks_of
    from .oscal import write_component_definition
    from .render import write_package

    # Read results first: a wrong --iq-results path should fail before a synthesis is spent. Either
    # directory may hold IQ and OQ records (the kind is read from the entries); a file named in both
    # is read once.
    result_files = read_results(Path(iq_results)) if iq_results else []
    if oq_results and (not iq_results or Path(oq_results).resolve() != Path(iq_results).resolve()):
        seen = {f["file"] for f in result_files}
        result_files += [f for f in read_results(Path(oq_results), "--oq-results") if f["file"] not in seen]
    if cdk_out is None:
        raise ValueError("cdk_out is required: the directory the estate's templates are (to be) in")
    if synthesis is None:
        synthesis = synthesize(config, cdk_out)
    trace = build_traceability(
        load_catalog(), all_controls(), synthesis.evaluations, synthesis.deviations, synthesis.findings,
        estate_name=config.organization.name,
        generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    stacks = stacks_of(Path(cdk_out))
    package = build_package(trace, config, config_path=config_path, stack_names=[s["name"] for s in stacks],
                            result_files=result_files or None)
    return write_package(
        package, Path(out),
        architecture=architecture_svg(config, stacks),
        data_flow=data_flow_svg(config, Names(config), stacks),
        oscal_writer=lambda path: write_component_definition(trace, path),
    )

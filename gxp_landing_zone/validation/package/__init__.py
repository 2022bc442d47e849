"""The computer-system-validation package: validation plan, risk assessment, URS, specification,
traceability, IQ/OQ/PQ protocols and UAT scripts, executed results, exceptions, deviation form,
change-control runbook, diagrams, the customer's share, a summary report, OSCAL catalogs, component
definition and assessment results, all generated from one synthesis of the estate and the sealed
records given."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from .builder import PackageError, build_package, read_results
from .change_records import include_change_records

__all__ = ["PackageError", "build_package", "generate", "read_results"]


class Written(list):
    """The files written, and the synthesis findings the package records (the command line's exit code)."""

    findings: list = []


def _results(iq_results, oq_results, public_key, protocols) -> list[dict]:
    """Read results first: a wrong --iq-results path should fail before a synthesis is spent. Either directory may
    hold IQ and OQ records (the kind is read from the record); a file named in both is read once."""
    files = read_results(Path(iq_results), "--iq-results", public_key, protocols) if iq_results else []
    if oq_results and (not iq_results or Path(oq_results).resolve() != Path(iq_results).resolve()):
        seen = {f["file"] for f in files}
        files += [f for f in read_results(Path(oq_results), "--oq-results", public_key, protocols) if f["file"] not in seen]
    return files


def generate(
    config,
    out: str | Path,
    *,
    config_path: str,
    synthesis=None,
    cdk_out: str | Path | None = None,
    iq_results: str | Path | None = None,
    oq_results: str | Path | None = None,
    record_public_key: str | Path | None = None,
    qa_records: str | Path | None = None,
    pdf: bool = False,
    change_records: str | Path | None = None,
) -> "Written":
    """Write the package into ``out``. ``synthesis`` is a SynthesisResult whose templates are in ``cdk_out``;
    without one the estate is synthesized into ``cdk_out`` (required then). ``pdf``: print every document to
    PDF with the headless Chromium of node_modules. ``change_records``: a folder of change records fetched from
    the evidence bucket, copied into the package."""
    from ...controls.registry import all_controls
    from ...synthesis import regime_rows, synthesize
    from ..catalog import load_catalog
    from ..documents import DOCUMENTS
    from ..protocols import iq_protocol_sha256, oq_protocol_sha256
    from ..seal import fingerprint, load_public_key, pem
    from ..traceability import build_traceability
    from .diagrams import diagrams_of, stacks_of
    from .document_control import file_sha256, git_commit, register
    from .executed import evidence
    from .qa_records import check_against, load_qa_records
    from .render import write_package

    qa = load_qa_records(qa_records)
    key = None
    if record_public_key is not None:
        try:
            key = load_public_key(record_public_key)
        except (OSError, ValueError) as exc:
            raise PackageError(f"--record-public-key {record_public_key}: {exc}") from None
    result_files = _results(iq_results, oq_results, key, {"iq": iq_protocol_sha256(config), "oq": oq_protocol_sha256()})
    if change_records and not Path(change_records).is_dir():
        raise PackageError(f"--change-records: {change_records} is not a directory; fetch the records into one first")
    if cdk_out is None:
        raise ValueError("cdk_out is required: the directory the estate's templates are (to be) in")
    if synthesis is None:
        synthesis = synthesize(config, cdk_out)
    catalog = load_catalog()
    generated_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    trace = build_traceability(
        catalog, all_controls(), synthesis.evaluations, synthesis.deviations, synthesis.findings,
        estate_name=config.organization.name, generated_at=generated_at, regimes=regime_rows(config),
        customer_records={(p.framework, p.clause): p.model_dump(mode="json") for p in qa.customer_parts},
    )
    check_against(qa, catalog, {e["id"] for e in trace["exceptions"]}, {d.code for d in DOCUMENTS})
    stacks = stacks_of(Path(cdk_out))
    record_key = {"fingerprint": fingerprint(key), "pem": pem(key)} if key is not None else None
    package = build_package(trace, config, config_path=config_path, stack_names=[s["name"] for s in stacks],
                            result_files=result_files or None, qa=qa, record_key=record_key)
    qualification = evidence(package["executed"], package["executed_oq"], package["oq_protocol"])
    if qualification:
        # The clause statuses and evidence levels with the records' evidence; the package is rebuilt from them.
        trace = build_traceability(
            catalog, all_controls(), synthesis.evaluations, synthesis.deviations, synthesis.findings,
            estate_name=config.organization.name, generated_at=generated_at, regimes=regime_rows(config),
            qualification=qualification,
            customer_records={(p.framework, p.clause): p.model_dump(mode="json") for p in qa.customer_parts},
        )
        package = build_package(trace, config, config_path=config_path, stack_names=[s["name"] for s in stacks],
                                result_files=result_files, qa=qa, record_key=record_key)
    package["documents"] = register(config.organization.naming_prefix, qa, git_commit(), config_path,
                                    file_sha256(config_path), generated_at, package["protocol_hashes"])
    written = Written(write_package(package, Path(out), trace=trace, diagrams=diagrams_of(config, stacks), config=config,
                                    result_files=result_files, pdf=pdf))
    if change_records:
        written += include_change_records(change_records, Path(out))
    written.findings = list(synthesis.findings)
    return written

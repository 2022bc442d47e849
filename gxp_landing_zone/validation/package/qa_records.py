"""What QA records about the package, in one YAML file given with --qa-records: the customer's part of
shared clauses, approvals of the accepted design exceptions, document versions with their revision
history, and deviations observed during qualification. Strict like the estate config: an unknown key,
clause, exception or document is an error naming the field, never a silent default.

    customer_parts:
      - {framework: part11, clause: "11.10(a)", evidence: "VMP-001 v2.0", recorded_by: "J. Rivera (QA)", date: 2026-12-01}
    exception_approvals:
      - {id: DEV-001, approved_by: "J. Rivera (QA)", date: 2026-12-01}
    documents:
      URS: {version: "1.0", status: approved, history: [{version: "1.0", date: 2026-12-01, author: "J. Rivera", change: "Approved"}]}
    deviations:
      - {id: QD-001, document: OQP, test: OQ-REC-04, observed: "...", impact: "...", action: "...", raised_by: "...", date: 2026-12-02}
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import Field, ValidationError

from ...config.base import CalendarDate, Strict
from .errors import PackageError


class CustomerPart(Strict):
    framework: str = Field(description="framework id as in regulations.yaml, e.g. part11")
    clause: str = Field(description='clause id, e.g. "11.10(a)"')
    evidence: str = Field(min_length=3, description="the document or record that shows the customer's part")
    recorded_by: str = Field(min_length=2)
    date: CalendarDate


class ExceptionApproval(Strict):
    id: str = Field(pattern=r"^DEV-[A-Z0-9-]+$", description="the exception's ID in the exception log, e.g. DEV-001")
    approved_by: str = Field(min_length=2)
    date: CalendarDate


class Revision(Strict):
    version: str = Field(min_length=1)
    date: CalendarDate
    author: str = Field(min_length=2)
    change: str = Field(min_length=3)


class DocumentState(Strict):
    version: str = Field(min_length=1, description='e.g. "1.0"')
    status: Literal["draft", "in review", "approved"] = "draft"
    history: list[Revision] = Field(default_factory=list)


class QualificationDeviation(Strict):
    id: str = Field(pattern=r"^QD-[0-9]{3,}$", description="e.g. QD-001")
    document: str = Field(description="the protocol it arose in: IQP, OQP, PQP or UAT")
    test: str = Field(description="the test or step, e.g. OQ-REC-04 step 1")
    observed: str = Field(min_length=3)
    impact: str = Field(min_length=3)
    action: str = Field(min_length=3, description="correction and corrective action")
    raised_by: str = Field(min_length=2)
    date: CalendarDate
    closed_by: str | None = None
    closed_on: CalendarDate | None = None


class QaRecords(Strict):
    customer_parts: list[CustomerPart] = Field(default_factory=list)
    exception_approvals: list[ExceptionApproval] = Field(default_factory=list)
    documents: dict[str, DocumentState] = Field(default_factory=dict)
    deviations: list[QualificationDeviation] = Field(default_factory=list)


def load_qa_records(path: str | Path | None) -> QaRecords:
    if path is None:
        return QaRecords()
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise PackageError(f"--qa-records {path}: cannot read it ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        raise PackageError(f"--qa-records {path}: not YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict):
        raise PackageError(f"--qa-records {path}: expected a mapping with customer_parts, exception_approvals, "
                           "documents and deviations")
    try:
        return QaRecords.model_validate(_dates_as_text(data))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise PackageError(f"--qa-records {path}: {problems}") from None


def _dates_as_text(value):
    """YAML reads 2026-12-01 as a date; the models check dates from text, as the estate config does."""
    import datetime as dt

    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def check_against(records: QaRecords, catalog, exception_ids: set[str], document_codes: set[str]) -> None:
    """Every clause, exception and document QA names exists in this package."""
    problems = []
    for i, part in enumerate(records.customer_parts):
        framework = catalog.framework(part.framework)
        if framework is None or part.clause not in framework.clause_ids:
            problems.append(f"customer_parts[{i}]: {part.framework} {part.clause} is not a clause of regulations.yaml")
    for i, approval in enumerate(records.exception_approvals):
        if approval.id not in exception_ids:
            problems.append(f"exception_approvals[{i}]: {approval.id} is not in this estate's exception log")
    problems += [f"documents.{code}: not a document of the package ({', '.join(sorted(document_codes))})"
                 for code in records.documents if code not in document_codes]
    problems += [f"deviations[{i}].document: {d.document} is not a document of the package"
                 for i, d in enumerate(records.deviations) if d.document not in document_codes]
    if problems:
        raise PackageError("--qa-records: " + "; ".join(problems))

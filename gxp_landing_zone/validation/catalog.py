"""The regulation catalog (regulations.yaml) as immutable objects, and the cross-check that
keeps the control registry honest: a control may only cite clauses the catalog knows, or the
traceability matrix would silently drop that evidence."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

CATALOG_PATH = Path(__file__).with_name("regulations.yaml")
KINDS = ("technical", "shared", "procedural")


@dataclass(frozen=True)
class Clause:
    framework: str
    id: str
    kind: str  # technical | shared | procedural
    title: str
    text: str


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    edition: str
    clauses: tuple[Clause, ...]
    # The regime the framework's clauses belong to (config/regimes.py): gxp for the three GxP regulations.
    regime: str = "gxp"

    @property
    def clause_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.clauses)


@dataclass(frozen=True)
class Catalog:
    frameworks: tuple[Framework, ...]

    def __iter__(self):
        return iter(self.frameworks)

    def framework(self, framework_id: str) -> Framework | None:
        return next((f for f in self.frameworks if f.id == framework_id), None)


CLAUSE_FIELDS = {"id", "kind", "title", "text"}


@lru_cache(maxsize=None)
def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    """Parsed once per path: every report build and every test reads the same file."""
    data = _read(path)
    fatal, _ = _problems(data)
    if fatal:
        raise ValueError(f"{path}: " + "; ".join(fatal))
    return Catalog(tuple(
        Framework(
            fw["id"], fw["title"], str(fw["edition"]),
            # YAML may read an unquoted clause number (9, 7.1) as a number; ids are text.
            tuple(Clause(fw["id"], str(c["id"]), c["kind"], str(c["title"]), str(c["text"])) for c in fw["clauses"]),
            str(fw.get("regime", "gxp")),
        )
        for fw in data["frameworks"]
    ))


def check_catalog(path: Path = CATALOG_PATH) -> list[str]:
    """Every problem in the file, including those load_catalog tolerates."""
    fatal, suspicious = _problems(_read(path))
    return fatal + suspicious


def _read(path: Path) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def _problems(data: dict) -> tuple[list[str], list[str]]:
    """(fatal, suspicious). A wrong kind would mislabel who is responsible for a clause, so it
    stops the load. An extra key is suspicious, not fatal: an unquoted comma in a flow mapping
    ({title: A, b c, ...}) still parses, but cuts the title short and invents a key "b c"."""
    fatal, suspicious = [], []
    for fw in data.get("frameworks", []):
        for c in fw.get("clauses", []):
            where = f"{fw.get('id')} {c.get('id')}"
            if missing := CLAUSE_FIELDS - c.keys():
                fatal.append(f"{where}: missing {', '.join(sorted(missing))}")
            elif c["kind"] not in KINDS:
                fatal.append(f"{where}: kind {c['kind']!r} is not one of {', '.join(KINDS)}")
            if extra := sorted(str(k) for k in c.keys() - CLAUSE_FIELDS):
                suspicious.append(
                    f"{where}: unexpected key(s) {', '.join(map(repr, extra))} - quote a value that contains a comma"
                )
        ids = Counter(str(c.get("id")) for c in fw.get("clauses", []))
        fatal.extend(f"{fw.get('id')}: clause id {cid} appears {n} times" for cid, n in ids.items() if n > 1)
    return fatal, suspicious


def check_registry(catalog: Catalog, controls: Iterable) -> list[str]:
    """Every problem that would make the matrix wrong; empty when the registry is consistent."""
    controls = list(controls)
    problems = [
        f"control id {cid} is used {n} times"
        for cid, n in Counter(c.id for c in controls).items()
        if n > 1
    ]
    for control in controls:
        operational = getattr(control, "operational", "")
        if not any(control.clauses.values()) and not operational:
            problems.append(f"{control.id} cites no clause and says no operational reason")
        if any(control.clauses.values()) and operational:
            problems.append(f"{control.id} cites clauses but is marked operational (serving no clause)")
        for framework_id, clause_ids in control.clauses.items():
            framework = catalog.framework(framework_id)
            if framework is None:
                if clause_ids:
                    problems.append(f"{control.id} cites framework {framework_id}, which the catalog does not have")
                continue
            known = set(framework.clause_ids)
            problems.extend(
                f"{control.id} cites {framework_id} {cid}, which the catalog does not have"
                for cid in clause_ids
                if cid not in known
            )
    return problems

"""The code of the records functions: the records and signatures runtimes laid out as the packages they
are in this project (``gxp_landing_zone.records.runtime``, ``gxp_landing_zone.signatures.runtime``), so
the export verifies signatures with the signature service's own code, imported as it is here.

Only the runtime modules ship (boto3 is in the Lambda runtime): the directory is assembled once per
process from the source files, so its contents, and the asset's hash, follow the source exactly."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
RUNTIMES = ("records/runtime", "signatures/runtime")
# Package markers on the way down; written empty so nothing but the runtimes is imported.
PACKAGES = ("", "records", "signatures")


@lru_cache(maxsize=1)
def runtime_root() -> str:
    root = Path(tempfile.mkdtemp(prefix="gxp-records-runtime-"))
    atexit.register(shutil.rmtree, root, True)
    top = root / PACKAGE.name
    for package in PACKAGES:
        (top / package).mkdir(parents=True, exist_ok=True)
        (top / package / "__init__.py").write_text("", encoding="utf-8")
    for runtime in RUNTIMES:
        target = top / runtime
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted((PACKAGE / runtime).glob("*.py")):
            shutil.copyfile(source, target / source.name)
    return str(root)


def handler(module: str, function: str = "handler") -> str:
    """The Lambda handler path of a records runtime module, e.g. handler("intake")."""
    return f"{PACKAGE.name}.records.runtime.{module}.{function}"

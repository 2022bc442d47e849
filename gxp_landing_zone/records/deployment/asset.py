"""The code of the records functions: the records and signatures runtimes laid out as the packages they
are in this project (``gxp_landing_zone.records.runtime``, ``gxp_landing_zone.signatures.runtime``), so
the export verifies signatures with the signature service's own code, imported as it is here."""

from __future__ import annotations

from ...constructs.runtime_asset import PACKAGE, assembled_runtime

RUNTIMES = ("records/runtime", "signatures/runtime")
# Package markers on the way down; written empty so nothing but the runtimes is imported.
PACKAGES = ("", "records", "signatures")


def runtime_root() -> str:
    return assembled_runtime("gxp-records-runtime-", PACKAGES, tuple((runtime, "*.py") for runtime in RUNTIMES))


def handler(module: str, function: str = "handler") -> str:
    """The Lambda handler path of a records runtime module, e.g. handler("intake")."""
    return f"{PACKAGE.name}.records.runtime.{module}.{function}"

"""A function's code as a folder holding only the source files it runs, laid out as the packages they are
in this project (``gxp_landing_zone.records.runtime``, ...), so the function imports them exactly as the
project does and nothing else of the project ships.

The folder is assembled once per process from the source files, so its contents, and the asset's hash,
follow the source exactly. boto3 is in the Lambda runtime and does not ship."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


@lru_cache(maxsize=None)
def assembled_runtime(prefix: str, packages: tuple[str, ...], shipped: tuple[tuple[str, str], ...]) -> str:
    """``packages``: the package markers on the way down, written empty so importing a runtime imports
    nothing else; ``shipped``: (folder, glob) of the source files copied as they are."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, root, True)
    top = root / PACKAGE.name
    for package in packages:
        (top / package).mkdir(parents=True, exist_ok=True)
        (top / package / "__init__.py").write_text("", encoding="utf-8")
    for folder, pattern in shipped:
        (top / folder).mkdir(parents=True, exist_ok=True)
        for source in sorted((PACKAGE / folder).glob(pattern)):
            shutil.copyfile(source, top / folder / source.name)
    return str(root)

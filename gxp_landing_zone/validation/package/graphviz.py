"""Node's part of the package: Graphviz (WebAssembly) lays out the diagrams, headless Chromium prints the
documents. Both come from npm (package.json, installed by make setup) and run on the Node 22 pinned there;
no system package is needed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from .errors import PackageError

ROOT = Path(__file__).resolve().parents[3]
SCRIPTS = Path(__file__).with_name("js")
TIMEOUT_SECONDS = 600


def node() -> str:
    pinned = ROOT / "node_modules" / ".bin" / "node"
    found = str(pinned) if pinned.exists() else shutil.which("node")
    if not found:
        raise PackageError("Node.js is not installed: run make setup (npm ci installs the pinned Node 22)")
    return found


def run_script(script: str, payload: dict, what: str) -> dict:
    """Run js/<script> with ``payload`` as JSON on stdin; its JSON answer, or PackageError saying what is missing."""
    if not (ROOT / "node_modules").is_dir():
        raise PackageError(f"{what} needs the npm packages of package.json: run make setup (npm ci)")
    env = {**os.environ, "NODE_NO_WARNINGS": "1"}
    try:
        done = subprocess.run([node(), str(SCRIPTS / script)], input=json.dumps(payload), capture_output=True,
                              text=True, timeout=TIMEOUT_SECONDS, check=False, cwd=ROOT, env=env)
    except subprocess.TimeoutExpired:
        raise PackageError(f"{what} did not finish within {TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-3:]
        hint = " (run make setup: npm ci)" if "Cannot find package" in done.stderr or "ERR_MODULE_NOT_FOUND" in done.stderr else ""
        raise PackageError(f"{what} failed{hint}: {' '.join(tail)}")
    return json.loads(done.stdout)


def layout(sources: dict[str, str]) -> dict[str, str]:
    """DOT source per name -> SVG per name, laid out by Graphviz's dot."""
    svgs = run_script("layout.mjs", sources, "Diagram layout (@hpcc-js/wasm-graphviz)")
    # Graphviz writes an XML prolog and DOCTYPE; the SVG is embedded in HTML, so only the <svg> element is kept.
    return {name: svg[svg.index("<svg"):] for name, svg in svgs.items()}


def print_pages(pages: list[tuple[Path, Path | None]], *, inspect: bool = True) -> dict[str, dict]:
    """Open every page in one headless Chromium, laid out for landscape A4; print each to its PDF path (if any)."""
    job = {"pages": [{"html": str(html), "pdf": str(pdf) if pdf else None} for html, pdf in pages], "inspect": inspect}
    return run_script("print.mjs", job, "Printing in headless Chromium (@sparticuz/chromium, puppeteer-core)")

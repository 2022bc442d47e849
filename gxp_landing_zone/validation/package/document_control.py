"""Document control for every document of the package: an ID, a version and status, the revision
history, the git commit and the config's SHA-256 it was generated from, the protocol hash a protocol is
frozen by, and the approval blocks (21 CFR 11.10(k), Annex 11 §4.1)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from ..documents import DOCUMENTS, document_id

ROOT = Path(__file__).resolve().parents[3]
DRAFT_VERSION = "0.1"


def git_commit(root: Path = ROOT) -> dict:
    """The commit the package is generated from, and whether the working tree differs from it."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "state": "not a git checkout: the generating code cannot be identified"}
    return {"commit": head, "state": "uncommitted changes in the working tree" if dirty else "clean"}


def file_sha256(path: str | Path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "unknown (config file not readable)"


def register(prefix: str, records, commit: dict, config_path: str, config_sha256: str, generated_at: str,
             protocol_hashes: dict[str, str]) -> dict[str, dict]:
    """Per document code: its ID, version, status, history and the facts every header shows."""
    out = {}
    for doc in DOCUMENTS:
        state = records.documents.get(doc.code) if records else None
        history = [r.model_dump(mode="json") for r in state.history] if state and state.history else [
            {"version": DRAFT_VERSION, "date": generated_at[:10], "author": "generated",
             "change": f"Generated from commit {commit['commit'][:12]}; not yet reviewed"}]
        out[doc.code] = {
            "id": document_id(prefix, doc.code),
            "code": doc.code,
            "stem": doc.stem,
            "title": doc.title,
            "purpose": doc.purpose,
            "version": state.version if state else DRAFT_VERSION,
            "status": state.status if state else "draft",
            "history": history,
            "commit": commit["commit"],
            "commit_state": commit["state"],
            "config": config_path,
            "config_sha256": config_sha256,
            "generated_at": generated_at,
            "protocol_sha256": protocol_hashes.get(doc.code),
        }
    return out

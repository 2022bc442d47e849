"""The IQ and OQ protocols as data, and the SHA-256 that freezes each before execution.

The IQ protocol follows from the control registry and the config alone (one test per control: which
check, in which accounts and regions, what is expected), so the IQ runner computes the same protocol
the validation package prints, and writes its hash into every record it makes. The OQ protocol is
the fixed test definition in oq/protocol.py. A record executed against another protocol than the
package's is refused by the package: the protocol changed after execution.
"""

from __future__ import annotations

import hashlib
import json
from typing import Iterable

IQ_PROTOCOL, OQ_PROTOCOL = "IQP", "OQP"


def requirement_id(control_id: str) -> str:
    # Stable across registry reordering: the specification number follows the control, not its position.
    return "FS-" + control_id.removeprefix("GXP-")


def iq_test_id(control_id: str) -> str:
    return "IQ-" + control_id.removeprefix("GXP-")


def targets(control, config) -> list[tuple[str, str]]:
    """Every (account role, region) whose deployed resources the control's IQ check reads."""
    from .iq.runner import deployed_applies

    return [(a.role, r) for a in config.accounts for r in config.allowed_regions
            if deployed_applies(control, a, r, config)]


def iq_protocol(controls: Iterable, config) -> list[dict]:
    tests = []
    for control in controls:
        pairs = targets(control, config)
        roles = sorted({role for role, _ in pairs}, key=[a.role for a in config.accounts].index)
        tests.append({
            "id": iq_test_id(control.id),
            "requirement": requirement_id(control.id),
            "control": control.id,
            "title": control.title,
            "method": "iq-runner",
            "check": f"{control.check.__module__}.check",
            "config_rule": control.config_rule,
            "accounts": roles,
            "regions": sorted({region for _, region in pairs}),
            "targets": [f"{role} {region}" for role, region in pairs],
            "steps": [
                "Sign in with a role of the qualification signers (config qualification.record_signers) that can "
                "read the account's configuration.",
                "For each target listed, run python -m gxp_landing_zone.validation.iq --config <estate config> "
                "--account-role <role> --region <region> --out iq-results/ --protocol-sha256 <this protocol's SHA-256>.",
                f"In the record, read every entry with control_id {control.id}: resource, expected, observed.",
                "File the sealed record; the package build verifies its chain, its seal and the protocol it executed.",
            ],
            "expected": control.statement,
            "acceptance": (
                f"Every entry for {control.id} in every listed target has passed = true, no target is missing, and "
                "each record's seal verifies against the qualification-records key."
            ),
        })
    return tests


def oq_definition() -> list[dict]:
    """The OQ protocol as the runner executes it: the tests, their steps and which the runner automates."""
    from .oq.protocol import AUTOMATED, OQ_TESTS

    return [{"id": t["id"], "title": t["title"], "controls": list(t["controls"]), "automated": t["id"] in AUTOMATED,
             "steps": [list(s) for s in t["steps"]]} for t in OQ_TESTS]


def protocol_sha256(protocol) -> str:
    return hashlib.sha256(json.dumps(protocol, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
                          .encode("utf-8")).hexdigest()


def iq_protocol_sha256(config) -> str:
    from ..controls.registry import all_controls

    return protocol_sha256(iq_protocol(all_controls(), config))


def oq_protocol_sha256() -> str:
    return protocol_sha256(oq_definition())

"""`make bench`: what the compliance machinery costs on top of CDK itself, side by side in one run.

Estates: 1x, 3x and 10x the reference estate's regulated accounts, and an organization of 100 accounts
whose 93 extra accounts receive only the baseline (from the StackSet: the app should not grow with them).
For each, two scenarios alternate (bare, complete, bare, complete, ...), each in its own process so jsii
start-up is counted every time:
  bare      - the estate's stacks built and synthesized, nothing else (no packs, no report)
  complete  - what `make synth` does: every pack (the controls engine, AwsSolutions, HIPAA Security,
              NIST 800-53 R5) and the compliance report
The figures are medians over the runs: wall time, and the peak resident memory of the whole process
tree (Python and its Node child together), sampled from /proc every 20 ms. The last lines give
``overhead <estate>: complete / bare`` per estate.
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SCALES = (1, 3, 10)


def scaled_config(factor: int) -> dict:
    """The reference config with ``factor`` times its regulated accounts (new roles and IDs), each copy
    configured as its original is: wherever a section names the original's role (its back-up copy region,
    its AI settings, the accounts a group is assigned to), it names the copy too."""
    data = yaml.safe_load((ROOT / "config" / "reference.yaml").read_text())
    regulated = [a for a in data["accounts"] if a["role"].startswith("regulated-")]
    next_id = 800000000000
    for copy_number in range(2, factor + 1):
        for account in regulated:
            clone = copy.deepcopy(account)
            clone["role"] = f"{account['role']}{copy_number}"
            clone["id"] = str(next_id)
            next_id += 1
            for name, section in data.items():
                if name != "accounts":
                    _name_the_copy_too(section, account["role"], clone["role"])
            data["accounts"].append(clone)
    return data


def _name_the_copy_too(node, role: str, clone: str) -> None:
    if isinstance(node, dict):
        for value in list(node.values()):
            _name_the_copy_too(value, role, clone)
        if role in node:
            node[clone] = copy.deepcopy(node[role])
    elif isinstance(node, list):
        for value in node:
            _name_the_copy_too(value, role, clone)
        if role in node:
            node.append(clone)


def baseline_only_config(total: int) -> dict:
    """The reference config grown to ``total`` accounts by research accounts without discovery compute:
    accounts that receive only the baseline, from the StackSet."""
    data = yaml.safe_load((ROOT / "config" / "reference.yaml").read_text())
    for n in range(total - len(data["accounts"])):
        role = f"research-team{n}"
        data["accounts"].append({"role": role, "id": str(900000000000 + n), "regions": [data["home_region"]]})
        data["compute"].setdefault("accounts", {})[role] = {"enabled": False}
    return data


# -- one scenario, in the child process ------------------------------------------------------------


def _scenario(kind: str, outdir: str, config_path: str) -> None:
    from .config import load_config

    config = load_config(config_path)
    if kind == "bare":
        from .estate import build_estate, new_app

        app = new_app(outdir)
        build_estate(app, config)
        assembly = app.synth()
        stacks, findings = len(assembly.stacks), 0
    else:
        from .synthesis import synthesize, write_compliance_report

        result = synthesize(config, outdir)
        write_compliance_report(result, config, outdir)
        stacks, findings = len(result.assembly.stacks) if result.assembly else -1, len(result.findings)
    print(f"stacks={stacks} findings={findings}")


# -- measuring from the parent ---------------------------------------------------------------------


def _tree_rss_kib(root: int) -> int:
    """Resident memory of ``root`` and all its descendants, from /proc."""
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        try:
            with open(f"/proc/{pid}/status") as status:
                total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as children:
                    pending += [int(c) for c in children.read().split()]
        except (OSError, ValueError):
            continue
    return total


def _run(args: list[str]) -> tuple[float, float, str]:
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    start = time.perf_counter()
    errors_file = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(
        [sys.executable, "-m", "gxp_landing_zone.bench", "--scenario", *args],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=errors_file, text=True,
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kib(process.pid))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output = process.stdout.read()
    process.wait()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    errors_file.seek(0)
    errors = errors_file.read()
    errors_file.close()
    # A scenario that synthesized nothing (a refused config, an exception) is a failed benchmark, not a fast one.
    synthesized = re.search(r"stacks=(\d+)", output)
    if process.returncode not in (0, 1) or synthesized is None or int(synthesized.group(1)) < 1:
        raise SystemExit(f"{' '.join(args)} failed (exit {process.returncode}): {errors.strip()[-2000:]}")
    return elapsed, peak[0] / 1024, output.strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gxp_landing_zone.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each scenario per scale (median reported)")
    parser.add_argument("--scales", default=",".join(map(str, SCALES)), help="comma-separated regulated-account factors")
    parser.add_argument(
        "--accounts", type=int, default=100, help="also an organization of this many accounts, the extra ones baseline-only (0: skip)"
    )
    parser.add_argument("--scenario", nargs=3, metavar=("KIND", "OUTDIR", "CONFIG"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.scenario:
        _scenario(*args.scenario)
        return 0
    estates = {f"{scale}x": scaled_config(scale) for scale in (int(s) for s in args.scales.split(","))}
    if args.accounts:
        estates[f"{args.accounts}acct"] = baseline_only_config(args.accounts)
    ratios = {}
    print(f"{'estate':<8}{'scenario':<10}{'wall s (median)':>17}{'min-max':>14}{'peak tree MiB':>15}  detail")
    with tempfile.TemporaryDirectory() as tmp:
        for label, data in estates.items():
            config = Path(tmp) / f"estate-{label}.yaml"
            config.write_text(yaml.safe_dump(data))
            runs: dict[str, list[tuple[float, float, str]]] = {"bare": [], "complete": []}
            for n in range(args.runs):
                for kind in runs:
                    runs[kind].append(_run([kind, f"{tmp}/{kind}-{label}-{n}", str(config)]))
            for kind, measured in runs.items():
                walls = [m[0] for m in measured]
                peak = statistics.median(m[1] for m in measured)
                print(
                    f"{label:<8}{kind:<10}{statistics.median(walls):>17.1f}"
                    f"{f'{min(walls):.1f}-{max(walls):.1f}':>14}{peak:>15.0f}  {measured[-1][2]}"
                )
            ratios[label] = statistics.median(c[0] / b[0] for b, c in zip(runs["bare"], runs["complete"]))
    for label, ratio in ratios.items():
        print(f"overhead {label}: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: synthesis cost and how it grows, measured side by side in one run.

Scenarios, each in its own process so jsii start-up is counted every time:
  floor      - a one-bucket CDK app: the fixed cost of Python + jsii + Node
  reference  - the reference estate with all four packs
  scaled     - the reference estate with three times the regulated accounts
Peak memory is the largest resident set of the scenario's process tree member that
was waited for (Python or its Node child), from wait4's rusage.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _floor(outdir: str) -> None:
    from aws_cdk import App, Stack
    from aws_cdk import aws_s3 as s3

    # Same settings as the estate's apps (CloudFormation validation plugin off), so the
    # difference between the rows is the estate, not the settings.
    app = App(outdir=outdir, builtin_cloud_formation_validation=False)
    s3.Bucket(Stack(app, "OneBucket"), "Bucket")
    app.synth()


def _estate(outdir: str, config_path: str) -> None:
    from .config import load_config
    from .synthesis import synthesize

    result = synthesize(load_config(config_path), outdir)
    print(f"stacks={len(result.assembly.stacks)} resources="
          f"{sum(len(s.template.get('Resources', {})) for s in result.assembly.stacks)} findings={len(result.findings)}")


def scaled_config(factor: int) -> dict:
    data = yaml.safe_load((ROOT / "config" / "reference.yaml").read_text())
    regulated = [a for a in data["accounts"] if a["role"].startswith("regulated-")]
    next_id = 800000000000
    for copy_number in range(2, factor + 1):
        for account in regulated:
            clone = copy.deepcopy(account)
            clone["role"] = f"{account['role']}{copy_number}"
            clone["id"] = str(next_id)
            next_id += 1
            data["accounts"].append(clone)
    return data


def _run(name: str, args: list[str]) -> tuple[float, float, str]:
    env = {**os.environ, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20"}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-m", "gxp_landing_zone.bench", *args], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{name} failed (status {status})")
    return elapsed, usage.ru_maxrss / 1024, output.strip()


def main() -> int:
    if len(sys.argv) > 1:
        scenario, outdir, *rest = sys.argv[1:]
        _floor(outdir) if scenario == "floor" else _estate(outdir, rest[0])
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        scaled = Path(tmp) / "scaled.yaml"
        scaled.write_text(yaml.safe_dump(scaled_config(3)))
        scenarios = [
            ("one-bucket app (floor)", ["floor", f"{tmp}/floor"]),
            ("reference estate", ["estate", f"{tmp}/reference", str(ROOT / "config" / "reference.yaml")]),
            ("3x regulated accounts", ["estate", f"{tmp}/scaled", str(scaled)]),
        ]
        print(f"{'scenario':<28}{'wall s':>8}{'peak MiB':>10}  detail")
        for name, args in scenarios:
            elapsed, peak, detail = _run(name, args)
            print(f"{name:<28}{elapsed:>8.1f}{peak:>10.0f}  {detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

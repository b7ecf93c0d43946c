"""Benchmark: prints the figures (never asserted in a test). `python -m tools.bench` / `make bench`.

Each figure is one fresh process, timed from outside, with its own peak resident memory (wait4 rusage):
- import: the provider bindings alone, loaded as the project loads them (core/bindings.py)
- import (plain): the same import with Python's default garbage collection, for comparison
- synth: main.py synthesizing every workload x environment (goal: <= 1.2 x import, <= 1.5 GB peak)
- unit+scan layer: pytest -m "not integration" (unit, config, policy, validate tests)
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "reports" / "bench.json"


def measure(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of one child process; raises on a non-zero exit."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})},  # pylint: disable=consider-using-with
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed (exit {proc.returncode}): {' '.join(args)}")
    return seconds, usage.ru_maxrss / 1024


def report(figures: dict[str, dict[str, float]], stacks: int, path: Path = REPORT) -> float:
    """Print the table and goals, write the JSON report; returns the synth / import ratio."""
    ratio = figures["synth (all stacks)"]["seconds"] / figures["import"]["seconds"]
    print(f"{'step':22} {'seconds':>8} {'peak MB':>8}")
    for label, fig in figures.items():
        print(f"{label:22} {fig['seconds']:8.2f} {fig['peak_mb']:8.0f}")
    print(f"stacks synthesized: {stacks}")
    print(f"synth / import ratio: {ratio:.2f} (goal <= 1.2)")
    print(f"synth peak memory: {figures['synth (all stacks)']['peak_mb'] / 1024:.2f} GB (goal <= 1.5)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"figures": figures, "stacks": stacks, "ratio": round(ratio, 2)}, indent=2) + "\n",
                    encoding="utf-8")
    return ratio


def main() -> int:  # pragma: no cover - minutes of real measurements; report() and measure() are tested
    """Run every measurement, print the table, write reports/bench.json."""
    py = sys.executable
    figures: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as out:
        steps = [
            ("import", [py, "-c", "from core import bindings; bindings.load()"], {}),
            ("import (plain)", [py, "-c", "import cdktf_cdktf_provider_aws"], {}),
            ("synth (all stacks)", [py, "main.py"], {"CDKTF_OUTDIR": out, "WORKLOADS": "", "ENVIRONMENTS": ""}),
            ("unit+scan layer", [py, "-m", "pytest", "-m", "not integration", "-q", "-p", "no:cacheprovider"], {}),
        ]
        for label, args, env in steps:
            print(f"measuring {label} ...", file=sys.stderr, flush=True)
            seconds, rss = measure(args, {"PYTHONPATH": str(ROOT), **env})
            figures[label] = {"seconds": round(seconds, 2), "peak_mb": round(rss)}
        stacks = len(list((Path(out) / "stacks").iterdir()))
    report(figures, stacks)
    return 0


if __name__ == "__main__":
    sys.exit(main())

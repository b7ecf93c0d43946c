"""Benchmark: prints the figures (never asserted in a test). `python -m tools.bench` / `make bench`.

Each figure is one fresh process, timed from outside, with the peak resident memory of its whole process tree:
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


def tree_rss_mb(root: int) -> float:
    """Resident memory of process `root` and all its descendants (the jsii Node.js runtime is a child), in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="utf-8").rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(stat.parent.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total / 1024 / 1024


def measure(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB of the child and its descendants, sampled every 0.1 s); raises on failure."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})},  # pylint: disable=consider-using-with
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        time.sleep(0.1)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"benchmark step failed (exit {proc.returncode}): {' '.join(args)}")
    return seconds, peak


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

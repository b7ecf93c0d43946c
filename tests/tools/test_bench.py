"""The benchmark's measuring and reporting (the figures themselves are printed by `make bench`, never asserted)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tools import bench


def test_measure_times_a_child_and_reads_its_peak_memory() -> None:
    seconds, peak_mb = bench.measure(
        [
            sys.executable,
            "-c",
            "import time; x = bytearray(64 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096]); time.sleep(0.5)",
        ]
    )
    assert seconds > 0.5
    assert peak_mb >= 64


def test_measure_fails_on_a_failing_step() -> None:
    with pytest.raises(SystemExit, match="benchmark step failed"):
        bench.measure([sys.executable, "-c", "raise SystemExit(3)"])


def test_run_step_counts_the_cpu_of_the_whole_tree_and_keeps_the_output() -> None:
    burn = "import time; t = time.process_time(); exec('while time.process_time() - t < 0.3: pass'); print('done')"
    step = bench.run_step(
        [
            sys.executable,
            "-c",
            f"import subprocess, sys; subprocess.run([sys.executable, '-c', {burn!r}], check=True); print('parent')",
        ]
    )
    assert step.cpu_seconds >= 0.3  # the grandchild's 0.3 s of CPU is counted once it is reaped
    assert step.stdout == "done\nparent\n"


def test_report_prints_figures_ratios_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fig = {"cpu_seconds": 1.0, "peak_mb": 1200}
    figures = {
        "steps": {
            "eager import floor": {**fig, "seconds": 6.0},
            "lazy import floor": {**fig, "seconds": 2.5},
            "full synth": {**fig, "seconds": 5.0},
        },
        "stacks": 18,
        "phases": {"load": 2.5, "build": 1.5, "synth": 0.75},
        "identical": True,
        "files": 28,
        "deploy": {
            "seconds": 200.0,
            "critical_path": 160.0,
            "slowest": "flask-api-dev",
            "stacks": {"bootstrap-dev": 60.0, "flask-api-dev": 100.0},
        },
    }
    ratios = bench.report(figures, tmp_path / "bench.json")
    assert ratios == pytest.approx({"eager": 5.0 / 6.0, "lazy": 2.0, "deploy": 1.25})
    out = capsys.readouterr().out
    for line in (
        "full synth / eager import floor: 0.83 (goal <= 1.0)",
        "full synth / lazy import floor: 2.00",
        "in the synth process: load 2.50 s, build 1.50 s, app.synth() 0.75 s",
        "synth peak memory: 1.17 GB (goal <= 1.5)",
        "byte-identical to the eager import: yes (28 files)",
        "deploy of the dev stacks: wall 200.0 s; critical path 160.0 s (bootstrap + flask-api-dev); "
        "ratio 1.25 (goal <= 1.3)",
        "    flask-api-dev: 100.0 s",
    ):
        assert line in out.splitlines()
    written = json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))
    assert (written["stacks"], written["ratios"]) == (18, {"eager": 0.83, "lazy": 2.0, "deploy": 1.25})


def test_report_prints_the_test_layers_with_pytests_counts_and_the_gate_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fig = {"cpu_seconds": 1.0, "peak_mb": 1200}
    output = (
        "...\n---- make lint (ran beside pytest)\n"
        "make test: 540 s, 1012 CPU s; lint 95 s, 80 CPU s (exit 0), typecheck ? s, ? CPU s (exit 1), "
        "pytest-beside-1 300 s, 150 CPU s (exit 0), pytest-beside-3 280 s, 140 CPU s (exit 0), "
        "pytest 510 s, 620 CPU s (exit 0), coverage 20 s, 22 CPU s (exit 0)\n"
    )
    # make test prints the main run's output first, then each run beside it: the main run's summary is the first
    gate_output = "x\n981 passed, 9 skipped in 529.01s (0:08:49)\n---- pytest-beside-3\n12 passed in 300.00s\n"
    figures = {
        "cores": 2,
        "load_average": [1.5, 1.0, 1.0],
        "load_average_after": [2.25, 1.0, 1.0],
        "steps": {
            "eager import floor": {**fig, "seconds": 6.0},
            "lazy import floor": {**fig, "seconds": 2.5},
            "full synth": {**fig, "seconds": 5.0},
            "unit layer": {**fig, "seconds": 101.4},
            "make test": {**fig, "seconds": 541.0},
        },
        "stacks": 18,
        "phases": {"load": 2.5, "build": 1.5, "synth": 0.75},
        "pytest": {
            "unit layer": bench.pytest_summary("...\n= 900 passed, 4 skipped, 1 deselected in 98.70s (0:01:38) =\n"),
            "make test": bench.pytest_summary(gate_output, first=True),
        },
        "gate": bench.gate_summary(output),
    }
    bench.report(figures, tmp_path / "bench.json")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "2 cores; load average 1.5 at the start, 2.25 at the end"
    for line in (
        "unit layer: 101 s (goal <= 120)",
        "    900 passed, 4 skipped, 1 deselected; pytest's own 99 s",
        "make test: 541 s (goal <= 600)",
        "    981 passed, 9 skipped; pytest's own 529 s",
        "    its own count: 540 s, 1012 CPU s",
        "    its steps, side by side: lint 95 s / 80 CPU s (exit 0), typecheck ? s / ? CPU s (exit 1), "
        "pytest-beside-1 300 s / 150 CPU s (exit 0), pytest-beside-3 280 s / 140 CPU s (exit 0), "
        "pytest 510 s / 620 CPU s (exit 0), coverage 20 s / 22 CPU s (exit 0)",
    ):
        assert line in out
    assert bench.gate_summary(output)["seconds"] == 540
    assert bench.pytest_summary(gate_output)["counts"] == {"passed": 12}  # the last one by default
    assert not bench.pytest_summary("no summary") and not bench.gate_summary("no summary")


def test_critical_path_is_bootstrap_plus_the_slowest_stack() -> None:
    output = (
        "==> deploy bootstrap-dev (local) ...\n<== deploy bootstrap-dev (local): done in 63.0s\n"
        "<== deploy flask-api-dev (local): done in 146.5s\n"
        "<== deploy event-processing-dev (local): done in 77.0s\n<== plan flask-api-dev (local): done in 9.0s\n"
    )
    assert bench.critical_path(output) == {
        "stacks": {"bootstrap-dev": 63.0, "flask-api-dev": 146.5, "event-processing-dev": 77.0},
        "slowest": "flask-api-dev",
        "critical_path": 209.5,
    }
    parallel = (
        "[1/3] bootstrap-dev: applied in 63 s\n[2/3] event-processing-dev: applied in 77 s\n"
        "[3/3] flask-api-dev: applied in 146 s\n[1/1] flask-api-dev: Plan: 1 to add in 9 s\n"
    )
    assert bench.critical_path(parallel) == {
        "stacks": {"bootstrap-dev": 63.0, "event-processing-dev": 77.0, "flask-api-dev": 146.0},
        "slowest": "flask-api-dev",
        "critical_path": 209.0,
    }
    assert bench.critical_path("nothing here") == {"stacks": {}, "slowest": "", "critical_path": 0.0}


def test_identical_compares_every_file_byte_for_byte(tmp_path: Path) -> None:
    for side in ("a", "b"):
        (tmp_path / side / "stacks" / "s").mkdir(parents=True)
        (tmp_path / side / "stacks" / "s" / "cdk.tf.json").write_bytes(b"{}")
    assert bench.identical(tmp_path / "a", tmp_path / "b") == (True, 1)
    (tmp_path / "b" / "stacks" / "s" / "cdk.tf.json").write_bytes(b"{ }")
    assert bench.identical(tmp_path / "a", tmp_path / "b") == (False, 1)
    (tmp_path / "b" / "stacks" / "s" / "cdk.tf.json").write_bytes(b"{}")
    (tmp_path / "b" / "extra").write_bytes(b"")
    assert bench.identical(tmp_path / "a", tmp_path / "b") == (False, 1)


def test_named_submodules_are_what_the_code_imports() -> None:
    named = bench.named_submodules()
    assert {"provider", "s3_bucket", "lambda_function", "rds_cluster"} <= set(named)
    assert named == sorted(set(named)) and "xray_group" not in named


def test_the_unit_layer_is_what_make_unit_runs() -> None:
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nunit: ", 1)[1].splitlines()[1]
    assert recipe.strip() == f'$(PY) -m pytest -m "{bench.UNIT_LAYER}"'

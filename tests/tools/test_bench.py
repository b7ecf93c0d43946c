"""The benchmark's measuring and reporting (the figures themselves are printed by `make bench`, never asserted)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from tools import bench


def test_measure_times_a_child_and_reads_its_peak_memory() -> None:
    seconds, peak_mb = bench.measure([sys.executable, "-c", "import time; x = bytearray(64 * 1024 * 1024); "
                                                            "x[::4096] = b'1' * len(x[::4096]); time.sleep(0.5)"])
    assert seconds > 0.5
    assert peak_mb >= 64


def test_measure_fails_on_a_failing_step() -> None:
    with pytest.raises(SystemExit, match="benchmark step failed"):
        bench.measure([sys.executable, "-c", "raise SystemExit(3)"])


def test_report_prints_figures_ratio_and_writes_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figures = {"import": {"seconds": 5.0, "peak_mb": 1100}, "synth (all stacks)": {"seconds": 6.0, "peak_mb": 1200}}
    assert bench.report(figures, 22, tmp_path / "bench.json") == pytest.approx(1.2)
    out = capsys.readouterr().out
    assert "synth / import ratio: 1.20 (goal <= 1.2)" in out
    assert "synth peak memory: 1.17 GB (goal <= 1.5)" in out
    assert json.loads((tmp_path / "bench.json").read_text(encoding="utf-8"))["stacks"] == 22

"""main.py: a bad configuration exits 2 with every problem on stderr and synthesizes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

import main


def test_bad_selection_exits_2_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CDKTF_OUTDIR", str(tmp_path / "out"))
    assert main.main(["--environments", "qa", "--suffix", "Bad!"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: configuration has 2 problem(s):\n  - unknown environment 'qa'")
    assert not (tmp_path / "out").exists()


def test_selection_comes_from_environment_variables() -> None:
    selection, records, _ = main.resolve([], environ={"WORKLOADS": "bootstrap", "ENVIRONMENTS": "prod"})
    assert (selection.workloads, selection.environments, selection.suffix) == (("bootstrap",), ("prod",), None)
    assert records["prod"].account_id == "333333333333"


def test_main_synthesizes_the_selection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CDKTF_OUTDIR", str(tmp_path / "nested" / "out"))
    assert main.main(["--workloads", "bootstrap", "--environments", "staging"]) == 0
    assert (tmp_path / "nested" / "out" / "stacks" / "bootstrap-staging" / "cdk.tf.json").exists()

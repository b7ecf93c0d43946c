"""The CLI in-process: synth, validate, scan, the emulator commands, and the exit-code contract (0 success, 1
error, 2 bad input, 3 changes with --detailed-exitcode, 130 interrupted)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable

import pytest

from emulator import server as emulator
from tests.conftest import Deployment
from tools import cli, targets, terraform
from tools.progress import ToolError


@pytest.mark.terraform
@pytest.mark.checkov
def test_synth_validate_and_scan_one_stack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--workloads", "bootstrap", "--environments", "prod", "--outdir", str(tmp_path / "out")]
    assert cli.main(["synth", *args]) == 0
    assert (tmp_path / "out" / "stacks" / "bootstrap-prod" / "cdk.tf.json").exists()
    assert cli.main(["validate", *args]) == 0
    assert "[1/1] bootstrap-prod: valid" in capsys.readouterr().err
    assert cli.main(["scan", *args]) == 0
    total = capsys.readouterr().out.splitlines()[-1]
    passed = int(total.split("passed ")[1].split(",")[0])
    assert passed >= 21 and ", failed 0, suppressed 5;" in total  # 21 built-in checks pass, plus our own


def test_configuration_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["synth", "--environments", "qa"]) == 2
    assert "unknown environment 'qa'" in capsys.readouterr().err


def test_configuration_error_of_a_detailed_plan_is_2_never_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["plan", "--detailed-exitcode", "--environments", "qa", "--outdir", str(tmp_path / "o")]) == 2
    assert "unknown environment 'qa'" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()  # nothing synthesized, nothing planned


@pytest.mark.parametrize("argv", [["nope"], ["plan", "--target", "gcp"], ["plan", "--detailed-exitcode=yes"]])
def test_usage_error_exits_2_with_argparse_message(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: python -m tools") and "error: " in err


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "--detailed-exitcode" in out and "3    changes: `plan --detailed-exitcode`" in out


def test_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupted(args: Any) -> int:
        raise KeyboardInterrupt

    monkeypatch.setitem(cli.COMMANDS, "synth", interrupted)
    assert cli.main(["synth"]) == 130
    assert capsys.readouterr().err == "interrupted\n"


@pytest.mark.parametrize("twice", [False, True])
def test_an_interrupted_run_says_whether_terraform_stopped_cleanly(
    twice: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    """Terraform gets one interrupt from the runner; a second one from outside (e.g. `pkill terraform`) makes it
    exit at once ("Two interrupts received. Exiting immediately."): then the message must not claim a clean stop."""
    from tools import parallel  # pylint: disable=import-outside-toplevel

    stop = parallel.Stop()
    stop.signal_name = "SIGTERM"
    stop.event.set()
    error = "terraform apply failed (exit 1):\n" + (
        "Two interrupts received. Exiting immediately. Note that data loss may have\noccurred." if twice else ""
    )
    results = [parallel.Result("a-dev", "interrupted", error=error), parallel.Result("b-dev", "skipped")]
    args = cli._parser().parse_args(["deploy", "--workloads", "a"])
    assert cli._finish(args, results, stop) == 130
    err = capsys.readouterr().err
    assert ("stopped cleanly" in err, "Terraform of a-dev got a second interrupt" in err) == (not twice, twice)
    if twice:
        assert "Run the same command: python -m tools deploy --workloads a; it names a held lock" in err


@pytest.mark.integration
def test_plan_exit_codes_on_the_emulator(
    monkeypatch: pytest.MonkeyPatch,
    emulator_deployment: Deployment,
    deploy: Callable[[str], dict[str, Any]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A real plan (terraform against the session emulator) of a stack never deployed there (its own suffix):
    changes -> 3 with --detailed-exitcode, 0 without (each call also re-applies bootstrap-dev, ~25 s)."""
    deploy("bootstrap-dev")
    monkeypatch.setattr(targets, "resolve_target", lambda name, account: emulator_deployment.target)
    outdir = tmp_path / "out"
    args = ["plan", "--workloads", "event-processing", "--suffix", "exitcode", "--outdir", str(outdir)]
    assert cli.main([*args, "--detailed-exitcode"]) == 3
    synthesized = json.loads((outdir / "stacks" / "event-processing-dev-exitcode" / "cdk.tf.json").read_text("utf-8"))
    count = sum(len(blocks) for blocks in synthesized["resource"].values())
    line = f"] event-processing-dev-exitcode: Plan: {count} to add, 0 to change, 0 to destroy. in "  # tools/parallel.py
    assert line in capsys.readouterr().err
    assert cli.main(args) == 0
    assert line in capsys.readouterr().err


def test_local_target_refuses_two_accounts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        ["deploy", "--workloads", "bootstrap", "--environments", "dev,prod", "--outdir", str(tmp_path / "out")]
    )
    assert code == 1
    assert "the local emulator emulates one account" in capsys.readouterr().err


@pytest.mark.emulator
def test_emulator_start_status_stop(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(emulator, "STATE_FILE", tmp_path / "emulator.json")
    port = emulator.free_port()
    started = emulator.start_daemon("111111111111", port=port)
    try:
        assert cli.main(["emulator", "status"]) == 0
        assert f"emulator running on http://127.0.0.1:{port} (account 111111111111)" in capsys.readouterr().err
        assert emulator.start_daemon("111111111111", port=port).pid == started.pid  # reused, not restarted
        with pytest.raises(ToolError, match="emulates account 111111111111, not 333333333333"):
            emulator.start_daemon("333333333333", port=port)
    finally:
        assert cli.main(["emulator", "stop"]) == 0
    assert "emulator stopped" in capsys.readouterr().err
    assert cli.main(["emulator", "stop"]) == 0
    assert "no emulator was running" in capsys.readouterr().err
    assert cli.main(["emulator", "status"]) == 0
    assert "no emulator running" in capsys.readouterr().err


def test_mirror_config_is_the_standard_provider_installation(tmp_path: Path) -> None:
    (tmp_path / "registry.terraform.io").mkdir()
    text = terraform.cli_config({"TF_PROVIDER_MIRROR": str(tmp_path)}).read_text(encoding="utf-8")
    assert f'path = "{tmp_path}"' in text
    assert 'direct {\n    exclude = ["registry.terraform.io/*/*"]' in text
    registry = terraform.cli_config({}).read_text(encoding="utf-8")
    assert registry.startswith("plugin_cache_dir = ") and "provider_installation" not in registry


def test_bad_mirror_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ToolError, match="has no registry.terraform.io/ folder"):
        terraform.cli_config({"TF_PROVIDER_MIRROR": str(tmp_path)})


@pytest.mark.terraform
def test_terraform_failure_carries_terraforms_message(tmp_path: Path) -> None:
    (tmp_path / "main.tf.json").write_text('{"resource": {"nope": {}}}', encoding="utf-8")
    with pytest.raises(ToolError, match=r"terraform plan failed in .* \(exit 1\)"):
        terraform.run(tmp_path, ["plan"])

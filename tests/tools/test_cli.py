"""The CLI in-process: synth, validate, scan, the emulator commands and error exits."""
from __future__ import annotations

from pathlib import Path

import pytest

from tools import cli, emulator, terraform
from tools.progress import ToolError


def test_synth_validate_and_scan_one_stack(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--workloads", "bootstrap", "--environments", "prod", "--outdir", str(tmp_path / "out")]
    assert cli.main(["synth", *args]) == 0
    assert (tmp_path / "out" / "stacks" / "bootstrap-prod" / "cdk.tf.json").exists()
    assert cli.main(["validate", *args]) == 0
    assert "[1/1] bootstrap-prod: valid" in capsys.readouterr().err
    assert cli.main(["scan", *args]) == 0
    total = capsys.readouterr().out.splitlines()[-1]
    passed = int(total.split("passed ")[1].split(",")[0])
    assert passed >= 21 and ", failed 0, suppressed 3;" in total  # 21 built-in checks pass, plus our own


def test_configuration_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["synth", "--environments", "qa"]) == 2
    assert "unknown environment 'qa'" in capsys.readouterr().err


def test_local_target_refuses_two_accounts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["deploy", "--workloads", "bootstrap", "--environments", "dev,prod",
                     "--outdir", str(tmp_path / "out")])
    assert code == 1
    assert "the local emulator emulates one account" in capsys.readouterr().err


def test_emulator_start_status_stop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
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


def test_terraform_failure_carries_terraforms_message(tmp_path: Path) -> None:
    (tmp_path / "main.tf.json").write_text('{"resource": {"nope": {}}}', encoding="utf-8")
    with pytest.raises(ToolError, match=r"terraform plan failed in .* \(exit 1\)"):
        terraform.run(tmp_path, ["plan"])

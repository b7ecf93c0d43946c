"""Targets: the only place local and aws differ."""

from __future__ import annotations

from pathlib import Path

import pytest

from emulator import server as emulator
from tests.conftest import dev_emulator, emulator_client
from tools import targets


def test_aws_target_overrides_nothing() -> None:
    target = targets.resolve_target("aws", "333333333333")
    assert (target.name, target.env, target.bootstrap_state_dir) == ("aws", {}, None)
    assert not target.bootstrap_backend_config("bootstrap-prod")


def test_local_target_points_clients_at_the_emulator(tmp_path: Path) -> None:
    fake = emulator.Emulator(port=4999, account_id="111111111111")
    (tmp_path / "old.tfstate").write_text("{}", encoding="utf-8")
    target = targets.local_target(fake, tmp_path, fresh=True)
    assert target.env == {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4999",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_MAX_ATTEMPTS": "2",
        "AWS_RETRY_MODE": "standard",
    }
    assert not (tmp_path / "old.tfstate").exists()  # a fresh emulator starts with fresh bootstrap state
    assert target.bootstrap_backend_config("bootstrap-dev") == {"path": str(tmp_path / "bootstrap-dev.tfstate")}


def test_resolve_local_starts_the_daemon_for_the_account(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[str] = []

    def fake_start(account: str) -> emulator.Emulator:
        started.append(account)
        return emulator.Emulator(port=4998, account_id=account)

    monkeypatch.setattr(targets, "start_daemon", fake_start)
    monkeypatch.setattr(emulator, "running", lambda: None)
    target = targets.resolve_target("local", "111111111111")
    assert started == ["111111111111"]
    assert (target.name, target.env["AWS_ENDPOINT_URL"]) == ("local", "http://127.0.0.1:4998")


@pytest.mark.emulator
def test_emulator_reset_wipes_resources() -> None:
    with dev_emulator() as emu:
        s3 = emulator_client(emu.endpoint, "s3")
        s3.create_bucket(Bucket="wiped")
        emu.reset()
        assert s3.list_buckets()["Buckets"] == []
    assert not emu.alive()

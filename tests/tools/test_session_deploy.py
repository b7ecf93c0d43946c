"""The test session's background deployment (tests/integration/session_deploy.py) reports every stack it could not
deploy, with the reason, and a child process that died says so with the tail of its log; the session orders the
tests that read the deployment last (tests/conftest.py `_phase`)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import conftest
from tests.integration.session_deploy import Background, Request


def request_for(tmp_path: Path, names: tuple[str, ...], command: str = "deploy") -> Request:
    return Request(tmp_path / "out", names, "local", {}, tmp_path / "state", tmp_path / "outputs.json", command)


@pytest.mark.terraform  # terraform init reports the broken stack
def test_a_stack_that_cannot_deploy_is_failed_with_terraforms_reason_and_not_planned(tmp_path: Path) -> None:
    broken = tmp_path / "out" / "stacks" / "nothing-dev"
    broken.mkdir(parents=True)
    (broken / "cdk.tf.json").write_text('{"resource": {"aws_s3_bucket": 1}}', encoding="utf-8")
    background = Background(request_for(tmp_path, ("nothing-dev",)), tmp_path, log=tmp_path / "deploy.log")
    results = background.results()
    (failed,) = results["deployed"].values()
    assert (failed["status"], results["planned"]) == ("failed", {})
    assert "terraform init" in failed["error"] and "nothing-dev" in failed["error"]
    assert "[1/1] nothing-dev: FAILED after" in (tmp_path / "deploy.log").read_text(encoding="utf-8")
    assert background.results() is results  # waited for once


@pytest.mark.terraform  # terraform init reports the broken stack
def test_a_destroy_that_fails_is_reported_with_terraforms_reason(tmp_path: Path) -> None:
    broken = tmp_path / "out" / "stacks" / "nothing-dev"
    broken.mkdir(parents=True)
    (broken / "cdk.tf.json").write_text('{"resource": {"aws_s3_bucket": 1}}', encoding="utf-8")
    background = Background(request_for(tmp_path, ("nothing-dev",), "destroy"), tmp_path, log=tmp_path / "d.log")
    (failed,) = background.results()["destroyed"].values()
    assert failed["status"] == "failed" and "terraform init" in failed["error"], failed
    assert "[1/1] nothing-dev: FAILED after" in (tmp_path / "d.log").read_text(encoding="utf-8")
    assert not (tmp_path / "outputs.json").exists()  # a destroy leaves the outputs file as it is


def test_a_child_that_dies_fails_every_stack_with_its_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dying = tmp_path / "python"
    dying.write_text("#!/bin/sh\necho 'Traceback: something broke'\nexit 7\n", encoding="utf-8")
    dying.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(dying))
    background = Background(request_for(tmp_path, ("a-dev", "b-dev")), tmp_path, log=tmp_path / "deploy.log")
    results = background.results()
    assert sorted(results["deployed"]) == ["a-dev", "b-dev"] and results["planned"] == {}
    for result in results["deployed"].values():
        assert result["status"] == "failed"
        assert result["error"] == (
            f"the session's deploy process exited 7 (log: {tmp_path / 'deploy.log'}):\nTraceback: something broke"
        )
    background.stop()  # already ended: nothing to stop


@dataclass
class Item:
    """What `_phase` reads of a pytest item."""

    name: str
    integration: bool
    fixturenames: tuple[str, ...] = ()

    def get_closest_marker(self, name: str) -> object | None:
        if name == "session_end":
            return object() if "background_destroy" in self.fixturenames else None
        return object() if name == "integration" and self.integration else None


def test_tests_reading_the_session_deployment_run_last(request: pytest.FixtureRequest) -> None:
    items = [
        Item("reads-deployment", True, ("tmp_path", "deploy")),
        Item("unit-1", False, ("synth",)),
        Item("reads-a-prefetch", False, ("synth", "validated")),
        Item("own-emulator", True, ("tmp_path",)),
        Item("reads-outputs", True, ("emulator_deployment",)),
        Item("unit-2", False),
        Item("checks-a-background-destroy", True, ("background_destroy",)),
        Item("reads-plan", True, ("second_plan",)),
    ]
    assert [i.name for i in conftest.in_phases(items)] == [
        "own-emulator",
        "unit-1",
        "unit-2",
        "reads-a-prefetch",
        "reads-deployment",
        "reads-outputs",
        "reads-plan",
        "checks-a-background-destroy",
    ]
    order = [conftest._phase(item) for item in request.session.items]  # this session's own selection
    assert order == sorted(order)

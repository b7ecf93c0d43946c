"""The stack-operations runner: worker count, whole progress lines, every result reported, exit codes, the outputs
file, signal forwarding to a real Terraform, and the destroy guard."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from config import ConfigError
from tools import cli, deploy, parallel, terraform
from tools.progress import ToolError


def test_jobs_default_from_the_machine_and_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert parallel.jobs_setting(None, 6, {}) == 6  # the five independent dev stacks start together
    assert parallel.jobs_setting(None, 12, {}) == 8
    assert parallel.jobs_setting(None, 3, {}) == 3
    assert parallel.jobs_setting(None, 0, {}) == 1
    assert parallel.jobs_setting(None, 6, {"JOBS": "1"}) == 1
    assert parallel.jobs_setting("8", 6, {"JOBS": "1"}) == 8  # --jobs wins over JOBS
    with pytest.raises(ConfigError) as caught:
        parallel.jobs_setting("zero", 6, {})
    assert caught.value.problems == [
        "--jobs / JOBS: 'zero' is not a whole number >= 1; pass e.g. --jobs 4 or JOBS=4 "
        "(default: min(4 x CPU count, stacks))"
    ]
    with pytest.raises(ConfigError):
        parallel.jobs_setting(None, 6, {"JOBS": "0"})


def test_bad_jobs_exits_2_before_anything_is_built(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["deploy", "--jobs", "-1", "--outdir", str(tmp_path / "out")]) == 2
    assert "--jobs / JOBS: '-1' is not a whole number >= 1" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_every_result_is_reported_in_whole_lines(capsys: pytest.CaptureFixture[str]) -> None:
    threads: list[str] = []
    reported = {name: threading.Event() for name in ("stack-a", "stack-bb", "stack-ccc")}
    after = {"a": "stack-bb", "bb": "stack-ccc"}  # ccc ends first, then bb, then a (whatever the machine's load)

    def work(item: str) -> tuple[str, int]:
        if item in after:
            assert reported[after[item]].wait(timeout=30)
        if item == "bb":
            raise ToolError("terraform apply failed in bb (exit 1):\nError: boom")
        return "applied", len(item)

    def done(result: parallel.Result) -> None:
        threads.append(threading.current_thread().name)
        reported[result.name].set()

    results = parallel.run_all(
        ["a", "bb", "ccc"], work, name=lambda i: f"stack-{i}", jobs=3, verb="applying", done=done
    )
    assert [(r.name, r.status, r.summary, r.value) for r in results] == [
        ("stack-a", "ok", "applied", 1),
        ("stack-bb", "failed", "", None),
        ("stack-ccc", "ok", "applied", 3),
    ]
    assert results[1].error == "terraform apply failed in bb (exit 1):\nError: boom"
    assert threads == ["MainThread"] * 3  # the outputs file has one writer
    lines = capsys.readouterr().err.splitlines()
    assert sorted(lines[:3]) == ["  stack-a: applying ...", "  stack-bb: applying ...", "  stack-ccc: applying ..."]
    ends = lines[3:]
    assert [re.sub(r"\d+ s", "N s", line) for line in ends] == [
        "[1/3] stack-ccc: applied in N s",
        "[2/3] stack-bb: FAILED after N s (terraform apply failed in bb (exit 1):)",
        "[3/3] stack-a: applied in N s",
    ]
    assert parallel.exit_code(results) == 1
    assert parallel.exit_code(results[:1]) == 0


def test_the_largest_stack_starts_first_and_results_keep_the_given_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sizes = {"small": 1, "large": 30, "medium": 5, "missing": None, "broken": -1}
    refs = []
    for name, count in sizes.items():
        folder = tmp_path / name
        if count == -1:
            folder.mkdir()
            (folder / "cdk.tf.json").write_text('{"resource": {"aws_s3_bucket": 3}, "x": [', encoding="utf-8")
        elif count is not None:
            folder.mkdir()
            body = {"resource": {"aws_s3_bucket": {f"b{i}": {} for i in range(count)}, "aws_sns_topic": {"t": {}}}}
            (folder / "cdk.tf.json").write_text(json.dumps(body), encoding="utf-8")
        refs.append(parallel.StackRef(name, folder))
    assert [parallel.resource_count(r) for r in refs] == [2, 31, 6, 0, 0]
    results = parallel.run_all(
        refs, lambda ref: ("applied", None), name=lambda r: r.name, jobs=1, weight=parallel.resource_count
    )
    starts = [line.split(":")[0].strip() for line in capsys.readouterr().err.splitlines() if line.endswith("...")]
    assert starts == ["large", "medium", "small", "missing", "broken"]  # one worker: the start order is the whole story
    assert [r.name for r in results] == list(sizes)


def test_skipped_and_stopped_items_are_reported_not_run(capsys: pytest.CaptureFixture[str]) -> None:
    ran: list[str] = []
    stop = parallel.Stop()

    def work(item: str) -> tuple[str, None]:
        ran.append(item)
        stop.event.set()  # as a signal would, while `x` runs
        return "applied", None

    results = parallel.run_all(["x", "y-dev"], work, name=str, jobs=1, stop=stop, total=3, first=2)
    assert ran == ["x"]
    assert [(r.status, r.error) for r in results] == [("ok", ""), ("skipped", "interrupted")]
    assert capsys.readouterr().err.splitlines()[-1] == "[3/3] y-dev: not started (interrupted)"
    assert parallel.exit_code(results, stop) == 130

    def not_started(item: str) -> tuple[str, None]:
        raise parallel.NotStarted("bootstrap-dev did not deploy")  # as a stack waiting on its bootstrap does

    skipped = parallel.run_all(["y-dev"], not_started, name=str, jobs=1)
    assert [(r.status, r.error) for r in skipped] == [("skipped", "bootstrap-dev did not deploy")]
    assert parallel.exit_code(skipped) == 1


def test_outputs_file_keeps_every_entry_of_concurrent_writers(tmp_path: Path) -> None:
    outputs = tmp_path / "cfn-outputs" / "flat-outputs.json"
    outputs.parent.mkdir()
    outputs.write_text('{"old-dev": {"a": 1}}\n', encoding="utf-8")
    writers = [threading.Thread(target=deploy.record_outputs, args=(outputs, f"s{i}", {"i": i})) for i in range(20)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    data = json.loads(outputs.read_text(encoding="utf-8"))
    assert data == {"old-dev": {"a": 1}, **{f"s{i}": {"i": i} for i in range(20)}}
    assert deploy.record_outputs(outputs, "old-dev", None) == {f"s{i}": {"i": i} for i in range(20)}
    assert sorted(p.name for p in outputs.parent.iterdir()) == [".flat-outputs.json.lock", "flat-outputs.json"]


def test_a_stack_named_twice_is_one_ref() -> None:
    """The test session named bootstrap-dev twice (once per environment, once as a tested stack): two applies of one
    state side by side, the second failed on the lock and every other stack was not started."""
    refs = deploy.stack_refs(Path("out"), ["bootstrap-dev", "flask-api-dev", "bootstrap-dev"])
    assert [r.name for r in refs] == ["bootstrap-dev", "flask-api-dev"]


def test_environment_of_a_stack() -> None:
    refs = deploy.stack_refs(Path("out"), ["flask-api-dev", "flask-api-dev-pr42", "bootstrap-prod", "x-staging"])
    assert [deploy.environment_of(r, ["dev", "prod"]) for r in refs] == ["dev", "dev", "prod", None]


class Terminal(io.StringIO):
    """A typed answer on a terminal."""

    def isatty(self) -> bool:
        return True


def test_destroy_of_a_protected_environment_needs_its_name() -> None:
    protected = {"dev": False, "prod": True}.__getitem__
    cli.confirm_destroy(["dev"], protected, None, stdin=io.StringIO())  # unprotected: no question
    cli.confirm_destroy(["dev", "prod"], protected, "prod", stdin=io.StringIO())
    cli.confirm_destroy(["prod"], protected, "staging, prod", stdin=io.StringIO())
    cli.confirm_destroy(["prod"], protected, None, stdin=Terminal("prod\n"))
    for confirm, stdin in ((None, io.StringIO("prod\n")), ("dev", io.StringIO()), (None, Terminal("yes\n"))):
        with pytest.raises(ConfigError) as caught:
            cli.confirm_destroy(["prod"], protected, confirm, stdin=stdin)
        assert caught.value.problems == [
            "destroy prod: the environment has deletion protection (config/environments.toml, "
            "environments.prod.deletion_protection); nothing was destroyed. To destroy it, name it: --confirm prod "
            "(or CONFIRM=prod, or type it when asked on a terminal)"
        ]


def test_prod_destroy_exits_2_without_confirmation_even_in_ci(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CI", "1")
    monkeypatch.delenv("CONFIRM", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO())
    assert cli.main(["destroy", "--environments", "prod", "--target", "aws", "--outdir", str(tmp_path / "o")]) == 2
    assert "destroy prod: the environment has deletion protection" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()  # nothing synthesized, nothing destroyed


SLOW = {
    "resource": {
        "terraform_data": {
            "slow": {"provisioner": [{"local-exec": {"command": "sleep 30"}}]},
            "quick": {"input": "done"},
        }
    }
}


@pytest.mark.terraform
def test_a_signal_is_forwarded_once_and_terraform_stops_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Real Terraform (builtin terraform_data, local state): SIGTERM to this process mid-apply reaches Terraform as
    one SIGINT; it stops, writes state and releases its lock; nothing else starts; exit 130."""
    stack = tmp_path / "slow"
    stack.mkdir()
    (stack / "main.tf.json").write_text(json.dumps(SLOW), encoding="utf-8")
    log = tmp_path / "slow.log"
    terraform.run(stack, ["init", "-input=false", "-no-color"], log=log)

    def send_when_running() -> None:
        deadline = time.monotonic() + 60
        while "local-exec" not in log.read_text(encoding="utf-8") and time.monotonic() < deadline:
            time.sleep(0.1)
        os.kill(os.getpid(), signal.SIGTERM)

    def work(item: str) -> tuple[str, None]:
        if item == "slow":
            terraform.run(stack, ["apply", "-auto-approve", "-input=false", "-no-color"], log=log)
        return "applied", None

    sender = threading.Thread(target=send_when_running)
    before = signal.getsignal(signal.SIGTERM)  # the test session's own handler (tests/conftest.py)
    with parallel.forwarding_signals() as stop:
        sender.start()
        results = parallel.run_all(["slow", "next"], work, name=str, jobs=1, stop=stop)
    sender.join()
    assert [r.status for r in results] == ["interrupted", "skipped"]
    assert stop.signal_name == "SIGTERM" and parallel.exit_code(results, stop) == 130
    text = log.read_text(encoding="utf-8")
    assert "Interrupt received" in text and "Gracefully shutting down" in text
    assert text.count("Interrupt received") == 1  # one SIGINT: a second would abandon the state
    state = json.loads((stack / "terraform.tfstate").read_text(encoding="utf-8"))
    kept = {r["name"]: r["instances"][0].get("status") for r in state["resources"]}
    assert kept == {"quick": None, "slow": "tainted"}  # both written to state: the stopped one marked for rework
    assert not (stack / ".terraform.tfstate.lock.info").exists()
    err = capsys.readouterr().err
    assert "SIGTERM: asked 1 running terraform(s) to stop cleanly" in err
    assert signal.getsignal(signal.SIGTERM) is before  # restored


def test_unlock_and_recover_explain_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["unlock", "--outdir", str(tmp_path)]) == 2
    assert "unlock needs --stack <stack> (e.g. --stack flask-api-dev)" in capsys.readouterr().err
    (tmp_path / "stacks" / "flask-api-dev").mkdir(parents=True)
    (tmp_path / "stacks" / "flask-api-dev" / "cdk.tf.json").write_text("{}", encoding="utf-8")
    assert cli.main(["unlock", "--stack", "flask-api-dev", "--outdir", str(tmp_path)]) == 2
    assert "unlock needs --lock-id <id>: the ID the locked run printed" in capsys.readouterr().err
    assert cli.main(["recover", "--stack", "nope-dev", "--outdir", str(tmp_path)]) == 1
    assert f"{tmp_path / 'stacks' / 'nope-dev'} has no synthesized stack" in capsys.readouterr().err


def test_an_error_in_the_calling_thread_stops_work_that_waits_on_stop() -> None:
    stop = parallel.Stop()
    gave_up = threading.Event()

    def work(item: str) -> tuple[str, None]:
        if item == "waits":  # as a stack waiting on its bootstrap's backend (tools/backend.py) does
            while not stop:
                time.sleep(0.01)
            gave_up.set()
            raise parallel.NotStarted("interrupted")
        return "applied", None

    def done(result: parallel.Result) -> None:
        if result.name == "quick":
            raise KeyboardInterrupt("as a signal handler without forwarding raises it")

    with pytest.raises(KeyboardInterrupt):
        parallel.run_all(["quick", "waits"], work, name=str, jobs=2, stop=stop, done=done)
    assert gave_up.is_set()  # the pool did not wait forever for it

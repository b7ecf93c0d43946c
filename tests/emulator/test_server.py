"""The long-lived emulator's lifecycle, as users run it: start, a Lambda function deployed, still alive, a second
start reuses it, stop really stops it; two checkouts side by side; a taken port; a hung server; a stale state file.

Every test runs on free ports with state folders of its own (EMULATOR_STATE_DIR): none touches the user's emulator
on 4566 or its `.emulator/emulator.json`."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
import zipfile
from pathlib import Path
from typing import Callable, Iterator

import pytest

from emulator import server as emulator
from emulator.server import ROOT
from tests.conftest import emulator_client, emulator_record, tools_cli
from tools import cli

ACCOUNT = "111111111111"  # the dev environment's account (what `emulator start` emulates)


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A state folder of this test's own for the in-process calls; whatever it still runs is stopped at the end."""
    folder = tmp_path / "checkout-a" / ".emulator"
    monkeypatch.setenv("EMULATOR_STATE_DIR", str(folder))
    monkeypatch.delenv("EMULATOR_PORT", raising=False)
    yield folder
    emulator.stop_daemon()


Cli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def emulator_cli(tmp_path: Path) -> Iterator[Cli]:
    """`emulator_cli(name, port, action)` runs `python -m tools emulator <action>` as a user would, in a fresh
    process, for checkout `name` (its own state folder) with EMULATOR_PORT=port; each checkout is stopped at the end."""
    used: dict[str, str] = {}

    def run(name: str, port: int, action: str) -> subprocess.CompletedProcess[str]:
        used[name] = str(port)
        return tools_cli("emulator", action, state_dir=tmp_path / name / ".emulator", port=port)

    yield run
    for name, port in used.items():
        run(name, int(port), "stop")


def http_status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def create_function(endpoint: str) -> str:
    """A Lambda function created with boto3 (what a deploy of event-processing does); returns its ARN."""
    role = emulator_client(endpoint, "iam").create_role(
        RoleName="fn-role",
        AssumeRolePolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
                ],
            }
        ),
    )
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    created = emulator_client(endpoint, "lambda").create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="handler.handler",
        Code={"ZipFile": package.getvalue()},
    )
    return str(created["FunctionArn"])


def gone(pid: int) -> bool:
    return emulator._gone(pid)


@pytest.mark.emulator
def test_alive_after_a_lambda_function_start_reuses_stop_frees_the_port(state: Path) -> None:
    port = emulator.free_port()
    started = emulator.start_daemon(ACCOUNT, port=port)
    assert emulator_record(state) == {
        "pid": started.pid,
        "port": port,
        "account_id": ACCOUNT,
        "root": str(ROOT),
        "token": started.token,
    }
    assert create_function(started.endpoint) == f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:fn"
    # Why the old liveness check lost the server after the first deploy (moto describes the function's container):
    assert http_status(f"{started.endpoint}/moto-api/data.json") == 500
    assert started.alive()
    again = emulator.start_daemon(ACCOUNT, port=port)
    assert (again.pid, again.port, again.token) == (started.pid, port, started.token)
    assert emulator_client(again.endpoint, "lambda").list_functions()["Functions"][0]["FunctionName"] == "fn"
    assert emulator.stop_daemon() == f"emulator stopped (pid {started.pid}, port {port}; port free again)"
    assert started.pid is not None and gone(started.pid)
    assert emulator.port_is_free(port)
    assert not (state / "emulator.json").exists()
    assert emulator.stop_daemon() == "no emulator was running"


@pytest.mark.emulator
def test_two_checkouts_side_by_side_without_cross_talk(emulator_cli: Cli, tmp_path: Path) -> None:
    port_a, port_b = emulator.free_port(), emulator.free_port()
    assert port_a != port_b
    for name, port in (("a", port_a), ("b", port_b)):
        started = emulator_cli(name, port, "start")
        assert started.returncode == 0, started.stderr
    pid_a, pid_b = (int(str(emulator_record(tmp_path / n / ".emulator")["pid"])) for n in ("a", "b"))
    for name, port, pid in (("a", port_a, pid_a), ("b", port_b, pid_b)):
        assert emulator_cli(name, port, "status").stderr == (
            f"emulator running on http://127.0.0.1:{port} (account {ACCOUNT}), pid {pid}, "
            f"state {tmp_path / name / '.emulator' / 'emulator.json'}\n"
        )
    emulator_client(f"http://127.0.0.1:{port_a}", "s3").create_bucket(Bucket="only-in-a")
    assert emulator_client(f"http://127.0.0.1:{port_b}", "s3").list_buckets()["Buckets"] == []

    # A third checkout asked for b's port does not attach to b's server (and writes nothing).
    refused = emulator_cli("c", port_b, "start")
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        f"error: port {port_b} on 127.0.0.1 is taken by another checkout's emulator (pid {pid_b}, state "
        f"{tmp_path / 'b' / '.emulator' / 'emulator.json'}); this checkout never uses it: stop it there, or set "
        "EMULATOR_PORT to a free port (e.g. `EMULATOR_PORT="
    )
    assert not (tmp_path / "c" / ".emulator" / "emulator.json").exists()
    # Checkout a asked for another port while its own server runs: told so, nothing restarted.
    moved = emulator_cli("a", port_b, "start")
    assert (moved.returncode, moved.stderr) == (
        1,
        f"error: this checkout's emulator runs on port {port_a}, not "
        f"{port_b}; use it (EMULATOR_PORT={port_a}) or stop it first "
        "with `make emulator-stop`\n",
    )

    stopped = emulator_cli("a", port_a, "stop")
    assert stopped.stderr == f"emulator stopped (pid {pid_a}, port {port_a}; port free again)\n"
    assert gone(pid_a) and emulator.port_is_free(port_a)
    assert not gone(pid_b)
    assert emulator_cli("b", port_b, "status").stderr.startswith(f"emulator running on http://127.0.0.1:{port_b} ")
    assert emulator_client(f"http://127.0.0.1:{port_b}", "s3").list_buckets()["Buckets"] == []


@pytest.mark.emulator
def test_a_hung_server_is_stopped_and_replaced(emulator_cli: Cli, tmp_path: Path) -> None:
    port = emulator.free_port()
    assert emulator_cli("a", port, "start").returncode == 0
    state_file = tmp_path / "a" / ".emulator" / "emulator.json"
    hung = int(str(emulator_record(tmp_path / "a" / ".emulator")["pid"]))
    os.kill(hung, signal.SIGSTOP)  # accepts connections, answers nothing
    assert emulator_cli("a", port, "status").stderr == (
        f"no emulator running (the state file {state_file} is stale; `make emulator-stop` removes it)\n"
    )
    restarted = emulator_cli("a", port, "start")
    assert restarted.returncode == 0, restarted.stderr
    assert restarted.stderr.startswith(
        f"emulator: stopped the emulator that no longer answered (pid {hung}, port "
        f"{port}) and removed the stale {state_file}\n"
    )
    assert gone(hung)
    fresh = int(str(emulator_record(tmp_path / "a" / ".emulator")["pid"]))
    assert fresh != hung
    os.kill(fresh, signal.SIGSTOP)
    assert emulator_cli("a", port, "stop").stderr == (
        f"Stopped the emulator that no longer answered (pid {fresh}, port {port}) and removed the stale {state_file}\n"
    )
    assert gone(fresh) and emulator.port_is_free(port) and not state_file.exists()


@pytest.mark.emulator
def test_a_port_taken_by_another_program_is_a_clear_error(emulator_cli: Cli, tmp_path: Path) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = int(listener.getsockname()[1])
        refused = emulator_cli("a", port, "start")
    # Exit 1, not 2: the port number is valid input; the machine's state (another listener) is what stops the start.
    assert refused.returncode == 1
    assert re.fullmatch(
        f"error: port {port} on 127.0.0.1 is taken by a program that is not this checkout's emulator \\(4566 is "
        "also LocalStack's default\\); stop that program, or set EMULATOR_PORT to a free port \\(e.g. "
        "`EMULATOR_PORT=[0-9]+ make deploy`\\)\n",
        refused.stderr,
    ), refused.stderr
    assert not (tmp_path / "a" / ".emulator").exists()


@pytest.mark.parametrize("value", ["abc", "0", "65536", "-1"])
def test_a_bad_emulator_port_is_bad_input(
    value: str, state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EMULATOR_PORT", value)
    message = (
        f"error: configuration has 1 problem(s):\n  - EMULATOR_PORT={value!r} is not a TCP port: set it to a "
        "number from 1 to 65535 (default 4566), e.g. EMULATOR_PORT=4567\n"
    )
    assert cli.main(["emulator", "start"]) == 2
    assert capsys.readouterr().err == message
    outdir = tmp_path / "out"
    assert cli.main(["deploy", "--workloads", "bootstrap", "--outdir", str(outdir)]) == 2
    assert capsys.readouterr().err == message
    assert not outdir.exists() and not state.exists()  # nothing synthesized, no emulator started


@pytest.mark.emulator
def test_a_stale_state_file_is_removed(state: Path) -> None:
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    state.mkdir(parents=True)
    port = emulator.free_port()
    (state / "emulator.json").write_text(
        json.dumps({"pid": int(finished.stdout), "port": port, "token": "t", "account_id": ACCOUNT, "root": str(ROOT)}),
        encoding="utf-8",
    )
    assert emulator.running() is None
    assert emulator.stop_daemon() == f"no emulator was running (removed the stale {state / 'emulator.json'})"
    (state / "emulator.json").write_text("{not json", encoding="utf-8")
    started = emulator.start_daemon(ACCOUNT, port=port)
    assert emulator_record(state)["pid"] == started.pid


@pytest.mark.emulator
def test_a_server_of_another_state_file_is_never_stopped(
    state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copied state file (same pid and port, another token) is stale here: it never stops the other's server."""
    monkeypatch.setenv("EMULATOR_STATE_DIR", str(tmp_path / "other"))
    other = emulator.start_daemon(ACCOUNT, port=emulator.free_port())
    try:
        monkeypatch.setenv("EMULATOR_STATE_DIR", str(state))
        state.mkdir(parents=True)
        copied = {**emulator_record(tmp_path / "other"), "token": "not-the-servers-token"}
        (state / "emulator.json").write_text(json.dumps(copied), encoding="utf-8")
        assert emulator.stop_daemon() == f"no emulator was running (removed the stale {state / 'emulator.json'})"
        assert other.alive() and other.owned()
    finally:
        monkeypatch.setenv("EMULATOR_STATE_DIR", str(tmp_path / "other"))
        emulator.stop_daemon()

"""The local AWS emulator: moto in server mode on 127.0.0.1, started and stopped by this module only.

Used by the deploy command (`python -m tools emulator start|stop|status`), by the tests (a session fixture) and by
CI. The server runs in its own process group (`python -m tools.emulator serve`), where tools/moto_patches.py first
applies the project's small, named compatibility fixes for gaps of stock moto.

The emulated account is the environment's own account id (MOTO_ACCOUNT_ID), so the synthesized provider's
allowed_account_ids holds for the local target exactly as for AWS.

Ownership: the long-lived server belongs to one checkout. Its state file records pid, port, account, checkout root
and a random token; the server answers that token at IDENTITY_PATH, so `start` reuses only the server it started
itself and never attaches to another checkout's server (or anything else) on the same port.

Defaults:
- port 4566 (`EMULATOR_PORT`; also LocalStack's default, so a taken port is reported with how to pick another);
- state folder `<checkout>/.emulator/` (`EMULATOR_STATE_DIR`): `emulator.json` (the state file), `moto-<port>.log`
  (the server's log) and `state-<port>/` (the bootstrap stacks' local state, see tools/targets.py);
- liveness: `GET /moto-api/` answers 200 (it never describes resources: `/moto-api/data.json` answers HTTP 500 as
  soon as a Lambda function exists and Docker is absent); 2 s per request, 30 s for a start, 10 s for a stop before
  SIGKILL.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from config import ConfigError
from tools.progress import ToolError, say

ROOT = Path(__file__).resolve().parent.parent
STATE_FILE = ROOT / ".emulator" / "emulator.json"
HOST = "127.0.0.1"
DEFAULT_PORT = 4566
# An underscore is never part of an S3 bucket name, so this path never shadows a path-style bucket request.
IDENTITY_PATH = "/_emulator/identity"
START_SECONDS, STOP_SECONDS, REQUEST_SECONDS = 30.0, 10.0, 2.0


def state_file() -> Path:
    """This checkout's state file: `$EMULATOR_STATE_DIR/emulator.json`, else `<checkout>/.emulator/emulator.json`."""
    configured = os.environ.get("EMULATOR_STATE_DIR")
    return Path(configured).resolve() / "emulator.json" if configured else STATE_FILE


def state_dir() -> Path:
    """The folder of the state file (the server's log and the local bootstrap state live there too)."""
    return state_file().parent


def configured_port(environ: dict[str, str] | None = None) -> int:
    """EMULATOR_PORT (default 4566); a value that is not a TCP port is bad input (ConfigError, exit 2)."""
    text = (os.environ if environ is None else environ).get("EMULATOR_PORT", "").strip()
    if not text:
        return DEFAULT_PORT
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ConfigError(
            [
                f"EMULATOR_PORT={text!r} is not a TCP port: set it to a number from 1 to 65535 "
                f"(default {DEFAULT_PORT}), e.g. EMULATOR_PORT=4567"
            ]
        )
    return int(text)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def port_is_free(port: int) -> bool:
    """True when this process could listen on 127.0.0.1:`port` (as the server would: SO_REUSEADDR, so a port in
    TIME_WAIT after a stop counts as free and one with a listener does not)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


def identity_at(port: int) -> dict[str, Any] | None:
    """What an emulator of this project on `port` says about itself (token, pid, root, state file), else None."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}{IDENTITY_PATH}", timeout=REQUEST_SECONDS) as answer:
            found = json.loads(answer.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


@dataclass
class Emulator:
    """A running (or startable) emulator process."""

    port: int
    account_id: str
    pid: int | None = None
    token: str = ""
    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False, compare=False)

    @property
    def endpoint(self) -> str:
        """Base URL for every AWS service (use 127.0.0.1: S3 then is path-style automatically)."""
        return f"http://{HOST}:{self.port}"

    def client_env(self) -> dict[str, str]:
        """The only settings that make Terraform and boto3 talk to the emulator instead of AWS."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            # An unimplemented call answers HTTP 500, which the provider would otherwise retry for minutes.
            "AWS_MAX_ATTEMPTS": "2",
            "AWS_RETRY_MODE": "standard",
        }

    def alive(self) -> bool:
        """True when the server answers its dashboard (true for a healthy server whatever it holds)."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/moto-api/", timeout=REQUEST_SECONDS) as answer:
                return int(answer.status) == 200
        except OSError:
            return False

    def owned(self) -> bool:
        """True when the server on this port is the one this object started (it answers this object's token)."""
        found = identity_at(self.port)
        return bool(self.token) and found is not None and found.get("token") == self.token

    def start(self, *, log: Path | None = None) -> "Emulator":
        """Start the server process (its own process group) and wait until it answers with this object's token."""
        self.token = self.token or secrets.token_hex(16)
        env = dict(
            os.environ,
            MOTO_ACCOUNT_ID=self.account_id,
            MOTO_IAM_LOAD_MANAGED_POLICIES="true",
            PYTHONPATH=str(ROOT),
            EMULATOR_TOKEN=self.token,
            EMULATOR_STATE_FILE=str(state_file()),
        )
        log = log or state_dir() / f"moto-{self.port}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            self._proc = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, "-m", "tools.emulator", "serve", "--port", str(self.port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.pid = self._proc.pid
        deadline = time.monotonic() + START_SECONDS
        while not (self.owned() and self.alive()):
            code = self._proc.poll()
            if code is not None or time.monotonic() > deadline:
                self.stop()
                why = f"it exited with {code}" if code is not None else f"no answer within {START_SECONDS:.0f} s"
                raise ToolError(f"the emulator did not start on {self.endpoint} ({why}): {_last_line(log)}; see {log}")
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        """Stop the server's process group and wait until it is gone (its state is gone with it)."""
        if self.pid:
            terminate(self.pid, self._proc)
        self.pid, self._proc = None, None

    def reset(self) -> None:
        """Wipe every resource in the emulator."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass


def _last_line(log: Path) -> str:
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if line.strip()]
    return lines[-1].strip() if lines else "(the log is empty)"


def _gone(pid: int) -> bool:
    """True when `pid` has exited (a zombie counts as gone; our own children are reaped here)."""
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8")
    except FileNotFoundError:
        return True
    except OSError:  # pragma: no cover - no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:
        pass
    except PermissionError as exc:
        raise ToolError(f"cannot stop the emulator's process group {pid}: {exc.strerror}") from exc


def terminate(pid: int, proc: subprocess.Popen[bytes] | None = None) -> None:
    """SIGTERM the process group `pid` leads (SIGCONT too, in case it was stopped), wait up to 10 s, then SIGKILL."""
    for signum, seconds in ((signal.SIGTERM, STOP_SECONDS), (signal.SIGKILL, STOP_SECONDS)):
        _signal_group(pid, signum)
        if signum == signal.SIGTERM:
            _signal_group(pid, signal.SIGCONT)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if (proc.poll() is not None) if proc is not None else _gone(pid):
                return
            time.sleep(0.1)
    raise ToolError(f"the emulator process {pid} did not exit after SIGKILL; check `ps -o pid,stat,cmd -p {pid}`")


def _serve_process(pid: int, port: int, token: str) -> bool:
    """True when `pid` is `python -m tools.emulator serve --port <port>` started with `token` (a hung server of this
    state file; a server of another checkout or state folder has another token and is never touched)."""
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
        environ = Path(f"/proc/{pid}/environ").read_bytes().decode("utf-8", "replace").split("\0")
    except OSError:
        return False
    wanted = ["-m", "tools.emulator", "serve", "--port", str(port)]
    return (
        bool(token)
        and f"EMULATOR_TOKEN={token}" in environ
        and any(argv[i : i + len(wanted)] == wanted for i in range(len(argv)))
    )


def _read_state() -> dict[str, Any] | None:
    path = state_file()
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # unreadable: stale
    return record if isinstance(record, dict) else {}


def _recorded(record: dict[str, Any]) -> Emulator | None:
    """The recorded emulator when it is ours (answers the recorded token) and healthy, else None."""
    try:
        emulator = Emulator(
            port=int(record["port"]),
            account_id=str(record["account_id"]),
            pid=int(record["pid"]),
            token=str(record["token"]),
        )
    except (KeyError, TypeError, ValueError):
        return None
    return emulator if emulator.owned() and emulator.alive() else None


def _clear_stale(record: dict[str, Any]) -> str:
    """Remove a state file whose server no longer answers; stop that server when it still runs (hung)."""
    path = state_file()
    pid, port, token = record.get("pid"), record.get("port"), str(record.get("token", ""))
    note = f"removed the stale {path}"
    if isinstance(pid, int) and isinstance(port, int) and not _gone(pid) and _serve_process(pid, port, token):
        terminate(pid)
        note = f"stopped the emulator that no longer answered (pid {pid}, port {port}) and {note}"
    path.unlink(missing_ok=True)
    return note


def running() -> Emulator | None:
    """This checkout's emulator (recorded in its state file), if it answers with the recorded token."""
    record = _read_state()
    return _recorded(record) if record is not None else None


def start_daemon(account_id: str, port: int | None = None) -> Emulator:
    """Start (or reuse) this checkout's long-lived emulator used by `make deploy`; it runs until `stop_daemon`.

    `port` (else EMULATOR_PORT, else 4566) is where a new server listens. A running server of this checkout is
    reused on its own port unless a different port was asked for explicitly."""
    explicit = port is not None or bool(os.environ.get("EMULATOR_PORT", "").strip())
    wanted = port if port is not None else configured_port()
    record = _read_state()
    if record is not None:
        current = _recorded(record)
        if current is not None:
            if explicit and current.port != wanted:
                raise ToolError(
                    f"this checkout's emulator runs on port {current.port}, not {wanted}; use it "
                    f"(EMULATOR_PORT={current.port}) or stop it first with `make emulator-stop`"
                )
            if current.account_id != account_id:
                raise ToolError(
                    f"the running emulator emulates account {current.account_id}, not {account_id}; "
                    "deploy one environment's account at a time, or run `python -m tools emulator stop`"
                )
            return current
        say(f"emulator: {_clear_stale(record)}")
    _check_port(wanted)
    emulator = Emulator(port=wanted, account_id=account_id).start()
    path = state_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(
        json.dumps(
            {
                "pid": emulator.pid,
                "port": emulator.port,
                "account_id": account_id,
                "root": str(ROOT),
                "token": emulator.token,
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    temporary.replace(path)
    say(
        f"emulator: moto on {emulator.endpoint} (account {account_id}, pid {emulator.pid}, state {path}); "
        "stop it with `make emulator-stop`"
    )
    return emulator


def _check_port(port: int) -> None:
    """Fail with what holds `port` and how to choose another, unless the port is free."""
    if port_is_free(port):
        return
    other = identity_at(port)
    hint = f"set EMULATOR_PORT to a free port (e.g. `EMULATOR_PORT={free_port()} make deploy`)"
    if other is not None:
        raise ToolError(
            f"port {port} on {HOST} is taken by another checkout's emulator (pid {other.get('pid')}, "
            f"state {other.get('state_file')}); this checkout never uses it: stop it there, or {hint}"
        )
    raise ToolError(
        f"port {port} on {HOST} is taken by a program that is not this checkout's emulator "
        f"({DEFAULT_PORT} is also LocalStack's default); stop that program, or {hint}"
    )


def stop_daemon() -> str:
    """Stop this checkout's long-lived emulator (its process group, waiting until it is gone); says what it did."""
    record = _read_state()
    if record is None:
        return "no emulator was running"
    current = _recorded(record)
    if current is None:
        note = _clear_stale(record)
        return note[0].upper() + note[1:] if note.startswith("stopped") else f"no emulator was running ({note})"
    current.stop()
    state_file().unlink(missing_ok=True)
    return f"emulator stopped (pid {record['pid']}, port {current.port}; port free again)"


def status() -> str:
    """One line about this checkout's emulator."""
    current = running()
    if current is not None:
        return (
            f"emulator running on {current.endpoint} (account {current.account_id}), pid {current.pid}, "
            f"state {state_file()}"
        )
    if _read_state() is not None:
        return f"no emulator running (the state file {state_file()} is stale; `make emulator-stop` removes it)"
    return "no emulator running"


def _identity_app(app: Callable[..., Iterable[bytes]], identity: bytes) -> Callable[..., Iterable[bytes]]:
    """WSGI middleware: answer IDENTITY_PATH with this server's identity, pass everything else to moto."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == IDENTITY_PATH:
            start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(identity)))])
            return [identity]
        return app(environ, start_response)

    return wrapped


def load_patch_files() -> list[str]:
    """Import every `tools/moto_patch_<service>.py` (fixes kept in files of their own register themselves in
    tools.moto_patches.PATCHES on import); returns the module names, sorted."""
    # pylint: disable=import-outside-toplevel
    import importlib
    import pkgutil

    import tools

    names = sorted(m.name for m in pkgutil.iter_modules(tools.__path__) if m.name.startswith("moto_patch_"))
    for name in names:
        importlib.import_module(f"tools.{name}")
    return names


def serve(port: int) -> int:
    """Run the server in this process until SIGTERM (what `start` launches); 1 when the port cannot be bound."""
    # pylint: disable=import-outside-toplevel
    import threading

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from tools import moto_patches

    load_patch_files()
    moto_patches.apply_all()
    identity = json.dumps(
        {
            "token": os.environ.get("EMULATOR_TOKEN", ""),
            "pid": os.getpid(),
            "port": port,
            "root": str(ROOT),
            "state_file": os.environ.get("EMULATOR_STATE_FILE", ""),
        }
    ).encode()
    signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)  # delivered to sigwait below, in every thread
    try:
        server = make_server(
            HOST,
            port,
            _identity_app(DomainDispatcherApplication(create_backend_app), identity),
            threaded=True,
            request_handler=MotoRequestHandler,
        )
    except OSError as exc:
        print(f"cannot listen on {HOST}:{port}: {exc.strerror}", flush=True)
        return 1
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    signal.sigwait(signals)
    server.shutdown()
    thread.join()
    return 0


if __name__ == "__main__":  # pragma: no cover - the server process itself
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--port", type=int, required=True)
    sys.exit(serve(parser.parse_args().port))

"""The local AWS emulator: moto in server mode on 127.0.0.1, started and stopped by this module only.

Used by the deploy command (`python -m tools emulator start|stop|status`), by the tests (a session fixture) and by
CI. The server runs in its own process (`python -m tools.emulator serve`), where tools/moto_patches.py first
applies the project's small, named compatibility fixes for gaps of stock moto.

The emulated account is the environment's own account id (MOTO_ACCOUNT_ID), so the synthesized provider's
allowed_account_ids holds for the local target exactly as for AWS.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tools.progress import ToolError, say

ROOT = Path(__file__).resolve().parent.parent
STATE_FILE = ROOT / ".emulator" / "emulator.json"
HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


@dataclass
class Emulator:
    """A running (or startable) emulator process."""

    port: int
    account_id: str
    pid: int | None = None

    @property
    def endpoint(self) -> str:
        """Base URL for every AWS service (use 127.0.0.1: S3 then is path-style automatically)."""
        return f"http://{HOST}:{self.port}"

    def client_env(self) -> dict[str, str]:
        """The only settings that make Terraform and boto3 talk to the emulator instead of AWS."""
        return {"AWS_ENDPOINT_URL": self.endpoint, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
                # An unimplemented call answers HTTP 500, which the provider would otherwise retry for minutes.
                "AWS_MAX_ATTEMPTS": "2", "AWS_RETRY_MODE": "standard"}

    def alive(self) -> bool:
        """True when the server answers."""
        try:
            with urllib.request.urlopen(f"{self.endpoint}/moto-api/data.json", timeout=2):
                return True
        except OSError:
            return False

    def start(self, *, log: Path | None = None) -> "Emulator":
        """Start the server process and wait until it answers (at most 30 s)."""
        env = dict(os.environ, MOTO_ACCOUNT_ID=self.account_id, MOTO_IAM_LOAD_MANAGED_POLICIES="true",
                   PYTHONPATH=str(ROOT))
        log = log or ROOT / ".emulator" / f"moto-{self.port}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            proc = subprocess.Popen(  # pylint: disable=consider-using-with
                [sys.executable, "-m", "tools.emulator", "serve", "--port", str(self.port)],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = proc.pid
        deadline = time.monotonic() + 30
        while not self.alive():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise ToolError(f"the emulator did not start on {self.endpoint}; see {log}")
            time.sleep(0.2)
        return self

    def stop(self) -> None:
        """Stop the server process (its state is gone with it)."""
        if self.pid:
            try:
                os.killpg(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.pid = None

    def reset(self) -> None:
        """Wipe every resource in the emulator."""
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass


def running() -> Emulator | None:
    """The emulator started by `start_daemon`, if it still answers."""
    if not STATE_FILE.exists():
        return None
    emulator = Emulator(**json.loads(STATE_FILE.read_text(encoding="utf-8")))
    return emulator if emulator.alive() else None


def start_daemon(account_id: str, port: int = 4566) -> Emulator:
    """Start (or reuse) the long-lived emulator used by `make deploy`; it runs until `stop_daemon`."""
    current = running()
    if current is not None:
        if current.account_id != account_id:
            raise ToolError(f"the running emulator emulates account {current.account_id}, not {account_id}; "
                            "deploy one environment's account at a time, or run `python -m tools emulator stop`")
        return current
    emulator = Emulator(port=port, account_id=account_id).start()
    STATE_FILE.write_text(json.dumps({"port": emulator.port, "account_id": account_id, "pid": emulator.pid}),
                          encoding="utf-8")
    say(f"emulator: moto on {emulator.endpoint} (account {account_id}); stop it with `make emulator-stop`")
    return emulator


def stop_daemon() -> bool:
    """Stop the long-lived emulator; False when none was running."""
    current = running()
    STATE_FILE.unlink(missing_ok=True)
    if current is None:
        return False
    current.stop()
    return True


def serve(port: int) -> None:
    """Run the server in this process until SIGTERM (what `start` launches)."""
    from moto.server import ThreadedMotoServer  # pylint: disable=import-outside-toplevel

    from tools import moto_patches  # pylint: disable=import-outside-toplevel

    moto_patches.apply_all()
    signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, signals)  # delivered to sigwait below, in every thread
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)
    server.start()
    signal.sigwait(signals)
    server.stop()


if __name__ == "__main__":  # pragma: no cover - the server process itself
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["serve"])
    parser.add_argument("--port", type=int, required=True)
    serve(parser.parse_args().port)

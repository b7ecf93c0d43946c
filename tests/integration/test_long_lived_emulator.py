"""The sequence users run against ONE long-lived emulator, through the project's CLI exactly as `make` runs it
(`python -m tools <command>` with WORKLOADS / CDKTF_OUTDIR / EMULATOR_PORT in the environment): deploy, plan,
drift, an out-of-band change and drift again, destroy, deploy again, plan again.

The emulator is this test's own, started by the project's launcher (`python -m tools emulator start`, with a state
folder and a free port of its own: never the session's emulator, never the user's) and never restarted: after every
step it is the same live process (same pid, answering `emulator status`). The stacks are bootstrap-dev and
event-processing-dev, the cheapest workload that holds a Lambda function: once one exists, moto's
`/moto-api/data.json` answers HTTP 500 (no Docker), which used to make every later command lose the emulator
(issue 14)."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

from emulator.server import free_port, port_is_free
from tests.conftest import emulator_client, emulator_record, tools_cli
from tools.deploy import OUTPUTS_FILE
from tools.parallel import log_path

# Emulator-only: the launcher, the pid and the out-of-band change are the local target's (the aws run deploys
# through the same CLI code).
pytestmark = [pytest.mark.integration, pytest.mark.emulator_only]

WORKLOAD = "event-processing-dev"
ACCOUNT = "111111111111"  # the dev environment's account, what `emulator start` emulates
STATE_BUCKET = f"tfstate-dev-{ACCOUNT}-us-east-1"
FUNCTION = "event-processing-processor-dev"
STEP_SECONDS = 1800  # one command on a loaded 2-core machine (a deploy of the two stacks takes minutes)


@dataclass(frozen=True)
class Checkout:
    """A checkout's emulator (state folder, port, the pid its launcher started) and its synth folder."""

    state_dir: Path
    port: int
    pid: int
    outdir: Path

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run(self, *args: str, timeout: float = STEP_SECONDS) -> subprocess.CompletedProcess[str]:
        """`python -m tools <args>` for this checkout, selecting event-processing (deploy adds bootstrap)."""
        env = {"WORKLOADS": "event-processing", "CDKTF_OUTDIR": str(self.outdir)}
        return tools_cli(*args, state_dir=self.state_dir, port=self.port, env=env, timeout=timeout)

    def client(self, service: str) -> Any:
        return emulator_client(self.endpoint, service)


@pytest.fixture(scope="module")
def checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Checkout]:
    """An emulator started by the project's launcher for a checkout of its own; stopped at the end. The session's
    cfn-outputs/flat-outputs.json (which the CLI rewrites) is put back afterwards."""
    folder = tmp_path_factory.mktemp("long-lived")
    state_dir, port = folder / ".emulator", free_port()
    saved = OUTPUTS_FILE.read_text(encoding="utf-8") if OUTPUTS_FILE.exists() else None
    started = tools_cli("emulator", "start", state_dir=state_dir, port=port)
    assert started.returncode == 0, started.stderr
    try:
        yield Checkout(state_dir, port, int(emulator_record(state_dir)["pid"]), folder / "cdktf.out")
    finally:
        tools_cli("emulator", "stop", state_dir=state_dir, port=port)
        if saved is None:
            OUTPUTS_FILE.unlink(missing_ok=True)
        else:
            OUTPUTS_FILE.write_text(saved, encoding="utf-8")


def same_emulator(checkout: Checkout, after: str) -> None:
    """The emulator the launcher started is still the one recorded, alive and answering as this checkout's."""
    assert emulator_record(checkout.state_dir)["pid"] == checkout.pid, f"a new emulator after {after}"
    os.kill(checkout.pid, 0)  # the process exists (raises ProcessLookupError otherwise)
    status = tools_cli("emulator", "status", state_dir=checkout.state_dir, port=checkout.port)
    assert status.stderr == (
        f"emulator running on {checkout.endpoint} (account {ACCOUNT}), pid {checkout.pid}, "
        f"state {checkout.state_dir / 'emulator.json'}\n"
    ), f"after {after}"


def step(checkout: Checkout, code: int, *args: str) -> subprocess.CompletedProcess[str]:
    """Run one command, assert its exit code, and that the emulator survived it."""
    done = checkout.run(*args)
    assert done.returncode == code, f"{' '.join(args)}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr
    same_emulator(checkout, " ".join(args))
    return done


def stack_line(stderr: str, stack: str, summary: str) -> None:
    """The runner's per-stack line (tools/parallel.py): `[i/N] <stack>: <summary> in <s> s`."""
    assert re.search(rf"^\[\d/\d\] {re.escape(stack)}: {re.escape(summary)}.* in \d+ s$", stderr, re.M), stderr


def drift_line(stdout: str, stack: str, status: str) -> None:
    """A line of the drift table (tools/drift.py): `<stack padded>  <status padded to 12>  <detail>`."""
    assert re.search(rf"^{re.escape(stack)} +{re.escape(status)} ", stdout + " ", re.M), stdout


def outputs() -> dict[str, Any]:
    return dict(json.loads(OUTPUTS_FILE.read_text(encoding="utf-8")))


def deploy_and_check(checkout: Checkout) -> subprocess.CompletedProcess[str]:
    deployed = step(checkout, 0, "deploy")
    stack_line(deployed.stderr, "bootstrap-dev", "applied")
    stack_line(deployed.stderr, WORKLOAD, "applied")
    assert f"{WORKLOAD}:\n" in deployed.stdout and f"  function_name = {FUNCTION}\n" in deployed.stdout
    assert outputs()[WORKLOAD]["function_name"] == FUNCTION
    return deployed


def plan_is_clean(checkout: Checkout) -> None:
    planned = step(checkout, 0, "plan", "--detailed-exitcode")
    stack_line(planned.stderr, WORKLOAD, "No changes. Your infrastructure matches the configuration.")


def test_deploy_plan_drift_destroy_deploy_plan_on_one_emulator(checkout: Checkout) -> None:
    deploy_and_check(checkout)
    plan_is_clean(checkout)
    in_sync = step(checkout, 0, "drift")
    drift_line(in_sync.stdout, "bootstrap-dev", "in sync")
    drift_line(in_sync.stdout, WORKLOAD, "in sync")

    lambda_ = checkout.client("lambda")
    memory = int(lambda_.get_function_configuration(FunctionName=FUNCTION)["MemorySize"])
    lambda_.update_function_configuration(FunctionName=FUNCTION, MemorySize=memory + 128)  # out of band
    drifted = step(checkout, 3, "drift")
    drift_line(drifted.stdout, "bootstrap-dev", "in sync")
    drift_line(drifted.stdout, WORKLOAD, "drifted")
    assert f"memory_size: {memory} -> {memory + 128}\n" in drifted.stdout

    destroyed = step(checkout, 0, "destroy")
    stack_line(destroyed.stderr, WORKLOAD, "destroyed")
    assert "bootstrap-dev" not in destroyed.stderr  # never touched, not even listed
    assert checkout.client("s3").head_bucket(Bucket=STATE_BUCKET)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert WORKLOAD not in outputs() and "bootstrap-dev" in outputs()
    assert lambda_.list_functions()["Functions"] == []

    log = log_path("deploy", WORKLOAD)
    start = len(log.read_text(encoding="utf-8"))
    again = deploy_and_check(checkout)
    applied = log.read_text(encoding="utf-8")[start:]
    assert "already exists" not in again.stderr + applied
    assert re.search(r"^Apply complete! Resources: [1-9]\d* added, 0 changed, 0 destroyed\.$", applied, re.M), applied
    assert int(lambda_.get_function_configuration(FunctionName=FUNCTION)["MemorySize"]) == memory
    plan_is_clean(checkout)

    stopped = tools_cli("emulator", "stop", state_dir=checkout.state_dir, port=checkout.port)
    assert stopped.stderr == f"emulator stopped (pid {checkout.pid}, port {checkout.port}; port free again)\n"
    assert port_is_free(checkout.port)

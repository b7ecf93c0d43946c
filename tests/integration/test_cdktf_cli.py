"""The pinned cdktf CLI (package-lock.json) works on this project as the cdktf docs describe: `cdktf synth`,
`cdktf deploy <stack> --outputs-file`, then `cdktf diff <stack>` with nothing to change, against an emulator of its
own (the session's emulator already holds the bootstrap bucket this deploy creates)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

from emulator.server import ROOT, Emulator
from tests.conftest import dev_emulator, emulator_client
from tools import terraform

CDKTF = ROOT / "node_modules" / ".bin" / "cdktf"
STACK = "bootstrap-dev"


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    with dev_emulator() as started:
        yield started


def cdktf(args: list[str], env: dict[str, str]) -> str:
    """`cdktf <args>` in the project folder; fails the test with the CLI's own output."""
    proc = subprocess.run(
        [str(CDKTF), *args], cwd=ROOT, env=env, text=True, capture_output=True, check=False, timeout=600
    )
    assert proc.returncode == 0, f"cdktf {' '.join(args)} (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


@pytest.mark.integration
@pytest.mark.emulator_only  # against an emulator of its own, whatever DEPLOY_TARGET says
def test_cdktf_cli_synthesizes_deploys_and_diffs_clean(emulator: Emulator, tmp_path: Path) -> None:
    outdir = tmp_path / "cdktf.out"  # the bootstrap's local state lands in tmp_path/state, next to it
    env = terraform.terraform_env(
        {
            **emulator.client_env(),
            "CI": "1",
            "WORKLOADS": "bootstrap",
            "ENVIRONMENTS": "dev",
            "PIPENV_VENV_IN_PROJECT": "1",
            "PIPENV_VERBOSITY": "-1",
        }
    )

    synth = cdktf(["synth", "--output", str(outdir)], env)
    assert f"synthesized 1 stack(s) to {outdir}/stacks" in synth
    stack_dir = outdir / "stacks" / STACK
    # Offline only: with a lock file in the stack folder cdktf skips `terraform providers lock`, which always asks
    # the public registry (README, "Pitfalls found here"). `make validate` leaves the same file.
    terraform.init(stack_dir, backend=False)

    outputs_file = tmp_path / "outputs.json"
    cdktf(["deploy", STACK, "--auto-approve", "--output", str(outdir), "--outputs-file", str(outputs_file)], env)
    outputs = json.loads(outputs_file.read_text(encoding="utf-8"))[STACK]
    assert outputs["state_bucket_name"] == "tfstate-dev-111111111111-us-east-1"
    assert (tmp_path / "state" / f"{STACK}.tfstate").is_file()

    s3 = emulator_client(emulator.endpoint, "s3")
    assert s3.get_bucket_versioning(Bucket=outputs["state_bucket_name"])["Status"] == "Enabled"

    diff = cdktf(["diff", STACK, "--output", str(outdir)], env)
    assert "No changes." in diff, diff

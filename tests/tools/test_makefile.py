"""The Makefile hands the selection and the emulator settings to every command, set either way a user sets them:
in the environment (`WORKLOADS=flask-api make deploy`) or on make's command line (`make deploy WORKLOADS=...`)."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import ROOT

VARIABLES = ("WORKLOADS", "ENVIRONMENTS", "ENVIRONMENT_SUFFIX", "EMULATOR_PORT", "DEPLOY_TARGET", "CONFIRM", "JOBS")
# A recipe of its own, added with --eval: it prints what a recipe of the real Makefile sees (nothing is built).
PROBE = "env-probe: ; @echo " + " ".join(f'"{v}=$${{{v}-unset}}"' for v in VARIABLES)
VALUES = {
    "WORKLOADS": "flask-api,event-processing",
    "ENVIRONMENTS": "staging",
    "ENVIRONMENT_SUFFIX": "pr42",
    "EMULATOR_PORT": "4611",
    "DEPLOY_TARGET": "aws",
    "CONFIRM": "prod",
    "JOBS": "3",
}


def recipe_sees(env: dict[str, str], *overrides: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in VARIABLES and k not in ("MAKEFLAGS", "MFLAGS")}
    return subprocess.run(
        ["make", "--no-print-directory", f"--eval={PROBE}", "env-probe", *overrides],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout


@pytest.mark.parametrize("how", ["environment", "command line"])
def test_every_recipe_sees_the_selection(how: str) -> None:
    overrides = [f"{k}={v}" for k, v in VALUES.items()] if how == "command line" else []
    seen = recipe_sees(VALUES if how == "environment" else {}, *overrides)
    assert seen == " ".join(f"{k}={VALUES[k]}" for k in VARIABLES) + "\n"


def test_unset_stays_unset() -> None:
    assert recipe_sees({}) == " ".join(f"{k}=unset" for k in VARIABLES) + "\n"


def test_integration_aws_defaults_to_event_processing() -> None:
    plain = subprocess.run(
        ["make", "-n", "--no-print-directory", "integration-aws"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k not in VARIABLES},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    ).stdout
    assert "TEST_WORKLOADS=bootstrap,event-processing " in plain
    assert "tests/stacks/event_processing/test_deployed.py" in plain

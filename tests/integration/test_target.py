"""The integration suite's target selection (tests/integration/target.py): local by default, aws only when asked,
and then only on an ephemeral copy of a real (non-placeholder) account."""

from __future__ import annotations

import pytest

from tests.integration.target import TargetError, is_placeholder, select_target

REAL = "210987654321"


@pytest.mark.parametrize(
    "environ",
    [{}, {"DEPLOY_TARGET": ""}, {"DEPLOY_TARGET": "local"}, {"DEPLOY_TARGET": "local", "ENVIRONMENT_SUFFIX": "e2e1"}],
)
def test_local_by_default(environ: dict[str, str]) -> None:
    target = select_target(environ, "111111111111")
    assert (target.name, target.suffix, target.env_id) == ("local", None, "dev")
    assert (target.stack("flask-api"), target.name_of("flask-api-api")) == ("flask-api-dev", "flask-api-api-dev")


def test_aws_when_asked_with_an_ephemeral_suffix_and_a_real_account() -> None:
    target = select_target({"DEPLOY_TARGET": "aws", "ENVIRONMENT_SUFFIX": "e2e1234"}, REAL)
    assert (target.name, target.suffix, target.account_id, target.env_id) == ("aws", "e2e1234", REAL, "dev-e2e1234")
    assert target.stack("event-processing") == "event-processing-dev-e2e1234"
    assert target.name_of("event-processing-tasks") == "event-processing-tasks-dev-e2e1234"


@pytest.mark.parametrize(
    ("environ", "account", "message"),
    [
        (
            {"DEPLOY_TARGET": "aws"},
            REAL,
            "DEPLOY_TARGET=aws runs the integration suite only on an ephemeral copy: set ENVIRONMENT_SUFFIX "
            "(1-8 lowercase letters and digits, e.g. e2e1234), so nothing of the real dev environment is touched "
            "and everything deployed "
            "can be destroyed afterwards",
        ),
        (
            {"DEPLOY_TARGET": "aws", "ENVIRONMENT_SUFFIX": "E2E-1"},
            REAL,
            "ENVIRONMENT_SUFFIX 'E2E-1' is invalid: use 1-8 lowercase letters and digits starting with a letter "
            "(e.g. e2e1234)",
        ),
        (
            {"DEPLOY_TARGET": "aws", "ENVIRONMENT_SUFFIX": "e2e1234"},
            "111111111111",
            "config/environments.toml: environments.dev.account_id is the placeholder 111111111111: set it to your "
            "sandbox account's id before running against AWS",
        ),
        ({"DEPLOY_TARGET": "prod"}, REAL, "DEPLOY_TARGET='prod' is not a target: use local (default) or aws"),
    ],
)
def test_aws_is_refused_without_a_suffix_or_with_a_placeholder_account(
    environ: dict[str, str], account: str, message: str
) -> None:
    with pytest.raises(TargetError) as caught:
        select_target(environ, account)
    assert str(caught.value) == message


def test_the_shipped_account_ids_are_placeholders() -> None:
    from config import load_environments  # pylint: disable=import-outside-toplevel

    assert {r.account_id for r in load_environments().values()} <= {"111111111111", "222222222222", "333333333333"}
    assert all(is_placeholder(r.account_id) for r in load_environments().values())
    assert not is_placeholder(REAL)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"ENVIRONMENT_SUFFIX": "e2e1234"},
            "error: config/environments.toml: environments.dev.account_id is the placeholder 111111111111",
        ),
        ({}, "error: DEPLOY_TARGET=aws runs the integration suite only on an ephemeral copy: set ENVIRONMENT_SUFFIX"),
    ],
)
def test_pytest_refuses_an_unusable_aws_run_before_deploying(extra: dict[str, str], message: str) -> None:
    """The session stops at collection (exit 2, the message, nothing deployed) when integration tests are selected;
    unit tests are unaffected by DEPLOY_TARGET."""
    import os  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel
    import sys  # pylint: disable=import-outside-toplevel

    env = {k: v for k, v in os.environ.items() if k not in ("ENVIRONMENT_SUFFIX", "PYTEST_ADDOPTS")}
    env |= {"DEPLOY_TARGET": "aws"} | extra
    refused = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "--collect-only",
            "-p",
            "no:cacheprovider",
            "tests/stacks/bootstrap/test_deployed.py",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (refused.returncode, message in refused.stdout) == (2, True), refused.stdout
    unit = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "--collect-only",
            "-p",
            "no:cacheprovider",
            "tests/integration/test_e2e_workflow.py",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert unit.returncode == 0, unit.stdout

"""The pure helpers the checks share, on Checkov-shaped confs (values wrapped in lists)."""

from __future__ import annotations

from pathlib import Path

import pytest

from config import load_environments, loader
from policies.checks import env_id, first, is_reference, literal_text, walk
from policies.checks.ckv_app_009_sqs_dead_letter_queue import is_dead_letter_queue_name, names_dead_letter_target
from policies.checks.ckv_app_010_prod_deletion_protection import protected_environments
from policies.checks.ckv_app_011_environment_in_names import contains_env_id


def test_first_unwraps_checkov_lists() -> None:
    assert first({"engine": ["mysql"]}, "engine") == "mysql"
    assert first({"tags": [{"A": "b"}]}, "tags") == {"A": "b"}
    assert first({"x": []}, "x", "default") == "default"
    assert first({}, "x") is None


def test_references_and_literal_text() -> None:
    assert is_reference("${aws_kms_key.Key_1.arn}")
    assert not is_reference("arn:${aws_kms_key.Key_1.arn}")
    assert literal_text("/aws/lambda/${aws_lambda_function.F.function_name}") == "/aws/lambda/"


def test_walk_skips_metadata_and_yields_keys() -> None:
    found = dict(walk({"//": {"x": "TfToken[1]"}, "tags": [{"K": "v"}]}))
    assert found == {"tags": "tags", "tags[0].K": "v"}


@pytest.mark.parametrize(
    ("conf", "expected"),
    [
        ({"tags": [{"Environment": "dev"}]}, "dev"),
        ({"tags": [{"Environment": "dev", "Ephemeral": "pr42"}]}, "dev-pr42"),
        ({"//": {"metadata": {"path": "flask-api-prod/Alb/Alb"}}}, "prod"),
        ({"//": {"metadata": {"path": "event-processing-dev-pr42/Queue"}}}, "dev-pr42"),
        ({"//": {"metadata": {"path": "nothing/Queue"}}}, None),
    ],
)
def test_env_id(conf: dict, expected: str | None) -> None:
    assert env_id(conf) == expected


@pytest.mark.parametrize(
    ("name", "env", "expected"),
    [
        ("orders-jobs-dev", "dev", True),
        ("orders-devices", "dev", False),
        ("/orders/dev/param", "dev", True),
        ("orders-jobs-dev-pr42-0", "dev-pr42", True),
        ("orders-jobs-dev", "dev-pr42", False),
        ("Orders-Role-DEV", "dev", True),
    ],
)
def test_contains_env_id(name: str, env: str, expected: bool) -> None:
    assert contains_env_id(name, env) is expected


def test_dead_letter_queue_convention() -> None:
    assert is_dead_letter_queue_name("orders-events-dlq-dev")
    assert is_dead_letter_queue_name("orders-events-dlq-dev.fifo")
    assert is_dead_letter_queue_name("orders-dlq")
    assert not is_dead_letter_queue_name("orders-dlqs-dev")
    assert names_dead_letter_target('{"deadLetterTargetArn": "${aws_sqs_queue.D.arn}", "maxReceiveCount": 5}')
    assert names_dead_letter_target("${jsonencode({deadLetterTargetArn = aws_sqs_queue.D.arn})}")
    assert not names_dead_letter_target('{"maxReceiveCount": 5}')
    assert not names_dead_letter_target(None)


def test_protected_environments_are_prod_and_every_record_with_deletion_protection() -> None:
    records = load_environments()
    expected = {"prod"} | {name for name, record in records.items() if record.deletion_protection is True}
    assert protected_environments() == expected
    assert "dev" not in expected  # dev's record leaves deletion_protection off


def test_an_environment_that_sets_deletion_protection_is_protected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read from the file, not a list: `qa` sets it, `sandbox` inherits the default off, `prod` is always in."""
    environments = tmp_path / "environments.toml"
    environments.write_text(
        "[defaults]\ndeletion_protection = false\n[environments.qa]\ndeletion_protection = true\n"
        "[environments.sandbox]\n[environments.prod]\ndeletion_protection = false\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(loader, "ENVIRONMENTS_FILE", environments)
    protected_environments.cache_clear()  # read once per process (lru_cache): read this file, then the real one
    try:
        assert protected_environments() == {"prod", "qa"}
    finally:
        protected_environments.cache_clear()

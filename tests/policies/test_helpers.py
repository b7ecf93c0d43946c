"""The pure helpers the checks share, on Checkov-shaped confs (values wrapped in lists)."""

from __future__ import annotations

import pytest

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


def test_prod_is_always_protected() -> None:
    assert "prod" in protected_environments()
    assert "dev" not in protected_environments()

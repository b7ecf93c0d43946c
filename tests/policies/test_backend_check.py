"""policies/backend_check.py on synthesized stacks: S3 backend with encryption and locking, bootstrap exempt."""

from __future__ import annotations

from policies.backend_check import backend_problems, backend_problems_in_file
from tests.policies.conftest import Fixtures


def test_workload_stack_backend_is_compliant(fixtures: Fixtures) -> None:
    assert not backend_problems_in_file(fixtures.file("polfix-staging"))
    assert not backend_problems_in_file(fixtures.file("polfix-dev-pr7"))


def test_dynamodb_locking_is_accepted(fixtures: Fixtures) -> None:
    assert not backend_problems_in_file(fixtures.file("dynamolock-dev"))


def test_bootstrap_is_exempt(fixtures: Fixtures) -> None:
    assert list(fixtures.json("bootstrap-dev")["terraform"]["backend"]) == ["local"]
    assert not backend_problems_in_file(fixtures.file("bootstrap-dev"))


def test_local_backend_fails(fixtures: Fixtures) -> None:
    assert backend_problems_in_file(fixtures.file("plain-dev")) == [
        "APP_BACKEND: stack plain-dev keeps its state in backend local, not s3: build it on "
        "core.stack.WorkloadStack (remote_state = True)"
    ]


def test_missing_lock_fails(fixtures: Fixtures) -> None:
    assert backend_problems_in_file(fixtures.file("nolock-dev")) == [
        "APP_BACKEND: stack nolock-dev: s3 backend has no locking: set use_lockfile = true "
        '(stack.add_override("terraform.backend.s3.use_lockfile", True))'
    ]


def test_missing_encryption_fails(fixtures: Fixtures) -> None:
    assert backend_problems_in_file(fixtures.file("noencrypt-dev")) == [
        "APP_BACKEND: stack noencrypt-dev: s3 backend does not set encrypt = true (state holds secrets)"
    ]


def test_missing_backend_and_fields() -> None:
    assert backend_problems({"terraform": {}}, "orders-dev") == [
        "APP_BACKEND: stack orders-dev keeps its state in backend none, not s3: build it on "
        "core.stack.WorkloadStack (remote_state = True)"
    ]
    assert backend_problems(
        {"terraform": {"backend": {"s3": {"encrypt": True, "use_lockfile": True}}}}, "orders-dev"
    ) == [f"APP_BACKEND: stack orders-dev: s3 backend has no {k}" for k in ("bucket", "key", "region")]

"""event-processing settings: per-environment values load from environments.toml; bad values name their fix."""

from __future__ import annotations

import pytest

from config import ConfigError, load_environments
from config.loader import ENVIRONMENTS_FILE

RUNTIME_LINE = '[defaults.event_processing]\nruntime = "python3.12"'


def problems_with(old: str, new: str) -> list[str]:
    """Problems of the real environments.toml with `old` replaced by `new` (in [defaults.event_processing])."""
    text = ENVIRONMENTS_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    with pytest.raises(ConfigError) as caught:
        load_environments(text.replace(old, new))
    return [p for p in caught.value.problems if ".event_processing." in p]  # other sections are not ours


def test_unsupported_runtime_is_rejected_with_the_supported_list() -> None:
    problems = problems_with(RUNTIME_LINE, '[defaults.event_processing]\nruntime = "python3.9"')
    assert problems == [
        f"environments.{env}.event_processing.runtime: Lambda runtime 'python3.9' is not supported for new "
        "functions; choose one of: python3.11, python3.12, python3.13 (config/catalog.toml [lambda])"
        for env in ("dev", "staging", "prod")
    ]


def test_memory_below_lambda_minimum_names_the_range() -> None:
    # staging and prod set their own memory: only dev inherits the broken default.
    assert problems_with(RUNTIME_LINE + "\nmemory_mb = 256\n", RUNTIME_LINE + "\nmemory_mb = 64\n") == [
        "environments.dev.event_processing.memory_mb: 64 MB: Lambda takes 128 to 10240 MB"
    ]


def test_records_differ_per_environment_exactly_as_configured() -> None:
    records = {name: record.event_processing for name, record in load_environments().items()}
    assert {
        n: (s.memory_mb, s.timeout_seconds, s.reserved_concurrency, s.max_receive_count) for n, s in records.items()
    } == {"dev": (256, 30, 2, 3), "staging": (512, 60, 5, 5), "prod": (1024, 120, 50, 5)}
    assert {n: (s.queue_retention_days, s.dlq_retention_days) for n, s in records.items()} == {
        "dev": (1, 7),
        "staging": (4, 14),
        "prod": (7, 14),
    }
    assert records["prod"].notification_email == "platform-alerts@example.com"
    assert records["dev"].notification_email is None
    assert {s.runtime for s in records.values()} == {"python3.12"}


def test_sqs_retention_over_fourteen_days_is_rejected() -> None:
    problems = problems_with("dlq_retention_days = 14\n", "dlq_retention_days = 15\n")
    assert problems == [
        f"environments.{env}.event_processing.dlq_retention_days: 15 days: SQS keeps messages for 1 to 14 days"
        for env in ("staging", "prod")
    ]

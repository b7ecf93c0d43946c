"""Stack selection from arguments or environment variables, and its error messages."""

from __future__ import annotations

import pytest

from config import ConfigError, Selection, parse_selection, selection_from_env

KNOWN = {"known_workloads": ["bootstrap", "event-processing"], "known_environments": ["dev", "prod"]}


def test_defaults_to_everything() -> None:
    assert parse_selection(workloads=None, environments="", suffix=None, **KNOWN) == Selection(
        ("bootstrap", "event-processing"), ("dev", "prod"), None
    )


def test_from_environment_variables() -> None:
    env = {"WORKLOADS": "event-processing", "ENVIRONMENTS": "prod, dev", "ENVIRONMENT_SUFFIX": "pr42"}
    assert selection_from_env(env, **KNOWN) == Selection(("event-processing",), ("prod", "dev"), "pr42")


def test_every_problem_is_listed() -> None:
    with pytest.raises(ConfigError) as caught:
        parse_selection(workloads="nope", environments="qa", suffix="PR_42", **KNOWN)
    assert caught.value.problems == [
        "unknown workload 'nope'; choose from: bootstrap, event-processing",
        "unknown environment 'qa'; choose from: dev, prod (or add it to config/environments.toml)",
        "ENVIRONMENT_SUFFIX 'PR_42' is invalid: use 1-8 lowercase letters and digits starting with a letter "
        "(e.g. 'pr42'); it becomes part of every resource name and state key",
    ]


@pytest.mark.parametrize("suffix", ["42pr", "toolongsuffix", "pr-42"])
def test_bad_suffixes(suffix: str) -> None:
    with pytest.raises(ConfigError):
        parse_selection(workloads=None, environments=None, suffix=suffix, **KNOWN)

"""Configuration errors: each problem has its exact message, and all problems are reported at once."""

from __future__ import annotations

import copy
import dataclasses
import tomllib
import typing
from typing import Any, Iterator

import pytest

from config import ConfigError, EnvironmentRecord, load_catalog, load_environments
from config.loader import ENVIRONMENTS_FILE, deep_merge, records_from_data

# The real [defaults] tables (everything before the first environment): each test adds one environment to them.
BASE = ENVIRONMENTS_FILE.read_text(encoding="utf-8").split("\n[environments.", 1)[0] + "\n"


def problems_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_environments(BASE + text)
    return caught.value.problems


def test_real_records_load_with_only_differences_written() -> None:
    records = load_environments()
    assert sorted(records) == ["dev", "prod", "staging"]
    assert records["prod"].deletion_protection is True
    assert records["dev"].deletion_protection is False
    assert records["staging"].log_retention_days == 365  # not written for staging: the default
    assert (records["dev"].log_retention_days, records["prod"].log_retention_days) == (365, 365)
    assert records["dev"].state.noncurrent_version_expiration_days == 30


def test_unknown_key_names_the_valid_keys() -> None:
    (problem, *rest) = problems_of('[environments.qa]\naccount_id = "123456789012"\nregoin = "us-east-1"\n')
    assert not rest
    assert problem.startswith(
        "environments.qa.regoin: unknown key; valid keys here: account_id, alarm_endpoints, "
        "allow_plain_http, api_stage, backup, "
        "deletion_protection"
    )


def test_bad_region_lists_the_allowed_regions() -> None:
    (problem,) = problems_of('[environments.qa]\naccount_id = "123456789012"\nregion = "eu-south-1"\n')
    assert problem.startswith("environments.qa.region: region 'eu-south-1' is not allowed; choose one of: us-east-1,")


def test_bad_account_id() -> None:
    assert problems_of('[environments.qa]\naccount_id = "12345"\n') == [
        "environments.qa.account_id: '12345' is not a 12-digit AWS account id"
    ]


def test_wrong_type_and_missing_value_are_both_reported() -> None:
    found = problems_of('[environments.qa]\nlog_retention_days = "7"\n')
    assert found == [
        "environments.qa.account_id: missing; set it in [defaults] or in this environment "
        "(the only AWS account this environment may deploy into)",
        "environments.qa.log_retention_days: expected an integer, got '7'",
    ]


def test_boolean_is_not_an_integer() -> None:
    assert problems_of('[environments.qa]\naccount_id = "123456789012"\nlog_retention_days = true\n') == [
        "environments.qa.log_retention_days: expected an integer, got True"
    ]


def test_retention_must_be_a_cloudwatch_value() -> None:
    (problem,) = problems_of('[environments.qa]\naccount_id = "123456789012"\nlog_retention_days = 10\n')
    assert problem.startswith("environments.qa.log_retention_days: 10 is not a CloudWatch Logs retention; choose")


def test_protected_environment_keeps_every_log_a_year() -> None:
    found = problems_of(
        '[environments.qa]\naccount_id = "123456789012"\ndeletion_protection = true\nlog_retention_days = 30\n'
        "[environments.qa.healthcare_api]\naudit_log_retention_days = 180\n"
    )
    assert [p for p in found if "retention" in p] == [
        "environments.qa.log_retention_days: 30 days in an environment with deletion_protection = true; protected "
        "environments keep logs at least 365 days, set 365 or more",
        "environments.qa.healthcare_api.audit_log_retention_days: 180 days in an environment with "
        "deletion_protection = true; protected environments keep logs at least 365 days, set 365 or more",
    ]


def test_an_unprotected_environment_may_keep_logs_a_week() -> None:
    assert load_environments(BASE + '[environments.qa]\naccount_id = "123456789012"\nlog_retention_days = 7\n')


def test_every_problem_of_every_environment_at_once() -> None:
    found = problems_of('[environments.a]\naccount_id = "1"\n[environments.b]\naccount_id = "2"\nregion = "x"\n')
    assert len(found) == 3


def test_not_toml() -> None:
    with pytest.raises(ConfigError) as caught:
        load_environments("[defaults\n")
    assert caught.value.problems[0].startswith("environments.toml is not valid TOML:")


def test_unknown_top_level_table_and_no_environments() -> None:
    with pytest.raises(ConfigError) as caught:
        load_environments(BASE + "[envs.dev]\n")
    assert caught.value.problems == [
        "envs: unknown top-level table; use [defaults] and [environments.<name>]",
        "no [environments.<name>] table; define at least one environment",
    ]


def test_name_key_is_rejected() -> None:
    assert problems_of('[environments.qa]\naccount_id = "123456789012"\nname = "x"\n') == [
        "environments.qa.name: set by the table name; remove this key"
    ]


def test_section_must_be_a_table() -> None:
    assert problems_of('[environments.qa]\naccount_id = "123456789012"\nstate = 3\n') == [
        "environments.qa.state: expected a table, got 3"
    ]


def test_error_text_lists_every_problem() -> None:
    error = ConfigError(["a is wrong", "b is wrong"])
    assert str(error) == "configuration has 2 problem(s):\n  - a is wrong\n  - b is wrong"


def test_deep_merge_merges_tables_and_replaces_values() -> None:
    assert deep_merge({"a": {"x": 1, "y": 2}, "b": 1}, {"a": {"y": 3}, "b": [2]}) == {"a": {"x": 1, "y": 3}, "b": [2]}


def _leaves(cls: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """(key path, annotation) of every leaf field of the record type `cls`."""
    hints = typing.get_type_hints(cls)
    for fld in dataclasses.fields(cls):
        if dataclasses.is_dataclass(hints[fld.name]):
            yield from _leaves(hints[fld.name], (*prefix, fld.name))
        else:
            yield (*prefix, fld.name), hints[fld.name]


LEAVES = [path for path, _ in _leaves(EnvironmentRecord) if path != ("name",)]
ODD_VALUES = (12345, "text", [1, 2], True, {"a": 1}, [])


@pytest.mark.parametrize("path", LEAVES, ids=[".".join(p) for p in LEAVES])
def test_a_value_of_any_type_in_any_field_is_reported_never_raised(path: tuple[str, ...]) -> None:
    """Bad input is a list of problems (exit 2), never a traceback: before, a number for a DR region, zones that
    are not strings or a number for replica_regions crashed the cross-field rules."""
    data = tomllib.loads(ENVIRONMENTS_FILE.read_text(encoding="utf-8"))
    for value in ODD_VALUES:
        edited = copy.deepcopy(data)
        table = edited["environments"]["prod"]
        for key in path[:-1]:
            table = table.setdefault(key, {})
        table[path[-1]] = value
        try:
            records_from_data(edited, load_catalog())
        except ConfigError as error:
            assert error.problems and all(p.startswith("environments.prod.") for p in error.problems)


def _values(record: Any, prefix: str = "") -> Iterator[tuple[str, Any, Any]]:
    hints = typing.get_type_hints(type(record))
    for fld in dataclasses.fields(record):
        value = getattr(record, fld.name)
        if dataclasses.is_dataclass(value):
            yield from _values(value, f"{prefix}{fld.name}.")
        else:
            yield f"{prefix}{fld.name}", value, hints[fld.name]


def test_sequence_fields_are_annotated_as_the_tuples_they_hold() -> None:
    """The loader stores every list as a tuple (records are frozen): the annotations say so (list[str] before)."""
    record = load_environments()["prod"]
    sequences = {name: hint for name, value, hint in _values(record) if isinstance(value, (list, tuple))}
    assert sorted(sequences) == [
        "alarm_endpoints",
        "disaster_recovery.dr_network.availability_zones",
        "disaster_recovery.primary_network.availability_zones",
        "flask_api.network.availability_zones",
        "fraud_detection.network.availability_zones",
        "fraud_detection.replica_regions",
        "healthcare_api.network.availability_zones",
    ]
    assert {name: typing.get_origin(hint) for name, hint in sequences.items()} == {name: tuple for name in sequences}
    assert all(isinstance(value, tuple) for _, value, _ in _values(record) if isinstance(value, (list, tuple)))

"""Load environments.toml into typed, validated EnvironmentRecords, reporting every problem at once.

A record is [defaults] deep-merged with [environments.<name>]; then each field is type-checked, run through the
check named in its metadata (config/validators.py), CIDR blocks are checked for overlaps within the environment, and
the rules across fields run (config/rules.py). A field typed with an enum (config/settings.py `NatGateways`) takes
one of the enum's values and holds the member.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import ipaddress
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

from config import rules, validators
from config.catalog import Catalog, load_catalog
from config.errors import ConfigError
from config.records import EnvironmentRecord

ENVIRONMENTS_FILE = Path(__file__).with_name("environments.toml")
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", float: "a number"}


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`base` with `override` written over it; tables merge key by key, other values are replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _union_problem(value: Any, expected: Any, path: str) -> str | None:
    options = [t for t in typing.get_args(expected) if t is not types.NoneType]
    if value is None or any(_type_problem(value, t, path) is None for t in options):
        return None
    return f"{path}: expected {' or '.join(_TYPE_NAMES.get(t, str(t)) for t in options)}, got {value!r}"


def _list_problem(value: Any, expected: Any, path: str) -> str | None:
    (item_type, *_) = typing.get_args(expected)
    if not isinstance(value, list):
        return f"{path}: expected a list, got {value!r}"
    problems = [_type_problem(item, item_type, f"{path}[{i}]") for i, item in enumerate(value)]
    return next((p for p in problems if p), None)


def _enum_problem(value: Any, expected: type[enum.Enum], path: str) -> str | None:
    choices = sorted(str(member.value) for member in expected)
    return None if value in choices else f"{path}: {value!r}: choose one of: {', '.join(choices)}"


def _type_problem(value: Any, expected: Any, path: str) -> str | None:
    if isinstance(expected, type) and issubclass(expected, enum.Enum):
        return _enum_problem(value, expected, path)
    origin = typing.get_origin(expected)
    if origin in (typing.Union, types.UnionType):
        return _union_problem(value, expected, path)
    if origin in (list, tuple):
        return _list_problem(value, expected, path)
    # bool is a subclass of int in Python: keep `true` out of integer fields.
    wrong_int = expected is int and isinstance(value, bool)
    if wrong_int or not isinstance(value, expected):
        return f"{path}: expected {_TYPE_NAMES.get(expected, getattr(expected, '__name__', expected))}, got {value!r}"
    return None


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """The resolved annotations of a record class (resolving them was two thirds of a load's time)."""
    return typing.get_type_hints(cls)


def build(cls: type, data: dict[str, Any], path: str, catalog: Catalog, problems: list[str]) -> Any:
    """Instantiate dataclass `cls` from `data`, appending every problem found to `problems`."""
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for unknown in sorted(set(data) - set(fields)):
        problems.append(f"{path}.{unknown}: unknown key; valid keys here: {', '.join(sorted(fields))}")
    values: dict[str, Any] = {}
    for name, fld in fields.items():
        where = f"{path}.{name}"
        if name not in data:
            if fld.default is dataclasses.MISSING and fld.default_factory is dataclasses.MISSING:
                problems.append(
                    f"{where}: missing; set it in [defaults] or in this environment "
                    f"({fld.metadata.get('help', 'required')})"
                )
            continue
        value, expected = data[name], hints[name]
        if dataclasses.is_dataclass(expected):
            if not isinstance(value, dict):
                problems.append(f"{where}: expected a table, got {value!r}")
                continue
            values[name] = build(typing.cast(type, expected), value, where, catalog, problems)
            continue
        problem = _type_problem(value, expected, where)
        check = fld.metadata.get("check")
        if problem is None and check is not None and value is not None:
            found = check(value, catalog)
            problem = f"{where}: {found}" if found else None
        if problem:
            problems.append(problem)
        values[name] = _converted(value, expected)
    try:
        return cls(**values)
    except TypeError:  # a required value was missing: already reported above
        return None


def _converted(value: Any, expected: Any) -> Any:
    """A TOML value as the field holds it: lists become tuples, an enum's value its member."""
    if isinstance(value, list):
        return tuple(value)
    if isinstance(expected, type) and issubclass(expected, enum.Enum) and not _enum_problem(value, expected, ""):
        return expected(value)
    return value  # a wrong value stays as written: it is reported, and the rules leave it alone


def _cidrs(record: Any, path: str) -> list[tuple[str, str]]:
    """Every (path, value) of a CIDR-checked field in `record`, however deep."""
    found: list[tuple[str, str]] = []
    for fld in dataclasses.fields(record):
        value = getattr(record, fld.name)
        if dataclasses.is_dataclass(value):
            found.extend(_cidrs(value, f"{path}.{fld.name}"))
        elif fld.metadata.get("check") is validators.cidr and isinstance(value, str):
            found.append((f"{path}.{fld.name}", value))
    return found


def overlap_problems(record: Any, path: str) -> list[str]:
    """VPC CIDR blocks of one environment must not overlap, so its networks can always be peered or routed."""
    blocks = []
    for where, value in _cidrs(record, path):
        try:
            blocks.append((where, ipaddress.IPv4Network(value)))
        except ValueError:
            continue  # already reported as malformed
    return [
        f"{a}: {na} overlaps {b} ({nb}); give each VPC its own block"
        for i, (a, na) in enumerate(blocks)
        for b, nb in blocks[i + 1 :]
        if na.overlaps(nb)
    ]


def load_environments(text: str | None = None, catalog: Catalog | None = None) -> dict[str, EnvironmentRecord]:
    """Every environment record of environments.toml (or of `text`), validated; raises ConfigError."""
    try:
        source = ENVIRONMENTS_FILE.read_text(encoding="utf-8") if text is None else text
    except OSError as exc:
        raise ConfigError(
            [
                f"{ENVIRONMENTS_FILE}: cannot read the environment records ({exc.strerror}); restore it "
                "from git (git checkout -- config/environments.toml)"
            ]
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [f"{ENVIRONMENTS_FILE} is not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8"]
        ) from exc
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"environments.toml is not valid TOML: {exc}"]) from exc
    return records_from_data(data, catalog)


def environment_defaults() -> dict[str, Any]:
    """The [defaults] table of environments.toml: what an environment that writes nothing gets (for the docs)."""
    return dict(tomllib.loads(ENVIRONMENTS_FILE.read_text(encoding="utf-8")).get("defaults", {}))


def records_from_data(data: dict[str, Any], catalog: Catalog | None = None) -> dict[str, EnvironmentRecord]:
    """Every environment record of already-parsed TOML `data`, validated; raises ConfigError listing all problems."""
    catalog = catalog or load_catalog()
    problems = [
        f"{key}: unknown top-level table; use [defaults] and [environments.<name>]"
        for key in sorted(set(data) - {"defaults", "environments"})
    ]
    environments = data.get("environments") or {}
    if not environments:
        problems.append("no [environments.<name>] table; define at least one environment")
    records = {}
    for name, overrides in environments.items():
        if not isinstance(overrides, dict):
            problems.append(f"environments.{name}: expected a table")
            continue
        if "name" in overrides:
            problems.append(f"environments.{name}.name: set by the table name; remove this key")
        merged = deep_merge(data.get("defaults", {}), overrides) | {"name": name}
        record = build(EnvironmentRecord, merged, f"environments.{name}", catalog, problems)
        if record is not None:
            problems.extend(overlap_problems(record, f"environments.{name}"))
            problems.extend(rules.record_problems(record, f"environments.{name}", catalog))
            records[name] = record
    if problems:
        raise ConfigError(problems, "config/environments.toml")
    return records

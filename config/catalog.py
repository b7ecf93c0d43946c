"""Catalog of values AWS accepts (regions, engine versions, reserved usernames, runtimes, Fargate task sizes), read
from catalog.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from config.errors import ConfigError

CATALOG_FILE = Path(__file__).with_name("catalog.toml")


@dataclass(frozen=True)
class Catalog:
    """Accepted values; see catalog.toml for their source and the date they were captured."""

    regions: tuple[str, ...]
    engine_versions: dict[str, tuple[str, ...]]
    reserved_usernames: dict[str, tuple[str, ...]]
    lambda_runtimes: tuple[str, ...]
    log_retention_days: tuple[int, ...]
    fargate_task_memory: dict[int, tuple[int, ...]]

    def engine_version_problem(self, engine: str, version: str) -> str | None:
        """Why `version` is not a valid version of `engine`, or None when it is."""
        versions = self.engine_versions.get(engine)
        if versions is None:
            return f"unknown engine {engine!r}; known engines: {', '.join(sorted(self.engine_versions))}"
        if version not in versions:
            return f"engine version {version!r} does not exist for {engine}; choose one of: {', '.join(versions)}"
        return None

    def username_problem(self, engine: str, username: str) -> str | None:
        """Why `username` cannot be the master username of `engine`, or None when it can."""
        reserved = self.reserved_usernames.get(engine, ())
        if username.lower() in reserved:
            return (
                f"master username {username!r} is reserved by {engine}; "
                f"choose another (e.g. 'dbadmin'); reserved: {', '.join(reserved)}"
            )
        return None

    def fargate_size_problem(self, cpu: int, memory: int) -> str | None:
        """Why `cpu` units with `memory` MiB is not a Fargate task size, or None when it is."""
        allowed = self.fargate_task_memory.get(cpu)
        if allowed is None:
            choices = ", ".join(map(str, self.fargate_task_memory))
            return f"{cpu} CPU units is not a Fargate task size; choose one of: {choices}"
        if memory not in allowed:
            return (
                f"{memory} MiB is not a Fargate memory size for {cpu} CPU units; "
                f"choose one of: {', '.join(map(str, allowed))}"
            )
        return None


def _table(data: dict[str, Any] | None, key: str, where: str, problems: list[str]) -> dict[str, Any] | None:
    """data[key] when it is a table; None (and a problem) otherwise; None silently when `data` itself is None."""
    value = None if data is None else data.get(key, None)
    if data is not None and not isinstance(value, dict):
        problems.append(f"{where}: missing [{key}] table" if value is None else f"{where}.{key}: expected a table")
        return None
    return value


def _list(data: dict[str, Any] | None, key: str, item: type, where: str, problems: list[str]) -> tuple[Any, ...]:
    value = None if data is None else data.get(key)
    if data is not None and (
        not isinstance(value, list)
        or not value
        or not all(isinstance(v, item) and not isinstance(v, bool) for v in value)
    ):
        kind = "strings" if item is str else "whole numbers"
        problems.append(f"{where}.{key}: expected a non-empty list of {kind}, got {value!r}")
        return ()
    return tuple(value or ())


def catalog_from_data(data: dict[str, Any], where: str = "config/catalog.toml") -> Catalog:
    """A Catalog from parsed catalog.toml `data`; raises ConfigError naming the file and every bad key."""
    problems: list[str] = []
    regions = _list(_table(data, "regions", where, problems), "allowed", str, f"{where} regions", problems)
    tables = {key: _table(data, key, where, problems) or {} for key in ("engine_versions", "reserved_usernames")}
    lists = {
        key: {name: _list(table, name, str, f"{where} {key}", problems) for name in table}
        for key, table in tables.items()
    }
    runtimes = _list(_table(data, "lambda", where, problems), "runtimes", str, f"{where} lambda", problems)
    retention = _list(_table(data, "logs", where, problems), "retention_days", int, f"{where} logs", problems)
    sizes = _table(_table(data, "fargate", where, problems), "task_memory_mib", f"{where} fargate", problems) or {}
    memory = {cpu: _list(sizes, cpu, int, f"{where} fargate.task_memory_mib", problems) for cpu in sizes}
    problems += [
        f"{where} fargate.task_memory_mib.{cpu}: {cpu!r} is not a number of CPU units"
        for cpu in sizes
        if not cpu.isdigit()
    ]
    if problems:
        raise ConfigError(problems)
    return Catalog(
        regions=regions,
        engine_versions=lists["engine_versions"],
        reserved_usernames=lists["reserved_usernames"],
        lambda_runtimes=runtimes,
        log_retention_days=retention,
        fargate_task_memory={int(c): m for c, m in memory.items()},
    )


@lru_cache(maxsize=1)
def load_catalog(path: Path | None = None) -> Catalog:
    """Read the catalog (default: CATALOG_FILE) once per process; raises ConfigError when the file is missing, not
    TOML or incomplete."""
    path = path or CATALOG_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(
            [
                f"{path}: cannot read the catalog ({exc.strerror}); restore it from git "
                "(git checkout -- config/catalog.toml)"
            ]
        ) from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path} is not valid TOML: {exc}; fix the line named"]) from exc
    return catalog_from_data(data, str(path))

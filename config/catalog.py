"""Catalog of values AWS accepts (regions, engine versions, reserved usernames, runtimes, Fargate task sizes), read
from catalog.toml."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

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
            return (f"engine version {version!r} does not exist for {engine}; "
                    f"choose one of: {', '.join(versions)}")
        return None

    def username_problem(self, engine: str, username: str) -> str | None:
        """Why `username` cannot be the master username of `engine`, or None when it can."""
        reserved = self.reserved_usernames.get(engine, ())
        if username.lower() in reserved:
            return (f"master username {username!r} is reserved by {engine}; "
                    f"choose another (e.g. 'dbadmin'); reserved: {', '.join(reserved)}")
        return None

    def fargate_size_problem(self, cpu: int, memory: int) -> str | None:
        """Why `cpu` units with `memory` MiB is not a Fargate task size, or None when it is."""
        allowed = self.fargate_task_memory.get(cpu)
        if allowed is None:
            choices = ", ".join(map(str, self.fargate_task_memory))
            return f"{cpu} CPU units is not a Fargate task size; choose one of: {choices}"
        if memory not in allowed:
            return (f"{memory} MiB is not a Fargate memory size for {cpu} CPU units; "
                    f"choose one of: {', '.join(map(str, allowed))}")
        return None


@lru_cache(maxsize=1)
def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    """Read the catalog once per process."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Catalog(
        regions=tuple(data["regions"]["allowed"]),
        engine_versions={k: tuple(v) for k, v in data["engine_versions"].items()},
        reserved_usernames={k: tuple(v) for k, v in data["reserved_usernames"].items()},
        lambda_runtimes=tuple(data["lambda"]["runtimes"]),
        log_retention_days=tuple(data["logs"]["retention_days"]),
        fargate_task_memory={int(cpu): tuple(sizes) for cpu, sizes in data["fargate"]["task_memory_mib"].items()},
    )

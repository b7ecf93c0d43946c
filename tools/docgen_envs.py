"""docs/environments.md: per section of the environment records, what differs between environments and what not.

Sections are found from the record itself: its plain fields ("environment-wide") and each dataclass field (state,
one per workload, ...); nested dataclasses are flattened (`network.vpc_cidr`). Descriptions are the fields' "help".
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterator

from tools.docgen_modules import BANNER, cell, code, table

SKIPPED = ("name",)  # differs by definition


def value_text(value: Any) -> str:
    """A record value as written in the table."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value)
    return str(value)


def flatten(record: Any, prefix: str = "") -> Iterator[tuple[str, Any, str]]:
    """(dotted name, value, help) of every leaf field of a dataclass instance."""
    for fld in dataclasses.fields(record):
        value = getattr(record, fld.name)
        if dataclasses.is_dataclass(value):
            yield from flatten(value, f"{prefix}{fld.name}.")
        else:
            yield f"{prefix}{fld.name}", value, str(fld.metadata.get("help", ""))


def sections(record: Any) -> list[tuple[str, str]]:
    """(field name or "" for the environment-wide fields, title) of every section of a record."""
    found = [("", "environment-wide")]
    for fld in dataclasses.fields(record):
        if dataclasses.is_dataclass(getattr(record, fld.name)):
            found.append((fld.name, f"`{fld.name}`: {fld.metadata.get('help', '')}".rstrip(": ")))
    return found


def _leaves(record: Any, section: str) -> list[tuple[str, Any, str]]:
    if section:
        value = getattr(record, section)
        return list(flatten(value)) if dataclasses.is_dataclass(value) else []
    return [
        (n, v, h)
        for n, v, h in flatten(record)
        if "." not in n and n not in SKIPPED and not dataclasses.is_dataclass(getattr(record, n))
    ]


def section_lines(records: dict[str, Any], section: str, title: str) -> list[str]:
    """The two tables (differences, common values) of one section."""
    names = list(records)
    columns = {env: {n: (v, h) for n, v, h in _leaves(record, section)} for env, record in records.items()}
    helps = {n: h for env in names for n, (_, h) in columns[env].items()}
    differ, common = [], []
    for field, help_text in helps.items():
        values = [columns[env].get(field, (None, ""))[0] for env in names]
        value = values[0]
        if any(v != value for v in values):
            differ.append((code(field), *(code(value_text(v)) for v in values), cell(help_text)))
        else:
            common.append((code(field), code(value_text(value)), cell(help_text)))
    lines = [f"## {title}", ""]
    if differ:
        lines += ["Differs:", ""] + table(("field", *names, "description"), differ) + [""]
    else:
        lines += ["Nothing differs between environments.", ""]
    if common:
        lines += ["Common values:", ""] + table(("field", "value", "description"), common) + [""]
    return lines


def render_environments(records: dict[str, Any]) -> dict[str, str]:
    """{"environments.md": content} from the loaded, validated records (environment name -> EnvironmentRecord)."""
    names = ", ".join(records)
    lines = [
        BANNER.format(source="config/environments.toml and config/records.py"),
        "",
        "# Environments",
        "",
        f"What differs between {names}, per section of the environment records (`config/records.py`), with the "
        "values every environment shares. Edit `config/environments.toml`, then run `make docs`.",
        "",
    ]
    for section, title in sections(next(iter(records.values()))):
        lines += section_lines(records, section, title)
    return {"environments.md": "\n".join(lines).rstrip("\n") + "\n"}

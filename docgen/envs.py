"""docs/environments.md: per section of the environment records, what differs between environments and what not.

Sections are found from the record itself: its plain fields ("environment-wide") and each dataclass field (state,
one per workload, ...); nested dataclasses are flattened (`network.vpc_cidr`) and listed with their meaning under
the section's title. Every field appears with its description (the field's "help") and its default: the value
`[defaults]` of environments.toml gives an environment that writes nothing, else the record's own default (unset), else
"required" (each environment sets it).
"""

from __future__ import annotations

import dataclasses
from typing import Any, Iterator, Mapping

from docgen.modules import BANNER, cell, code, summary, table

SKIPPED = ("name",)  # differs by definition
REQUIRED = "required"


def value_text(value: Any) -> str:
    """A record value as written in the table."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value) if value else "[]"
    return str(value)


def _default_text(fld: dataclasses.Field[Any], defaults: Mapping[str, Any] | None) -> str:
    """What an environment that does not write `fld` gets."""
    if defaults is not None and fld.name in defaults:
        return value_text(defaults[fld.name])
    if fld.default is not dataclasses.MISSING:
        return value_text(fld.default)
    if fld.default_factory is not dataclasses.MISSING:
        return value_text(fld.default_factory())
    return REQUIRED


def _table_of(defaults: Mapping[str, Any] | None, key: str) -> Mapping[str, Any] | None:
    value = None if defaults is None else defaults.get(key)
    return value if isinstance(value, Mapping) else None


def flatten(
    record: Any, prefix: str = "", defaults: Mapping[str, Any] | None = None
) -> Iterator[tuple[str, Any, str, str]]:
    """(dotted name, value, help, default) of every leaf field of a dataclass instance; `defaults` is the matching
    table of environments.toml's [defaults]."""
    for fld in dataclasses.fields(record):
        value = getattr(record, fld.name)
        if dataclasses.is_dataclass(value):
            yield from flatten(value, f"{prefix}{fld.name}.", _table_of(defaults, fld.name))
        else:
            yield f"{prefix}{fld.name}", value, str(fld.metadata.get("help", "")), _default_text(fld, defaults)


def sections(record: Any) -> list[tuple[str, str]]:
    """(field name or "" for the environment-wide fields, title) of every section of a record."""
    found = [("", "environment-wide")]
    for fld in dataclasses.fields(record):
        if dataclasses.is_dataclass(getattr(record, fld.name)):
            found.append((fld.name, f"`{fld.name}`: {fld.metadata.get('help', '')}".rstrip(": ")))
    return found


def _leaves(record: Any, section: str, defaults: Mapping[str, Any] | None) -> list[tuple[str, Any, str, str]]:
    if section:
        value = getattr(record, section)
        return list(flatten(value, "", _table_of(defaults, section))) if dataclasses.is_dataclass(value) else []
    return [
        (n, v, h, d)
        for n, v, h, d in flatten(record, "", defaults)
        if "." not in n and n not in SKIPPED and not dataclasses.is_dataclass(getattr(record, n))
    ]


def _intro(record: Any, section: str) -> list[str]:
    """The section's meaning (its class docstring) and one line per part (a nested table) with its help."""
    if not section or not dataclasses.is_dataclass(value := getattr(record, section)):
        return []
    lines = [summary(type(value).__doc__ or ""), ""]
    parts = [
        f"- `{fld.name}`: {fld.metadata.get('help', '')}"
        for fld in dataclasses.fields(value)
        if dataclasses.is_dataclass(getattr(value, fld.name))
    ]
    return lines + (parts + [""] if parts else [])


def section_lines(
    records: dict[str, Any], section: str, title: str, defaults: Mapping[str, Any] | None = None
) -> list[str]:
    """The two tables (differences, common values) of one section, each field with its default (`defaults`: the
    whole [defaults] table)."""
    names = list(records)
    columns = {
        env: {n: (v, h, d) for n, v, h, d in _leaves(record, section, defaults)} for env, record in records.items()
    }
    fields = {n: (h, d) for env in names for n, (_, h, d) in columns[env].items()}
    differ, common = [], []
    for field, (help_text, default) in fields.items():
        values = [columns[env].get(field, (None, "", ""))[0] for env in names]
        value = values[0]
        if any(v != value for v in values):
            differ.append((code(field), *(code(value_text(v)) for v in values), code(default), cell(help_text)))
        else:
            common.append((code(field), code(value_text(value)), code(default), cell(help_text)))
    lines = [f"## {title}", "", *_intro(next(iter(records.values())), section)]
    if differ:
        lines += ["Differs:", ""] + table(("field", *names, "default", "description"), differ) + [""]
    else:
        lines += ["Nothing differs between environments.", ""]
    if common:
        lines += ["Common values:", ""] + table(("field", "value", "default", "description"), common) + [""]
    return lines


def render_environments(records: dict[str, Any], defaults: Mapping[str, Any] | None = None) -> dict[str, str]:
    """{"environments.md": content} from the loaded, validated records (environment name -> EnvironmentRecord) and
    the [defaults] table of environments.toml."""
    names = ", ".join(records)
    lines = [
        BANNER.format(source="config/environments.toml and config/records.py"),
        "",
        "# Environments",
        "",
        f"What differs between {names}, per section of the environment records (`config/records.py`), with the "
        "values every environment shares. Edit `config/environments.toml`, then run `make docs`. Each "
        '`[environments.<name>]` table is one environment (its `name`); "default" is what an environment that '
        f"does not write the field gets: the `[defaults]` value, `(unset)`, or `{REQUIRED}` (each environment "
        "sets it).",
        "",
    ]
    for section, title in sections(next(iter(records.values()))):
        lines += section_lines(records, section, title, defaults)
    return {"environments.md": "\n".join(lines).rstrip("\n") + "\n"}

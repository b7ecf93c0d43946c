"""Every field of the environment records is documented: a help text, and a row of docs/environments.md that shows
its meaning and its default (the [defaults] value of environments.toml, the record's own default, or `required`)."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any, Iterator

from config import EnvironmentRecord
from config.loader import environment_defaults
from tests.conftest import ROOT

DOC = ROOT / "docs" / "environments.md"


def _fields(cls: Any, prefix: str = "") -> Iterator[tuple[str, dataclasses.Field[Any], Any]]:
    """(dotted name, field, annotation) of every field of `cls`, sections and their fields included."""
    hints = typing.get_type_hints(cls)
    for fld in dataclasses.fields(cls):
        yield f"{prefix}{fld.name}", fld, hints[fld.name]
        if dataclasses.is_dataclass(hints[fld.name]):
            yield from _fields(hints[fld.name], f"{prefix}{fld.name}.")


def test_every_field_has_a_help_text() -> None:
    assert not [name for name, fld, _ in _fields(EnvironmentRecord) if not fld.metadata.get("help", "").strip()]


def _expected_default(name: str, fld: dataclasses.Field[Any]) -> str:
    """The [defaults] value as the docs write it; else `(unset)` for an optional field, `required` otherwise."""
    value: Any = environment_defaults()
    for part in name.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ", ".join(value) if value else "[]"
    if value is not None:
        return str(value)
    return "(unset)" if fld.default is None else "required"


def _blocks() -> dict[str, str]:
    """{section key ("" for environment-wide): its part of docs/environments.md}."""
    blocks = DOC.read_text(encoding="utf-8").split("\n## ")[1:]
    return {("" if b.startswith("environment-wide") else b.split("`")[1]): b for b in blocks}


def test_every_field_appears_in_the_environment_docs_with_its_meaning_and_default() -> None:
    blocks = _blocks()
    for name, fld, hint in _fields(EnvironmentRecord):
        if name == "name":
            continue  # the table name of each environment, said once in the introduction
        section, _, rest = name.partition(".") if "." in name or dataclasses.is_dataclass(hint) else ("", "", name)
        block = blocks[section]
        if dataclasses.is_dataclass(hint):
            if rest:  # a part of a section: listed under the section's title with its meaning
                assert f"- `{rest.split('.')[-1]}`: {fld.metadata['help']}" in block, name
            continue
        (row,) = [line for line in block.splitlines() if line.startswith(f"| `{rest}` |")]
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert (cells[-2], cells[-1]) == (f"`{_expected_default(name, fld)}`", fld.metadata["help"]), name

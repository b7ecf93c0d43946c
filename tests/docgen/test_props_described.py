"""Every props field of every module has a description, so the generated module pages show every input."""

from __future__ import annotations

from pathlib import Path

from docgen.modules import module_files
from docgen.source import read_module

MODULES_DIR = Path(__file__).resolve().parents[2] / "modules"


def undescribed(modules_dir: Path) -> list[str]:
    """`<file>: <Class>.<field>` for every dataclass field docgen finds no description for."""
    missing = []
    for path in module_files(modules_dir):
        for doc in read_module(path)[1]:
            missing += [f"{path.name}: {doc.name}.{f.name}" for f in doc.fields if not f.description.strip()]
    return missing


def test_every_props_field_of_every_module_is_described() -> None:
    assert not undescribed(MODULES_DIR), "add a `#:` comment to each field:\n" + "\n".join(undescribed(MODULES_DIR))


def test_a_field_without_a_comment_is_reported(tmp_path: Path) -> None:
    (tmp_path / "thing.py").write_text(
        '"""A thing.\n\nDefaults:\n- none\n"""\n\nfrom dataclasses import dataclass\n\n\n'
        "@dataclass(frozen=True)\nclass ThingProps:\n"
        '    """Props of Thing."""\n\n    size: int  #: how big\n    colour: str = "red"\n',
        encoding="utf-8",
    )
    assert undescribed(tmp_path) == ["thing.py: ThingProps.colour"]

"""Modules are workload-neutral: no string of modules/*.py (docstrings, suppression reasons, descriptions, names)
names a workload; wording that belongs to one workload comes from its stack or lives in its package."""

from __future__ import annotations

import ast
import re
from pathlib import Path

MODULES_DIR = Path(__file__).resolve().parents[2] / "modules"
WORKLOAD_WORDS = re.compile(r"flask|fraud|healthcare|event[-_ ]processing|disaster", re.IGNORECASE)


def workload_strings(path: Path) -> list[str]:
    """`<file>:<line>: <line of the string>` for every line of a string constant of `path` naming a workload."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    strings = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    return [
        f"{path.name}:{node.lineno + offset}: {line.strip()}"
        for node in strings
        for offset, line in enumerate(node.value.split("\n"))
        if WORKLOAD_WORDS.search(line)
    ]


def test_no_module_string_names_a_workload() -> None:
    found = [hit for path in sorted(MODULES_DIR.glob("*.py")) for hit in workload_strings(path)]
    assert not found, "reword neutrally or pass the wording in from the stack:\n" + "\n".join(found)


def test_a_workload_name_in_an_f_string_or_docstring_is_found(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        '"""Neutral."""\n\nREASON = f"set per environment ({1}.fraud_detection.cache)"\n', encoding="utf-8"
    )
    assert workload_strings(sample) == ["sample.py:3: .fraud_detection.cache)"]  # the part after the value

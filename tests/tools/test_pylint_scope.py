"""tools/pylint_scope.py: in one pylint run, the tests-only messages stay on for the code and are off in tests/, and
a pragma in tests/ that disables one of them again is reported. Runs the real pylint with the project's .pylintrc
over a small tree: code/ and tests/ with the same three faults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tools import pylint_scope

ROOT = Path(__file__).resolve().parents[2]
FAULTS = '''"""Module."""

import types

holder = types.SimpleNamespace(_hidden=1)


def uses(holder):
    return holder._hidden
'''


def test_one_run_keeps_the_tests_only_messages_for_the_code_and_not_for_the_tests(tmp_path: Path) -> None:
    for folder in ("code", "tests"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "__init__.py").write_text('"""Package."""\n', encoding="utf-8")
        (tmp_path / folder / "faults.py").write_text(FAULTS, encoding="utf-8")
    (tmp_path / "tests" / "pragma.py").write_text(
        '"""Module."""\n\nVALUE = 1  # pylint: disable=invalid-name, protected-access\n'
        'TEXT = "# pylint: disable=protected-access"  # a string, not a pragma: not reported\n',
        encoding="utf-8",
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pylint", f"--rcfile={ROOT / '.pylintrc'}", "-j", "1", "--score=n", "code", "tests"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    found = sorted(
        (line.split(":")[0], line.rsplit("(", 1)[1].rstrip(")"))
        for line in proc.stdout.splitlines()
        if line.endswith(")") and ": " in line
    )
    assert found == sorted(
        [(os.path.join("code", "faults.py"), name) for name in pylint_scope.TESTS_ONLY]
        + [(os.path.join("tests", "pragma.py"), "redundant-tests-scope-disable")]
    ), proc.stdout + proc.stderr


def test_in_tests_names_only_the_tests_folder_of_the_working_folder(tmp_path: Path) -> None:
    assert pylint_scope.in_tests(str(tmp_path / "tests" / "a" / "x.py"), str(tmp_path))
    assert not pylint_scope.in_tests(str(tmp_path / "code" / "tests.py"), str(tmp_path))
    assert not pylint_scope.in_tests(str(tmp_path / "src" / "tests" / "x.py"), str(tmp_path))

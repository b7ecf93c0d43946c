"""Pylint plugin: a few messages are disabled only in the tests, so one pylint process lints the code and the tests.

Two processes (one for the code, one for `tests/` with `--disable=...`) parsed and inferred the project's modules
twice, since the tests import them: 128 CPU s at `jobs=2`, against 77 CPU s for one process at `jobs=1`
(2026-12-02, this machine).

Defaults: in every module whose path, relative to the folder pylint runs in, starts with `tests/`, the messages of
`TESTS_ONLY` are disabled for the whole module, exactly as a `# pylint: disable=...` on its first line would. Loaded
by `.pylintrc` (`load-plugins`).
"""

from __future__ import annotations

import os
import re
import tokenize
from typing import TYPE_CHECKING

from pylint.checkers import BaseRawFileChecker

if TYPE_CHECKING:
    from astroid import nodes
    from pylint.lint import PyLinter

TESTS_FOLDER = "tests"
# Why each is fine in a test: pytest tests are named for what they check (docstrings would repeat the name); a
# fixture is used as a parameter of the same name; tests read private helpers of the module under test.
TESTS_ONLY = ("missing-function-docstring", "redefined-outer-name", "protected-access")


def in_tests(path: str, cwd: str | None = None) -> bool:
    """Is `path` (absolute or relative) under the tests folder of the folder pylint runs in?"""
    relative = os.path.relpath(os.path.abspath(path), cwd or os.getcwd())
    return relative.split(os.sep, 1)[0] == TESTS_FOLDER


PRAGMA = re.compile(r"#\s*pylint:\s*disable(?:-next)?=(?P<names>[\w\-, ]+)")


class TestsScope(BaseRawFileChecker):
    """Disables TESTS_ONLY for each module under tests/ before its checks run (raw checkers run before the AST walk),
    and reports a pragma in tests/ that disables one of them again (pylint runs only checkers with a message)."""

    name = "tests-scope"
    msgs = {
        "W9901": (
            "%s is already disabled in tests/ (tools/pylint_scope.py): remove it from this pragma",
            "redundant-tests-scope-disable",
            "A `# pylint: disable=` in tests/ names a message tools/pylint_scope.py disables for every test module.",
        )
    }

    def process_module(self, node: nodes.Module) -> None:
        if not node.file or not in_tests(node.file):
            return
        for message in TESTS_ONLY:
            self.linter.disable(message, scope="module", line=1)
        with node.stream() as stream:
            comments = [token for token in tokenize.tokenize(stream.readline) if token.type == tokenize.COMMENT]
        for comment in comments:
            found = PRAGMA.search(comment.string)
            for name in [] if found is None else [n.strip() for n in found["names"].split(",")]:
                if name in TESTS_ONLY:
                    self.add_message("redundant-tests-scope-disable", line=comment.start[0], args=(name,))


def register(linter: PyLinter) -> None:
    """Pylint's plugin entry point."""
    linter.register_checker(TestsScope(linter))

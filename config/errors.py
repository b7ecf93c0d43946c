"""The one error type configuration problems are reported with: every problem at once, each with its fix."""
from __future__ import annotations


class ConfigError(Exception):
    """Raised when environment records or the stack selection are invalid; nothing is synthesized then."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        super().__init__(f"configuration has {len(self.problems)} problem(s):\n{lines}")

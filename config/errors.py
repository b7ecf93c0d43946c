"""The one error type configuration problems are reported with: every problem at once, each with its fix."""

from __future__ import annotations


class ConfigError(Exception):
    """Raised when environment records or the stack selection are invalid; nothing is synthesized then.
    `source` names the file the problems are in (their keys are dotted paths inside it)."""

    def __init__(self, problems: list[str], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        lines = "\n".join(f"  - {problem}" for problem in self.problems)
        where = f" in {source}" if source else ""
        super().__init__(f"configuration has {len(self.problems)} problem(s){where}:\n{lines}")

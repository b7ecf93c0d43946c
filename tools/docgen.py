"""Reference docs generated from the code: `python -m tools docs` (or `make docs`) rewrites

    docs/modules/<module>.md      every module of modules/ (found, not listed): defaults, inputs, outputs (ast only)
    docs/workloads/<w>.md, .svg   every workload of stacks.WORKLOADS: its dev stack's outputs, resources, diagram
    docs/environments.md          what differs between the environments, per section of the records

Output is deterministic (sorted, no timestamps): regenerating unchanged code gives byte-identical files, which
tests/tools/test_docs_fresh.py checks. docs/modules/ and docs/workloads/ belong to the generator: files there
that it no longer produces are removed. `python -m tools.docgen --check` only reports stale files (exit 1).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

from tools.docgen_envs import render_environments
from tools.docgen_modules import render_modules
from tools.docgen_workloads import render_workloads
from tools.progress import say, step

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
OWNED_DIRS = ("modules", "workloads")
ENVIRONMENT = "dev"
STALE_MESSAGE = "docs are stale: run `make docs`"


def load_configs(stacks_dir: Path, workloads: Sequence[str], environment: str = ENVIRONMENT) -> dict[str, Any]:
    """{workload: synthesized cdk.tf.json of its `<workload>-<environment>` stack} from a synth output folder."""
    return {w: json.loads((stacks_dir / f"{w}-{environment}" / "cdk.tf.json").read_text(encoding="utf-8"))
            for w in workloads}


def synthesize(outdir: Path, workloads: Sequence[str], environment: str = ENVIRONMENT) -> dict[str, Any]:
    """Synthesize the `environment` stack of every workload in-process (loads the bindings once)."""
    from config import Selection, load_catalog, load_environments  # pylint: disable=import-outside-toplevel
    from main import build_app  # pylint: disable=import-outside-toplevel

    records, catalog = load_environments(), load_catalog()
    app = build_app(Selection(tuple(workloads), (environment,)), records, catalog, str(outdir))
    app.synth()
    return load_configs(outdir / "stacks", workloads, environment)


def render(configs: dict[str, Any], root: Path = ROOT) -> dict[str, str]:
    """{path relative to docs/: content} of every generated file (workload pages for the workloads in `configs`)."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    from stacks import WORKLOADS  # pylint: disable=import-outside-toplevel

    files = render_modules(root / "modules")
    files.update(render_workloads(WORKLOADS, configs, ENVIRONMENT))
    files.update(render_environments(load_environments()))
    return dict(sorted(files.items()))


def _owned(docs_dir: Path) -> set[str]:
    return {p.relative_to(docs_dir).as_posix() for d in OWNED_DIRS for p in (docs_dir / d).glob("*") if p.is_file()}


def write(files: dict[str, str], docs_dir: Path) -> list[str]:
    """Write `files` under `docs_dir`, remove owned files no longer generated; returns what changed."""
    changed = []
    for relative, content in files.items():
        path = docs_dir / relative
        data = content.encode("utf-8")
        if not path.is_file() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            changed.append(relative)
    for orphan in sorted(_owned(docs_dir) - set(files)):
        (docs_dir / orphan).unlink()
        changed.append(f"{orphan} (removed)")
    return changed


def stale(generated_dir: Path, docs_dir: Path, *, complete: bool = True) -> list[str]:
    """Files of `generated_dir` that `docs_dir` lacks or holds with other bytes; with `complete`, also files of
    docs_dir's generated folders that were not generated (left over from a removed module or workload)."""
    found = []
    for path in sorted(p for p in generated_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(generated_dir).as_posix()
        committed = docs_dir / relative
        if not committed.is_file():
            found.append(f"{relative} (missing)")
        elif committed.read_bytes() != path.read_bytes():
            found.append(f"{relative} (differs)")
    if complete:
        found += [f"{o} (no longer generated)" for o in sorted(_owned(docs_dir) - _owned(generated_dir))]
    return found


def run(docs_dir: Path = DOCS, *, check: bool = False) -> int:
    """Regenerate the docs into `docs_dir` (or, with `check`, only report stale files); returns the exit code."""
    from stacks import WORKLOADS  # pylint: disable=import-outside-toplevel

    with tempfile.TemporaryDirectory(prefix="docgen-") as tmp:
        with step(f"synth the {ENVIRONMENT} stack of {len(WORKLOADS)} workload(s)"):
            configs = synthesize(Path(tmp) / "out", list(WORKLOADS))
        with step("render docs"):
            files = render(configs)
        if check:
            write(files, Path(tmp) / "docs")
            problems = stale(Path(tmp) / "docs", docs_dir)
            for problem in problems:
                say(f"  {problem}")
            say(f"{STALE_MESSAGE} ({len(problems)} file(s))" if problems else "docs are up to date")
            return 1 if problems else 0
    changed = write(files, docs_dir)
    for relative in changed:
        say(f"  wrote {relative}")
    say(f"{len(files)} generated file(s) in {docs_dir}, {len(changed)} changed")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m tools.docgen [--check] [--docs DIR]`."""
    parser = argparse.ArgumentParser(prog="python -m tools.docgen", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=Path, default=DOCS, help="where the docs live (default: docs/)")
    parser.add_argument("--check", action="store_true", help="report stale files, write nothing (exit 1)")
    args = parser.parse_args(argv)
    return run(args.docs, check=args.check)


if __name__ == "__main__":
    sys.exit(main())

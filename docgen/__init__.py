"""Reference docs generated from the code: `python -m tools docs` (or `make docs`) rewrites

    docs/modules/<module>.md      every module of modules/ (found, not listed): defaults, inputs, outputs (ast only)
    docs/modules/addresses.md     Terraform type + construct id -> the file that builds it (docgen/addresses.py)
    docs/workloads/<w>.md         every workload of stacks.WORKLOADS: its dev stack's outputs and resources
    docs/workloads/<w>.dot        its architecture diagram (docgen/arch.py, docgen/diagrams.py), drawn
      .svg, .png                  from the environment that shows the most; overview.* holds all workloads
    docs/environments.md          what differs between the environments, per section of the records

Output is deterministic (sorted, no timestamps): regenerating unchanged code gives byte-identical files, which
tests/docgen/test_docs_fresh.py checks. The diagrams' SVG and PNG are drawn from the committed `.dot` source by
Graphviz and librsvg (`make system-tools`); they carry the source's SHA-256, and a picture whose hash is not that
of the generated source counts as stale (image bytes are not compared: they differ between Graphviz versions).
docs/modules/ and docs/workloads/ belong to the generator: files there that it no longer produces are removed.
`python -m docgen --check` only reports stale files (exit 1).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any, Sequence

from docgen import diagrams as docgen_diagrams
from docgen.envs import render_environments
from docgen.addresses import render_addresses
from docgen.modules import render_modules
from docgen.workloads import render_workloads
from tools.progress import say, step

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
OWNED_DIRS = ("modules", "workloads")
ENVIRONMENT = "dev"
STALE_MESSAGE = "docs are stale: run `make docs`"
IMAGES = (".svg", ".png")


def load_configs(
    stacks_dir: Path, workloads: Sequence[str], environments: Sequence[str] | None = None
) -> dict[str, dict[str, Any]]:
    """{workload: {environment: synthesized cdk.tf.json of `<workload>-<environment>`}} from a synth output folder
    (default: every environment of environments.toml, in its order)."""
    if environments is None:
        from config import load_environments  # pylint: disable=import-outside-toplevel

        environments = list(load_environments())
    return {
        w: {e: json.loads((stacks_dir / f"{w}-{e}" / "cdk.tf.json").read_text(encoding="utf-8")) for e in environments}
        for w in workloads
    }


def synthesize(outdir: Path, workloads: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Synthesize every environment's stack of every workload in-process (loads the bindings once)."""
    from config import Selection, load_catalog, load_environments  # pylint: disable=import-outside-toplevel
    from main import build_app  # pylint: disable=import-outside-toplevel

    from core.bindings import paused_gc  # pylint: disable=import-outside-toplevel

    records, catalog = load_environments(), load_catalog()
    with paused_gc():
        app = build_app(Selection(tuple(workloads), tuple(records)), records, catalog, str(outdir))
        app.synth()
    return load_configs(outdir / "stacks", workloads, list(records))


def render(configs: dict[str, dict[str, Any]], root: Path = ROOT) -> dict[str, str]:
    """{path relative to docs/: content} of every generated file (workload pages for the workloads in `configs`)."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    from config.loader import environment_defaults  # pylint: disable=import-outside-toplevel
    from stacks import WORKLOADS  # pylint: disable=import-outside-toplevel

    files = render_modules(root / "modules")
    files["modules/addresses.md"] = render_addresses(root)
    files.update(render_workloads(WORKLOADS, configs, ENVIRONMENT))
    files.update(render_environments(load_environments(), environment_defaults()))
    return dict(sorted(files.items()))


def _owned(docs_dir: Path) -> set[str]:
    return {p.relative_to(docs_dir).as_posix() for d in OWNED_DIRS for p in (docs_dir / d).glob("*") if p.is_file()}


def _with_images(names: set[str] | dict[str, str]) -> set[str]:
    """Generated names plus the SVG and PNG drawn from each generated `.dot`."""
    return set(names) | {n.removesuffix(".dot") + ext for n in names if n.endswith(".dot") for ext in IMAGES}


def draw(docs_dir: Path) -> list[str]:
    """Draw the SVG and PNG of every diagram source in docs_dir's generated folders; returns what changed."""
    changed = []
    for source in sorted(p for d in OWNED_DIRS for p in (docs_dir / d).glob("*.dot")):
        changed += [p.relative_to(docs_dir).as_posix() for p in docgen_diagrams.render(source)]
    return changed


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
    for orphan in sorted(_owned(docs_dir) - _with_images(files)):
        (docs_dir / orphan).unlink()
        changed.append(f"{orphan} (removed)")
    return changed


def stale(generated_dir: Path, docs_dir: Path, *, complete: bool = True, images: bool = True) -> list[str]:
    """Files of `generated_dir` that `docs_dir` lacks or holds with other bytes; with `images`, also the SVG and PNG
    of each diagram source that are missing or drawn from another source; with `complete`, also files of
    docs_dir's generated folders that were not generated (left over from a removed module or workload)."""
    found = []
    for path in sorted(p for p in generated_dir.rglob("*") if p.is_file() and p.suffix not in IMAGES):
        relative = path.relative_to(generated_dir).as_posix()
        committed = docs_dir / relative
        if not committed.is_file():
            found.append(f"{relative} (missing)")
        elif committed.read_bytes() != path.read_bytes():
            found.append(f"{relative} (differs)")
        if images and path.suffix == ".dot":
            found += _stale_images(path, docs_dir / relative)
    if complete:
        generated = {n for n in _owned(generated_dir) if not n.endswith(IMAGES)}
        found += [f"{o} (no longer generated)" for o in sorted(_owned(docs_dir) - _with_images(generated))]
    return found


def _stale_images(generated: Path, committed: Path) -> list[str]:
    """The committed SVG and PNG of a diagram, unless they carry the hash of the generated source."""
    digest, found = docgen_diagrams.source_hash(generated.read_text(encoding="utf-8")), []
    relative = committed.relative_to(committed.parent.parent).as_posix().removesuffix(".dot")
    svg, png = committed.with_suffix(".svg"), committed.with_suffix(".png")
    if not svg.is_file():
        found.append(f"{relative}.svg (missing)")
    elif docgen_diagrams.svg_hash(svg.read_text(encoding="utf-8")) != digest:
        found.append(f"{relative}.svg (drawn from another source)")
    if not png.is_file():
        found.append(f"{relative}.png (missing)")
    elif docgen_diagrams.png_text(png.read_bytes()).get(docgen_diagrams.SOURCE_MARK) != digest:
        found.append(f"{relative}.png (drawn from another source)")
    return found


def run(docs_dir: Path = DOCS, *, check: bool = False) -> int:
    """Regenerate the docs into `docs_dir` (or, with `check`, only report stale files); returns the exit code."""
    from stacks import WORKLOADS  # pylint: disable=import-outside-toplevel

    with tempfile.TemporaryDirectory(prefix="docgen-") as tmp:
        with step(f"synth every environment's stack of {len(WORKLOADS)} workload(s)"):
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
    try:
        with step("draw the diagrams (dot, rsvg-convert)"):
            changed += draw(docs_dir)
    except (RuntimeError, OSError, subprocess.CalledProcessError) as error:
        detail = getattr(error, "stderr", "") or ""
        say(f"error: drawing the diagrams failed: {error} {detail}".strip())
        return 1
    for relative in changed:
        say(f"  wrote {relative}")
    say(f"{len(files)} generated file(s) in {docs_dir}, {len(changed)} changed")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m docgen [--check] [--docs DIR]`."""
    parser = argparse.ArgumentParser(
        prog="python -m docgen", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=Path, default=DOCS, help="where the docs live (default: docs/)")
    parser.add_argument("--check", action="store_true", help="report stale files, write nothing (exit 1)")
    args = parser.parse_args(argv)
    return run(args.docs, check=args.check)

"""The CLI's synth record: a synth is skipped while its folder holds what the same inputs synthesized last time.

Every `python -m tools deploy | plan | drift | destroy | validate` synthesizes first; a synth in a fresh interpreter
costs 6-8 CPU s (the jsii runtime in node, the provider bindings, building the constructs), and a user's usual
sequence (deploy, then plan, drift, destroy) synthesizes the same sources into the same folder each time.

Defaults:
- the record is `<outdir>/synth.json`: the inputs' hash, the outputs' hash and the stack names, in build order;
- inputs: the source trees the synth imports or reads (SOURCES, every file but bytecode), the lock files, the
  Python interpreter and its version, the resolved selection, environment records and catalog (their reprs: what
  the configuration files said, wherever they were read from), the absolute output folder, and every CDKTF_* /
  JSII_* setting but CDKTF_OUTDIR (the folder is already in);
- outputs: manifest.json and, for each stack it lists, cdk.tf.json and every file under assets/ (not what
  Terraform writes beside them: its data folders and lock file);
- any difference, a missing file or an unreadable record means a full synth; the record is removed before a synth
  starts and written after it ended, so an interrupted or failed synth leaves none.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from tools.digest import framed

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (
    "main.py",
    "cdktf.json",
    "Pipfile.lock",
    "package-lock.json",
    "config",
    "core",
    "modules",
    "stacks",
    "lambda_src",
)
RECORD = "synth.json"


def _files(root: Path, names: Sequence[str]) -> list[Path]:
    found: list[Path] = []
    for name in names:
        path = root / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]
    return sorted(found)


def inputs_digest(selection: Any, records: Any, catalog: Any, outdir: Path, root: Path = ROOT) -> str:
    """The hash of everything a synth of `selection` into `outdir` depends on (see the module docstring)."""
    parts = [(str(p.relative_to(root)), p.read_bytes()) for p in _files(root, SOURCES)]
    parts += [
        ("python", f"{sys.executable}\0{sys.version}".encode()),
        ("selection", repr(selection).encode()),
        ("records", repr(records).encode()),
        ("catalog", repr(catalog).encode()),
        ("outdir", str(outdir.resolve()).encode()),
    ]
    parts += [
        (f"env {key}", os.environ[key].encode())
        for key in sorted(os.environ)
        if key.startswith(("CDKTF_", "JSII_")) and key != "CDKTF_OUTDIR"
    ]
    return framed(parts)


def outputs_digest(outdir: Path) -> str | None:
    """The hash of what the last synth wrote to `outdir`; None when its manifest or a file it names is missing."""
    try:
        manifest = (outdir / "manifest.json").read_bytes()
        stacks = json.loads(manifest)["stacks"]
        parts = [("manifest.json", manifest)]
        for name in sorted(stacks):
            stack_dir = outdir / "stacks" / name
            parts.append((f"{name}/cdk.tf.json", (stack_dir / "cdk.tf.json").read_bytes()))
            parts += [(str(p.relative_to(outdir)), p.read_bytes()) for p in _files(stack_dir, ("assets",))]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return framed(parts)


def unchanged(outdir: Path, inputs: str) -> list[str] | None:
    """The stack names of the last synth when `outdir` holds what these inputs synthesized, else None."""
    try:
        record = json.loads((outdir / RECORD).read_text(encoding="utf-8"))
        if record["inputs"] == inputs and record["outputs"] is not None and record["outputs"] == outputs_digest(outdir):
            return [str(name) for name in record["stacks"]]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


def forget(outdir: Path) -> None:
    """Remove the record (before a synth starts: an interrupted synth must not look complete)."""
    (outdir / RECORD).unlink(missing_ok=True)


def remember(outdir: Path, inputs: str, names: Sequence[str]) -> None:
    """Write the record of the synth that just ended."""
    record = {"inputs": inputs, "outputs": outputs_digest(outdir), "stacks": list(names)}
    (outdir / RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")

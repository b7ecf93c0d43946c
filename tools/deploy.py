"""Deploy, plan and destroy synthesized stacks on a target, bootstrap first; collect outputs for the tests.

Order per environment: the bootstrap stack (creates the state bucket; local backend), then every selected stack
with its S3 backend. Outputs of every deployed stack go to cfn-outputs/flat-outputs.json as
{"<stack>": {"<output>": value}} (sensitive outputs are left out).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from tools import terraform
from tools.progress import say, step
from tools.targets import Target

OUTPUTS_FILE = terraform.ROOT / "cfn-outputs" / "flat-outputs.json"


@dataclass(frozen=True)
class StackRef:
    """A synthesized stack: its name and folder."""

    name: str
    directory: Path
    bootstrap: bool = False


def stack_refs(outdir: Path, names: Iterable[str]) -> list[StackRef]:
    """Refs for `names` in `outdir`/stacks (bootstrap stacks are recognised by name)."""
    return [StackRef(n, outdir / "stacks" / n, n.startswith("bootstrap-")) for n in names]


def _init(ref: StackRef, target: Target) -> None:
    config = target.bootstrap_backend_config(ref.name) if ref.bootstrap else None
    terraform.init(ref.directory, backend=True, env=target.env, backend_config=config)


def apply(ref: StackRef, target: Target) -> dict[str, Any]:
    """init + apply; returns the stack's non-sensitive outputs."""
    with step(f"deploy {ref.name} ({target.name})"):
        _init(ref, target)
        terraform.run(ref.directory, ["apply", "-auto-approve", "-input=false", "-no-color"], env=target.env)
        return terraform.outputs(ref.directory, env=target.env)


def plan(ref: StackRef, target: Target, *, out: Path | None = None) -> bool:
    """init + `plan -detailed-exitcode`; True when the plan has changes."""
    with step(f"plan {ref.name} ({target.name})"):
        _init(ref, target)
        args = ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock-timeout=60s"]
        if out is not None:
            args.append(f"-out={out}")
        proc = terraform.run(ref.directory, args, env=target.env, ok_codes=(0, 2))
        changed = proc.returncode == 2
        summary = [line for line in proc.stdout.splitlines() if line.startswith(("Plan:", "No changes"))]
        say(f"    {ref.name}: {summary[0] if summary else ('changes' if changed else 'no changes')}")
        return changed


def destroy(ref: StackRef, target: Target) -> None:
    """init + destroy."""
    with step(f"destroy {ref.name} ({target.name})"):
        _init(ref, target)
        terraform.run(ref.directory, ["destroy", "-auto-approve", "-input=false", "-no-color"], env=target.env)


def deploy_all(refs: list[StackRef], target: Target, outputs_file: Path = OUTPUTS_FILE) -> dict[str, Any]:
    """Apply bootstrap stacks first, then the rest, in order; writes and returns every stack's outputs."""
    ordered = [r for r in refs if r.bootstrap] + [r for r in refs if not r.bootstrap]
    collected: dict[str, Any] = {}
    if outputs_file.exists():
        collected = json.loads(outputs_file.read_text(encoding="utf-8"))
    for index, ref in enumerate(ordered, 1):
        say(f"[{index}/{len(ordered)}] {ref.name}")
        collected[ref.name] = apply(ref, target)
        outputs_file.parent.mkdir(parents=True, exist_ok=True)
        outputs_file.write_text(json.dumps(collected, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return collected

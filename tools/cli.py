"""`python -m tools <command>`: the project's commands (the Makefile calls these).

    synth     synthesize the selection to cdktf.out/              (default: every workload x environment)
    validate  terraform init -backend=false + validate per stack
    scan      Checkov + the project's checks over every synthesized stack (policies/scan.py)
    deploy    bootstrap the state bucket, then apply the selection; writes cfn-outputs/flat-outputs.json
    plan      terraform plan -detailed-exitcode per stack (exit 2 when any stack has changes)
    destroy   destroy the selection (never the bootstrap stack: it holds every other stack's state)
    emulator  start | stop | status of the long-lived local emulator
    docs      regenerate docs/modules, docs/workloads (diagrams) and docs/environments.md (tools/docgen.py)
    drift        refresh-only plan per deployed stack: in sync / drifted / error (exit 2 = drift; reports/drift.json)
    consistency  compare dev/staging/prod per workload; unexplained differences exit 1 (reports/consistency.json)
    export-hcl   every stack as plain Terraform HCL in hcl.out/stacks/, validated
    changes      changed file names on stdin -> the workloads to plan (the pull-request workflow)

Selection: --workloads, --environments, --suffix, or WORKLOADS / ENVIRONMENTS / ENVIRONMENT_SUFFIX.
deploy/plan/destroy/drift default to the dev environment and the `local` target (DEPLOY_TARGET=aws for AWS).
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from config import ConfigError, Selection
from tools.emulator import configured_port as emulator_port
from tools.progress import ToolError, say, step

ROOT = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["synth", "validate", "scan", "deploy", "plan", "destroy", "emulator",
                                            "docs", *OPERATIONS])
    parser.add_argument("action", nargs="?", choices=["start", "stop", "status"], help="for `emulator`")
    parser.add_argument("--workloads", default=os.environ.get("WORKLOADS"))
    parser.add_argument("--environments", default=os.environ.get("ENVIRONMENTS"))
    parser.add_argument("--suffix", default=os.environ.get("ENVIRONMENT_SUFFIX"))
    parser.add_argument("--target", default=os.environ.get("DEPLOY_TARGET", "local"), choices=["local", "aws"])
    parser.add_argument("--outdir", default=os.environ.get("CDKTF_OUTDIR", "cdktf.out"))
    return parser


def synth(args: argparse.Namespace, *, deploying: bool = False) -> tuple[Selection, list[str]]:
    """Validate the selection and synthesize it (plus each environment's bootstrap when deploying)."""
    import main as entry  # pylint: disable=import-outside-toplevel

    environments = args.environments or ("dev" if deploying else None)
    argv = [f"--{k}={v}" for k, v in (("workloads", args.workloads), ("environments", environments),
                                        ("suffix", args.suffix)) if v]
    selection, records, catalog = entry.resolve(argv, environ={})
    if deploying and "bootstrap" not in selection.workloads:
        selection = Selection(("bootstrap", *selection.workloads), selection.environments, selection.suffix)
    with step(f"synth {len(selection.workloads) * len(selection.environments)} stack(s)"):
        from core.bindings import paused_gc  # pylint: disable=import-outside-toplevel
        with paused_gc():
            app = entry.build_app(selection, records, catalog, args.outdir)
            app.synth()
    names = [child.node.id for child in app.node.children]
    return selection, names


def _stack_dirs(args: argparse.Namespace) -> list[Path]:
    _, names = synth(args)
    return [Path(args.outdir) / "stacks" / n for n in names]


def validate(args: argparse.Namespace) -> int:
    """Validate every selected stack against the real provider schema."""
    from tools import terraform  # pylint: disable=import-outside-toplevel

    failed = 0
    dirs = _stack_dirs(args)
    for index, directory in enumerate(dirs, 1):
        verdict = terraform.validate(directory)
        ok = verdict.get("valid") is True
        failed += not ok
        say(f"[{index}/{len(dirs)}] {directory.name}: {'valid' if ok else 'INVALID'}")
        for diag in verdict.get("diagnostics", []):
            say(f"    {diag.get('severity')}: {diag.get('summary')} {diag.get('detail', '')}")
    return 1 if failed else 0


def deploy_like(args: argparse.Namespace) -> int:
    """deploy / plan / destroy on the chosen target."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    from tools import deploy  # pylint: disable=import-outside-toplevel
    from tools.targets import resolve_target  # pylint: disable=import-outside-toplevel

    selection, names = synth(args, deploying=True)
    records = load_environments()
    accounts = {records[e].account_id for e in selection.environments}
    if args.target == "local" and len(accounts) > 1:
        raise ToolError("the local emulator emulates one account: deploy one environment at a time "
                        f"(selected: {', '.join(selection.environments)})")
    target = resolve_target(args.target, accounts.pop())
    refs = deploy.stack_refs(Path(args.outdir), names)
    if args.command == "deploy":
        outputs = deploy.deploy_all(refs, target)
        for stack, values in outputs.items():
            print(f"{stack}:")
            for key, value in sorted(values.items()):
                print(f"  {key} = {value}")
        return 0
    if args.command == "plan":
        boots = [r for r in refs if r.bootstrap]
        if args.target == "local":  # the state bucket must exist before any S3 backend can initialise
            deploy.deploy_all(boots, target)
        changed = [deploy.plan(r, target) for r in refs if not r.bootstrap]
        return 2 if any(changed) else 0
    for ref in reversed([r for r in refs if not r.bootstrap]):
        deploy.destroy(ref, target)
    return 0


def emulator(action: str | None) -> int:
    """Manage the long-lived emulator used by `make deploy`."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    from tools import emulator as emu  # pylint: disable=import-outside-toplevel

    if action == "start":
        emu.start_daemon(load_environments()["dev"].account_id)
    elif action == "stop":
        say(emu.stop_daemon())
    else:
        say(emu.status())
    return 0


def _synth_only(args: argparse.Namespace) -> int:
    synth(args)
    return 0


def _scan(args: argparse.Namespace) -> int:
    from policies import scan  # pylint: disable=import-outside-toplevel
    return scan.main([str(d) for d in _stack_dirs(args)])


def _docs(args: argparse.Namespace) -> int:
    from tools import docgen  # pylint: disable=import-outside-toplevel
    del args  # the docs always cover every workload and environment
    return docgen.run()


COMMANDS = {"synth": _synth_only, "validate": validate, "scan": _scan, "deploy": deploy_like, "plan": deploy_like,
            "destroy": deploy_like, "docs": _docs, "emulator": lambda args: emulator(args.action)}

# Operations (docs/operations.md): each module has `command(args) -> int`; `changes` reads file names on stdin.
OPERATIONS = {"drift": "drift", "consistency": "consistency", "export-hcl": "hcl_export", "changes": "changes"}


def _operation(module: str) -> Callable[[argparse.Namespace], int]:
    return lambda args: int(importlib.import_module(f"tools.{module}").command(args))


COMMANDS.update({name: _operation(module) for name, module in OPERATIONS.items()})


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors go to stderr with exit code 1 (2 for configuration errors)."""
    args = _parser().parse_args(argv)
    try:
        if args.target == "local" and args.command in ("deploy", "plan", "destroy", "drift", "emulator"):
            emulator_port()  # a bad EMULATOR_PORT is bad input: exit 2 before anything is synthesized
        return int(COMMANDS[args.command](args))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

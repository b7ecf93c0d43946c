"""`python -m tools <command>`: the project's commands (the Makefile calls these).

    synth     synthesize the selection to cdktf.out/              (default: every workload x environment)
    validate  terraform init -backend=false + validate per stack
    scan      Checkov + the project's checks over every synthesized stack (policies/scan.py)
    deploy    bootstrap the state bucket, then apply the selection; writes cfn-outputs/flat-outputs.json
    plan      terraform plan per stack (with --detailed-exitcode: exit 3 when any stack has changes)
    destroy   destroy the selection (never the bootstrap stack: it holds every other stack's state)
    emulator  start | stop | status of the long-lived local emulator
    docs      regenerate docs/modules, docs/workloads (diagrams) and docs/environments.md (tools/docgen.py)
    drift        refresh-only plan per deployed stack: in sync / drifted / error (exit 3 = drift; reports/drift.json)
    consistency  compare dev/staging/prod per workload; unexplained differences exit 1 (reports/consistency.json)
    export-hcl   every stack as plain Terraform HCL in hcl.out/stacks/, validated
    changes      changed file names on stdin -> the workloads to plan (the pull-request workflow)

Selection: --workloads, --environments, --suffix, or WORKLOADS / ENVIRONMENTS / ENVIRONMENT_SUFFIX.
deploy/plan/destroy/drift default to the dev environment and the `local` target (DEPLOY_TARGET=aws for AWS).

Exit codes (every command):
    0    success; plan: no changes, or changes without --detailed-exitcode; drift: every stack in sync
    1    error: Terraform or a tool failed (the message says what and how to recover)
    2    bad input: a configuration or usage error, found before anything is built or deployed
    3    changes: `plan --detailed-exitcode` when any stack has changes; `drift` when any stack drifted
    130  interrupted (Ctrl-C / SIGTERM)
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from config import ConfigError, Selection
from tools.progress import ToolError, say, step

ROOT = Path(__file__).resolve().parent.parent
OK, ERROR, BAD_INPUT, CHANGES, INTERRUPTED = 0, 1, 2, 3, 130  # the exit codes (module docstring)


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
    parser.add_argument("--detailed-exitcode", action="store_true",
                        help="plan: exit 3 (not 0) when any stack has changes, as `terraform plan -detailed-exitcode`")
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
        return CHANGES if any(changed) and args.detailed_exitcode else 0
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
        say("emulator stopped" if emu.stop_daemon() else "no emulator was running")
    else:
        current = emu.running()
        say(f"emulator running on {current.endpoint} (account {current.account_id})" if current
            else "no emulator running")
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
    """Run one command and map the outcome to the exit codes of the module docstring; errors go to stderr."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse printed the usage and the problem
        return OK if exc.code in (0, None) else BAD_INPUT
    try:
        return int(COMMANDS[args.command](args))
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT
    except ToolError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return INTERRUPTED

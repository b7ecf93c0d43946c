"""`python -m tools <command>`: the project's commands (the Makefile calls these).

    synth     synthesize the selection to cdktf.out/              (default: every workload x environment)
    validate  terraform validate of every stack, batched (one init + validate per batch, batches side by side)
    scan      Checkov + the project's checks over every synthesized stack (policies/scan.py)
    deploy    bootstrap the state bucket, then apply the selection side by side; writes cfn-outputs/flat-outputs.json
    plan      terraform plan per stack, side by side (with --detailed-exitcode: exit 3 when any stack has changes)
    destroy   destroy the selection side by side (never the bootstrap stack: it holds every other stack's state);
              an environment with deletion protection needs --confirm <env> (or CONFIRM=<env>, or the name typed
              on a terminal); buckets of unprotected environments are emptied first
    emulator  start | stop | status of the long-lived local emulator
    docs      regenerate docs/modules, docs/workloads (diagrams) and docs/environments.md (docgen/)
    drift        refresh-only plan per deployed stack: in sync / drifted / error (exit 3 = drift; reports/drift.json)
    consistency  compare dev/staging/prod per workload; unexplained differences exit 1 (reports/consistency.json)
    export-hcl   every stack as plain Terraform HCL in hcl.out/stacks/, validated
    changes      changed file names on stdin -> the workloads to plan (the pull-request workflow)
    unlock       release a stale state lock: --stack <stack> --lock-id <id> (the id a locked run printed)
    recover      after an apply that died before writing state: --stack <stack> lists what exists but is not in
                 state (with the terraform import commands); --adopt imports it

Stack operations run side by side (--jobs N / JOBS, default min(2 x CPU count, stacks)); Terraform's output per
stack is in reports/<command>/<stack>.log; Ctrl-C / SIGTERM is forwarded to Terraform (exit 130).

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
from typing import Any, Callable, Sequence

from config import ConfigError, Selection
from emulator.server import configured_port as emulator_port
from tools.progress import ToolError, say, step
from tools import synthesis

ROOT = Path(__file__).resolve().parent.parent
OK, ERROR, BAD_INPUT, CHANGES, INTERRUPTED = 0, 1, 2, 3, 130  # the exit codes (module docstring)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command", choices=["synth", "validate", "scan", "deploy", "plan", "destroy", "emulator", "docs", *OPERATIONS]
    )
    parser.add_argument("action", nargs="?", choices=["start", "stop", "status"], help="for `emulator`")
    parser.add_argument("--workloads", default=os.environ.get("WORKLOADS"))
    parser.add_argument("--environments", default=os.environ.get("ENVIRONMENTS"))
    parser.add_argument("--suffix", default=os.environ.get("ENVIRONMENT_SUFFIX"))
    parser.add_argument("--target", default=os.environ.get("DEPLOY_TARGET", "local"), choices=["local", "aws"])
    parser.add_argument("--outdir", default=os.environ.get("CDKTF_OUTDIR", "cdktf.out"))
    parser.add_argument(
        "--detailed-exitcode",
        action="store_true",
        help="plan: exit 3 (not 0) when any stack has changes, as `terraform plan -detailed-exitcode`",
    )
    _runner_arguments(parser)
    return parser


def _runner_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the stack-operations runner (tools/parallel.py, tools/recovery.py)."""
    parser.add_argument("--jobs", default=None, help="stacks at once (default: JOBS, else min(2 x CPUs, stacks))")
    parser.add_argument(
        "--confirm",
        default=os.environ.get("CONFIRM"),
        help="destroy: the protected environment(s) you mean to destroy, e.g. --confirm prod",
    )
    parser.add_argument("--stack", help="unlock / recover: the stack")
    parser.add_argument("--lock-id", help="unlock: the lock id the locked run printed")
    parser.add_argument("--adopt", action="store_true", help="recover: import what exists into the state")


def synth(args: argparse.Namespace, *, deploying: bool = False) -> tuple[Selection, list[str]]:
    """Validate the selection and synthesize it (plus each environment's bootstrap when deploying)."""
    import main as entry  # pylint: disable=import-outside-toplevel

    environments = args.environments or ("dev" if deploying else None)
    argv = [
        f"--{k}={v}"
        for k, v in (("workloads", args.workloads), ("environments", environments), ("suffix", args.suffix))
        if v
    ]
    selection, records, catalog = entry.resolve(argv, environ={})
    if deploying and "bootstrap" not in selection.workloads:
        selection = Selection(("bootstrap", *selection.workloads), selection.environments, selection.suffix)
    label = f"synth {len(selection.workloads) * len(selection.environments)} stack(s)"
    outdir = Path(args.outdir)
    inputs = synthesis.inputs_digest(selection, records, catalog, outdir)
    names = synthesis.unchanged(outdir, inputs)
    if names is not None:
        say(f"==> {label}: skipped, {outdir}/ holds the synth of these sources and settings")
        return selection, names
    synthesis.forget(outdir)
    with step(label):
        from core.bindings import paused_gc  # pylint: disable=import-outside-toplevel

        with paused_gc():
            app = entry.build_app(selection, records, catalog, args.outdir)
            app.synth()
    names = [child.node.id for child in app.node.children]
    synthesis.remember(outdir, inputs, names)
    return selection, names


def _stack_dirs(args: argparse.Namespace) -> list[Path]:
    _, names = synth(args)
    return [Path(args.outdir) / "stacks" / n for n in names]


def validate(args: argparse.Namespace) -> int:
    """Validate every selected stack against the real provider schema (batched, side by side)."""
    from tools import parallel, terraform  # pylint: disable=import-outside-toplevel

    dirs = _stack_dirs(args)
    # CPU-bound: by default one batch per CPU (jobs_setting gives min(2 x CPUs, count))
    verdicts = terraform.validate_all(dirs, jobs=parallel.jobs_setting(args.jobs, min(len(dirs), os.cpu_count() or 1)))
    failed = 0
    for index, directory in enumerate(dirs, 1):
        verdict = verdicts[directory]
        ok = verdict.get("valid") is True
        failed += not ok
        lines = [f"[{index}/{len(dirs)}] {directory.name}: {'valid' if ok else 'INVALID'}"]
        lines += [
            f"    {d.get('severity')}: {d.get('summary')} {d.get('detail', '')}" for d in verdict.get("diagnostics", [])
        ]
        say("\n".join(lines))
    return 1 if failed else 0


def again(args: argparse.Namespace) -> str:
    """The command line that repeats this run (to resume after an interruption or a fixed failure)."""
    parts = [f"python -m tools {args.command}"]
    parts += [
        f"--{k} {v}"
        for k, v in (("workloads", args.workloads), ("environments", args.environments), ("suffix", args.suffix))
        if v
    ]
    parts += [f"--target {args.target}"] if args.target != "local" else []
    return " ".join(parts)


def confirm_destroy(
    environments: Sequence[str], protected: Callable[[str], bool], confirm: str | None, stdin: Any = None
) -> None:
    """Refuse (ConfigError, exit 2) to destroy an environment with deletion protection unless it is named:
    --confirm <env> / CONFIRM=<env>, or typed on a terminal. CI=1 never confirms."""
    stdin = stdin or sys.stdin
    named = {c.strip() for c in (confirm or "").split(",") if c.strip()}
    for env in environments:
        if not protected(env) or env in named:
            continue
        if stdin.isatty():
            say(f"{env} has deletion protection. Type its name ({env}) to destroy its stacks: ")
            if stdin.readline().strip() == env:
                continue
        raise ConfigError(
            [
                f"destroy {env}: the environment has deletion protection (config/environments.toml, "
                f"environments.{env}.deletion_protection); nothing was destroyed. To destroy it, name it: "
                f"--confirm {env} (or CONFIRM={env}, or type it when asked on a terminal)"
            ]
        )


def deploy_like(args: argparse.Namespace) -> int:
    """deploy / plan / destroy on the chosen target, stacks side by side; 0 ok, 1 a stack failed, 130 interrupted
    (plan: 2 when any stack has changes)."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    from tools import deploy, parallel  # pylint: disable=import-outside-toplevel
    from tools.targets import resolve_target  # pylint: disable=import-outside-toplevel

    records = load_environments()
    if args.command == "destroy":
        wanted = [e.strip() for e in (args.environments or "dev").split(",") if e.strip()]
        confirm_destroy([e for e in wanted if e in records], lambda e: records[e].deletion_protection, args.confirm)
    parallel.jobs_setting(args.jobs, 1)  # a bad --jobs / JOBS fails before anything is built
    selection, names = synth(args, deploying=True)
    accounts = {records[e].account_id for e in selection.environments}
    if args.target == "local" and len(accounts) > 1:
        raise ToolError(
            "the local emulator emulates one account: deploy one environment at a time "
            f"(selected: {', '.join(selection.environments)})"
        )
    target = resolve_target(args.target, accounts.pop())
    refs = deploy.stack_refs(Path(args.outdir), names)
    unprotected = [e for e in selection.environments if not records[e].deletion_protection]
    return _operate(args, refs, target, unprotected)


def _operate(args: argparse.Namespace, refs: list[Any], target: Any, unprotected: list[str]) -> int:
    from tools import deploy, parallel  # pylint: disable=import-outside-toplevel

    jobs = parallel.jobs_setting(args.jobs, len(refs))
    changed = False
    with parallel.forwarding_signals() as stop:
        if args.command == "deploy":
            results, outputs = deploy.deploy_stacks(refs, target, jobs=jobs, stop=stop)
            for result in (r for r in results if r.status == "ok"):
                print(f"{result.name}:")
                for key, value in sorted(outputs.get(result.name, {}).items()):
                    print(f"  {key} = {value}")
        elif args.command == "plan":
            results = []
            if args.target == "local":  # the state bucket must exist before any S3 backend can initialise
                results, _ = deploy.deploy_stacks([r for r in refs if r.bootstrap], target, jobs=jobs, stop=stop)
            if all(r.status == "ok" for r in results):
                planned = deploy.plan_stacks([r for r in refs if not r.bootstrap], target, jobs=jobs, stop=stop)
                changed = any(r.status == "ok" and r.value for r in planned)
                results += planned
        else:  # destroy: buckets of environments without deletion protection are emptied first
            results = deploy.destroy_stacks(
                refs,
                target,
                jobs=jobs,
                stop=stop,
                empty=lambda ref: deploy.environment_of(ref, unprotected) is not None,
            )
    code = _finish(args, results, stop)
    return CHANGES if code == 0 and changed and args.detailed_exitcode else code


def _finish(args: argparse.Namespace, results: Sequence[Any], stop: Any) -> int:
    from tools import parallel  # pylint: disable=import-outside-toplevel

    parallel.report_failures(results, args.command)
    code = parallel.exit_code(results, stop)
    abandoned = [r.name for r in results if "Two interrupts received" in r.error]
    if code == parallel.INTERRUPTED and abandoned:  # a second signal reached Terraform itself (e.g. pkill)
        say(
            f"interrupted ({stop.signal_name or 'signal'}): Terraform of {', '.join(abandoned)} got a second "
            "interrupt from outside this command and exited at once: its state may lack what it created last and "
            f"its lock may still be held. Run the same command: {again(args)}; it names a held lock with the "
            "unlock command, and `python -m tools recover --stack <stack>` finds what exists outside the state"
        )
    elif code == parallel.INTERRUPTED:
        say(
            f"interrupted ({stop.signal_name or 'signal'}): Terraform stopped cleanly, wrote state and released "
            f"the lock. Resume with the same command: {again(args)}"
            + (" (it first adopts what calls cancelled mid-flight had created)" if args.command == "deploy" else "")
        )
    elif code:
        bad = [r.name for r in results if r.status != "ok"]
        say(
            f"{len(bad)} of {len(results)} stack(s) did not {args.command}: {', '.join(bad)} "
            f"(logs in reports/{args.command}/). Fix the cause, then run again: {again(args)}"
        )
    return code


def emulator(action: str | None) -> int:
    """Manage the long-lived emulator used by `make deploy`."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    from emulator import server as emu  # pylint: disable=import-outside-toplevel

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
    import docgen  # pylint: disable=import-outside-toplevel

    del args  # the docs always cover every workload and environment
    return docgen.run()


COMMANDS = {
    "synth": _synth_only,
    "validate": validate,
    "scan": _scan,
    "deploy": deploy_like,
    "plan": deploy_like,
    "destroy": deploy_like,
    "docs": _docs,
    "emulator": lambda args: emulator(args.action),
}

# Operations (docs/operations.md): each module has `command(args) -> int`; `changes` reads file names on stdin.
OPERATIONS = {
    "drift": "drift",
    "consistency": "consistency",
    "export-hcl": "hcl_export",
    "changes": "changes",
    "unlock": "recovery",
    "recover": "recovery",
}


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
        if args.target == "local" and args.command in ("deploy", "plan", "destroy", "drift", "emulator"):
            emulator_port()  # a bad EMULATOR_PORT is bad input: exit 2 before anything is synthesized
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

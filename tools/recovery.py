"""Recovery after an interrupted or killed run: release a stale lock, find and adopt what a dead apply left behind.

    python -m tools unlock  --stack <stack> --lock-id <id>   the id a locked run printed (Terraform's Lock Info ID)
    python -m tools recover --stack <stack>                  list what exists but is not in the state
    python -m tools recover --stack <stack> --adopt          import it into the state (terraform import)

A killed apply (SIGKILL, a lost machine; a Ctrl-C or SIGTERM is forwarded and stops Terraform cleanly instead)
loses what it created since its last state write (every ~20 s with an S3 backend) and leaves its lock. The next
deploy then fails on the lock (reported with this unlock command), and after the unlock on "already exists".

`recover` plans the stack, takes every resource the plan would create whose import id is its name (the types in
NAME_IMPORTS: buckets, roles, log groups, tables, queues' neighbours ...), and asks Terraform itself which of them
exist: a plan with an `import` block per candidate (written to a temporary zz_recover_imports.tf.json in the stack
folder, always removed); the provider answers "Cannot import non-existent remote object" for those that do not, and
what depends on one of them is not tried at all, so the plan is made again without those until it imports every
candidate left (one plan per level of such dependencies). Those exist: they are printed with the `terraform import`
command for each, and `--adopt` runs those commands. Then `python -m tools deploy` finishes the stack. To delete an
orphan instead, adopt it and run `terraform -chdir=<stack folder> destroy -target=<address>`. Resources without a
name (KMS keys, VPCs, rules) are not found this way: they do not block a re-deploy; list them in the target's
console by the stack's tags.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from config import ConfigError
from tools import terraform
from tools.parallel import StackRef, log_path
from tools.progress import ToolError, say
from tools.targets import Target

IMPORT_FILE = "zz_recover_imports.tf.json"
# resource type -> the planned attribute that is its import id
NAME_IMPORTS = {
    "aws_s3_bucket": "bucket",
    "aws_iam_role": "name",
    "aws_iam_user": "name",
    "aws_iam_instance_profile": "name",
    "aws_cloudwatch_log_group": "name",
    "aws_dynamodb_table": "name",
    "aws_lambda_function": "function_name",
    "aws_ecs_cluster": "name",
    "aws_ecr_repository": "name",
    "aws_kms_alias": "name",
    "aws_db_subnet_group": "name",
    "aws_db_parameter_group": "name",
    "aws_rds_cluster_parameter_group": "name",
    "aws_db_instance": "identifier",
    "aws_rds_cluster": "cluster_identifier",
    "aws_rds_global_cluster": "global_cluster_identifier",
    "aws_elasticache_subnet_group": "name",
    "aws_elasticache_replication_group": "replication_group_id",
    "aws_cloudwatch_metric_alarm": "alarm_name",
    "aws_cloudwatch_dashboard": "dashboard_name",
    "aws_cloudwatch_event_rule": "name",
    "aws_elasticache_user": "user_id",
    "aws_elasticache_user_group": "user_group_id",
}
_MISSING = re.compile(r"import an existing object\s+to\s+\"([^\"]+)\"")


def candidates(plan: dict[str, Any]) -> dict[str, str]:
    """{address: import id} of every resource `plan` (terraform show -json) would create that is imported by name."""
    found = {}
    for change in plan.get("resource_changes", []):
        attribute = NAME_IMPORTS.get(change.get("type", ""))
        after = (change.get("change") or {}).get("after") or {}
        if (
            change.get("mode") == "managed"
            and change["change"]["actions"] == ["create"]
            and attribute
            and isinstance(after.get(attribute), str)
        ):
            found[change["address"]] = after[attribute]
    return found


def _init(ref: StackRef, target: Target, log: Path) -> None:
    config = target.bootstrap_backend_config(ref.name) if ref.bootstrap else None
    terraform.init(ref.directory, backend=True, env=target.env, backend_config=config, log=log)


def orphans(ref: StackRef, target: Target) -> dict[str, str]:
    """{address: import id} of what exists in the target but is not in the stack's state."""
    log = log_path("recover", ref.name)
    _init(ref, target, log)
    plan_file = "recover.tfplan"  # in the stack's folder, where Terraform runs (a path relative to it, not to us)
    try:
        terraform.run(
            ref.directory,
            ["plan", "-input=false", "-no-color", "-lock-timeout=60s", f"-out={plan_file}"],
            env=target.env,
            log=log,
        )
        shown = json.loads(
            terraform.run(ref.directory, ["show", "-json", "-no-color", plan_file], env=target.env).stdout
        )
    finally:
        (ref.directory / plan_file).unlink(missing_ok=True)
    wanted = candidates(shown)
    while wanted:  # until a plan imports every one left: a failed import hides what depends on it
        proc = _plan_imports(ref, target, wanted, log)
        if proc.returncode != 1:
            return wanted
        missing = set(_MISSING.findall(proc.stderr)) & set(wanted)
        if not missing:
            raise ToolError(f"could not check which resources of {ref.name} exist:\n{proc.stderr.strip()}")
        wanted = {a: i for a, i in wanted.items() if a not in missing}
    return wanted


def _plan_imports(ref: StackRef, target: Target, wanted: dict[str, str], log: Path) -> Any:
    """A plan with an `import` block per {address: id} (the file written for it is always removed)."""
    imports = ref.directory / IMPORT_FILE
    imports.write_text(json.dumps({"import": [{"to": a, "id": i} for a, i in wanted.items()]}), encoding="utf-8")
    try:
        return terraform.run(
            ref.directory,
            ["plan", "-input=false", "-no-color", "-lock=false"],
            env=target.env,
            ok_codes=(0, 1, 2),
            log=log,
        )
    finally:
        imports.unlink(missing_ok=True)


def import_command(ref: StackRef, address: str, import_id: str) -> str:
    """The terraform import command that adopts one orphan."""
    return f"terraform -chdir={ref.directory} import '{address}' '{import_id}'"


def recover(ref: StackRef, target: Target, *, adopt: bool = False) -> dict[str, str]:
    """List (and with `adopt`, import) the stack's orphans; returns them."""
    found = orphans(ref, target)
    if not found:
        say(f"{ref.name}: nothing the plan would create exists already; `python -m tools deploy` can go on")
        return found
    say(
        f"{ref.name}: {len(found)} resource(s) exist but are not in the state (left by an apply that died):\n"
        + "\n".join(f"    {a}  (id {i})\n      adopt: {import_command(ref, a, i)}" for a, i in found.items())
    )
    if adopt:
        adopt_all(ref, target, found)
        say(f"{ref.name}: adopted {len(found)}; finish with `python -m tools deploy` for its workload and environment")
    else:
        say(
            "adopt them all with `python -m tools recover --stack " + ref.name + " --adopt`, or delete one after "
            "adopting it: terraform -chdir=" + str(ref.directory) + " destroy -target=<address>"
        )
    return found


def adopt_all(ref: StackRef, target: Target, found: dict[str, str], *, log: Path | None = None) -> None:
    """terraform import each {address: id} into the stack's state."""
    for address, import_id in found.items():
        terraform.run(
            ref.directory,
            ["import", "-input=false", "-no-color", address, import_id],
            env=target.env,
            log=log or log_path("recover", ref.name),
        )
        say(f"    {ref.name}: adopted {address} (id {import_id}), created by an interrupted apply")


def unlock(ref: StackRef, target: Target, lock_id: str) -> None:
    """terraform force-unlock of the stack's state lock `lock_id`."""
    log = log_path("unlock", ref.name)
    _init(ref, target, log)
    terraform.run(ref.directory, ["force-unlock", "-force", "-no-color", lock_id], env=target.env, log=log)
    say(f"{ref.name}: lock {lock_id} released; run the interrupted command again")


def _target(args: Any) -> Target:
    if args.target == "aws":
        return Target("aws")
    from emulator import server as emu  # pylint: disable=import-outside-toplevel
    from tools.targets import local_target  # pylint: disable=import-outside-toplevel

    running = emu.running()
    if running is None:
        raise ToolError(
            "no emulator is running: nothing deployed locally holds a lock or orphans (use --target aws for AWS)"
        )
    return local_target(running)


def command(args: Any) -> int:
    """`python -m tools unlock|recover --stack <stack> ...` on an already synthesized stack folder."""
    if not args.stack:
        raise ConfigError([f"{args.command} needs --stack <stack> (e.g. --stack flask-api-dev)"])
    directory = Path(args.outdir) / "stacks" / args.stack
    if not (directory / "cdk.tf.json").exists():
        raise ToolError(f"{directory} has no synthesized stack: run `python -m tools synth` for it first")
    ref = StackRef(args.stack, directory, args.stack.startswith("bootstrap-"))
    if args.command == "unlock":
        if not args.lock_id:
            raise ConfigError(["unlock needs --lock-id <id>: the ID the locked run printed (Terraform's Lock Info)"])
        unlock(ref, _target(args), args.lock_id)
    else:
        recover(ref, _target(args), adopt=args.adopt)
    return 0

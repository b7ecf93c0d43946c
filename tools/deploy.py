"""Deploy, plan and destroy synthesized stacks on a target, bootstrap first; collect outputs for the tests.

Order per environment: the bootstrap stack (creates the state bucket; local backend) starts first; every other
selected stack, with its S3 backend, starts once that bucket is protected and the trail logs (tools/backend.py: ~15 s
into bootstrap's ~63 s apply, whose rest is the provider's wait on lifecycle rules no other stack needs) or once
bootstrap applied; all side by side (tools/parallel.py: --jobs / JOBS, default min(4 x CPU count, stacks)).
Destroy: every selected stack but bootstrap, side by side; bootstrap is never destroyed (it holds every other
stack's state). Terraform's output per stack: reports/<command>/<stack>.log.

Outputs of every deployed stack go to cfn-outputs/flat-outputs.json as {"<stack>": {"<output>": value}} (sensitive
outputs are left out): one writer at a time (the calling thread, under a file lock, replaced atomically), merged
with what the file holds, so concurrent applies never lose an entry; a destroyed stack's entry is removed.
OUTPUTS_FILE=<path> writes them there instead (the test gate's side-by-side runs: each checkout-like run its own).

Destroy empties the stack's S3 buckets first (every object version and delete marker) when `empty_buckets` is set:
the CLI sets it for environments without deletion protection only; a protected environment's buckets are never
emptied. A failed destroy says which resources are left (terraform state list) and how to finish.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from tools import terraform
from tools import backend
from tools.parallel import Result, StackRef, Stop, default_jobs, log_path, resource_count, run_all
from tools.progress import ToolError, say
from tools.targets import Target

OUTPUTS_FILE = (
    Path(os.environ["OUTPUTS_FILE"])
    if os.environ.get("OUTPUTS_FILE")
    else terraform.ROOT / "cfn-outputs" / "flat-outputs.json"
)


def stack_refs(outdir: Path, names: Iterable[str]) -> list[StackRef]:
    """Refs for `names` in `outdir`/stacks (bootstrap stacks are recognised by name), each name once, in the order
    given: a stack named twice would run two Terraforms on one state at once (the second fails on the lock)."""
    return [StackRef(n, outdir / "stacks" / n, n.startswith("bootstrap-")) for n in dict.fromkeys(names)]


def environment_of(ref: StackRef, environments: Iterable[str]) -> str | None:
    """The environment a stack belongs to (`<workload>-<env>[-<suffix>]`), None when none of `environments`."""
    for env in environments:
        if ref.name.endswith(f"-{env}") or f"-{env}-" in ref.name:
            return env
    return None


def _init(ref: StackRef, target: Target, log: Path | None = None) -> None:
    config = target.bootstrap_backend_config(ref.name) if ref.bootstrap else None
    terraform.init(ref.directory, backend=True, env=target.env, backend_config=config, log=log)


def interrupted_marker(ref: StackRef) -> Path:
    """reports/deploy/<stack>.interrupted: written when an apply of the stack was stopped by a signal."""
    return log_path("deploy", ref.name).with_suffix(".interrupted")


def apply(ref: StackRef, target: Target, *, log: Path | None = None) -> dict[str, Any]:
    """init + apply; returns the stack's non-sensitive outputs.

    A stopped Terraform cancels its in-flight calls: a resource whose create request had gone out can exist without
    being in state. So the first apply after an interrupted one (its marker file) adopts, before applying, what the
    plan would create that already exists by name (tools/recovery.py); the marker goes once the apply succeeded."""
    log = log or log_path("deploy", ref.name)
    _init(ref, target, log)
    marker = interrupted_marker(ref)
    if marker.exists():
        from tools import recovery  # pylint: disable=import-outside-toplevel

        recovery.adopt_all(ref, target, recovery.orphans(ref, target), log=log)
    try:
        terraform.run(ref.directory, ["apply", "-auto-approve", "-input=false", "-no-color"], env=target.env, log=log)
    except ToolError as exc:
        if "already exists" in str(exc):
            raise ToolError(
                f"{exc}\nA resource of {ref.name} exists but is not in its state (left by an apply that "
                f"was killed): `python -m tools recover --stack {ref.name}` lists them, `--adopt` "
                "imports them; then deploy again"
            ) from exc
        raise
    marker.unlink(missing_ok=True)
    return terraform.outputs(ref.directory, env=target.env, log=log)


def plan_summary(
    ref: StackRef, target: Target, *, out: Path | None = None, log: Path | None = None
) -> tuple[bool, str]:
    """init + `plan -detailed-exitcode`: (has changes, Terraform's "Plan: ..." / "No changes." line)."""
    log = log or log_path("plan", ref.name)
    _init(ref, target, log)
    args = ["plan", "-detailed-exitcode", "-input=false", "-no-color", "-lock-timeout=60s"]
    if out is not None:
        args.append(f"-out={out}")
    proc = terraform.run(ref.directory, args, env=target.env, ok_codes=(0, 2), log=log)
    changed = proc.returncode == 2
    lines = [line for line in proc.stdout.splitlines() if line.startswith(("Plan:", "No changes"))]
    return changed, lines[0] if lines else ("changes" if changed else "no changes")


def plan(ref: StackRef, target: Target, *, out: Path | None = None) -> bool:
    """init + `plan -detailed-exitcode`; True when the plan has changes."""
    changed, summary = plan_summary(ref, target, out=out)
    say(f"    {ref.name}: {summary}")
    return changed


# ------------------------------------------------------------------ outputs file: one writer, merged, atomic


@contextmanager
def _locked(outputs_file: Path) -> Iterator[dict[str, Any]]:
    """The file's content under an exclusive lock (also against other processes); written back atomically."""
    outputs_file.parent.mkdir(parents=True, exist_ok=True)
    with (outputs_file.parent / f".{outputs_file.name}.lock").open("w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data: dict[str, Any] = {}
        if outputs_file.exists() and outputs_file.read_text(encoding="utf-8").strip():
            data = json.loads(outputs_file.read_text(encoding="utf-8"))
        yield data
        tmp = outputs_file.with_name(f".{outputs_file.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(outputs_file)


def record_outputs(outputs_file: Path, stack: str, values: dict[str, Any] | None) -> dict[str, Any]:
    """Set (or, with None, remove) one stack's entry; returns the whole file's content."""
    with _locked(outputs_file) as data:
        if values is None:
            data.pop(stack, None)
        else:
            data[stack] = values
        return dict(data)


# ------------------------------------------------------------------ deploy / plan / destroy of many stacks


def _phases(refs: list[StackRef]) -> tuple[list[StackRef], list[StackRef]]:
    return [r for r in refs if r.bootstrap], [r for r in refs if not r.bootstrap]


def _bootstrap_env(ref: StackRef) -> str:
    return ref.name[len("bootstrap-") :]


def deploy_stacks(
    refs: list[StackRef],
    target: Target,
    *,
    jobs: int | None = None,
    stop: Stop | None = None,
    outputs_file: Path = OUTPUTS_FILE,
) -> tuple[list[Result], dict[str, Any]]:
    """Bootstrap stacks first, then the rest, all side by side: a stack starts once its environment's state backend
    is ready (tools/backend.py: bucket protected, trail logging) or its bootstrap applied, whichever comes first; it
    is not started when its bootstrap failed before that. Every stack's result and the outputs file's content. Never
    raises for a stack's failure: see each Result."""
    boots = {b.name: _bootstrap_env(b) for b in refs if b.bootstrap}  # stack -> its environment
    jobs = jobs or default_jobs(len(refs))
    collected: dict[str, Any] = {}
    stopped = stop if stop is not None else Stop()
    directories = {boots[r.name]: r.directory for r in refs if r.name in boots}
    backends = backend.Backends(target, directories, lambda: bool(stopped))

    def work(ref: StackRef) -> tuple[str, Any]:
        if not ref.bootstrap:
            early = backends.wait(ref.directory, environment_of(ref, backends.bootstraps))
            if early:
                say(f"  {ref.name}: {early}")
        try:
            return "applied", apply(ref, target)
        except ToolError:
            if stopped:  # stopped by a signal: the next apply adopts what the cancelled calls created
                interrupted_marker(ref).parent.mkdir(parents=True, exist_ok=True)
                interrupted_marker(ref).write_text("interrupted\n", encoding="utf-8")
            raise

    def done(result: Result) -> None:
        if result.status == "ok":
            collected.update(record_outputs(outputs_file, result.name, result.value))
        if result.name in boots:
            backends.finished(boots[result.name], result.status == "ok")

    results = run_all(
        refs,
        work,
        name=lambda r: r.name,
        jobs=jobs,
        stop=stopped,
        verb="applying",
        done=done,
        weight=lambda r: sys.maxsize if r.bootstrap else resource_count(r),  # bootstraps first: the others wait
    )
    if not collected and outputs_file.exists():
        collected = json.loads(outputs_file.read_text(encoding="utf-8"))
    return results, collected


def deploy_all(
    refs: list[StackRef], target: Target, outputs_file: Path = OUTPUTS_FILE, *, jobs: int | None = None
) -> dict[str, Any]:
    """`deploy_stacks`, raising ToolError (every failed stack's message) when any stack did not deploy; returns
    the outputs file's content."""
    results, collected = deploy_stacks(refs, target, jobs=jobs, outputs_file=outputs_file)
    failed = [r for r in results if r.status != "ok"]
    if failed:
        raise ToolError("\n".join(f"{r.name}: {r.status}: {r.error}" for r in failed))
    return collected


def plan_stacks(
    refs: list[StackRef], target: Target, *, jobs: int | None = None, stop: Stop | None = None
) -> list[Result]:
    """Plan every stack side by side (bootstrap stacks first); each ok Result's value: True when it has changes."""
    boots, rest = _phases(refs)
    jobs = jobs or default_jobs(len(refs))

    def work(ref: StackRef) -> tuple[str, Any]:
        changed, summary = plan_summary(ref, target)
        return summary, changed

    first = run_all(boots, work, name=lambda r: r.name, jobs=jobs, stop=stop, verb="planning", total=len(refs))
    return first + run_all(
        rest,
        work,
        name=lambda r: r.name,
        jobs=jobs,
        stop=stop,
        verb="planning",
        total=len(refs),
        first=len(boots) + 1,
        weight=resource_count,
    )


def empty_bucket(client: Any, bucket: str) -> int:
    """Delete every object version and delete marker of `bucket`; returns how many were deleted.

    A destroy that stopped at this bucket has already suspended its versioning (aws_s3_bucket_versioning's delete).
    moto 5.2.5 then fails on deleting any version of a key that has a delete marker (HTTP 500, AttributeError in
    _VersionedKeyStore.pop), so versioning is switched back on first; the bucket is deleted right after."""
    if client.get_bucket_versioning(Bucket=bucket).get("Status") == "Suspended":
        client.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    deleted = 0
    for page in client.get_paginator("list_object_versions").paginate(Bucket=bucket):
        keys = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(keys), 1000):
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys[start : start + 1000], "Quiet": True})
        deleted += len(keys)
    return deleted


def state_buckets(ref: StackRef, target: Target, log: Path | None = None) -> list[tuple[str, str]]:
    """(bucket, region) of every aws_s3_bucket in the stack's state.

    Read with `terraform state pull` (0.7 CPU s: the state as stored) rather than `terraform show -json` (4-5 CPU s:
    it starts the provider for its schema). The state itself is not written to the log (it holds sensitive values):
    only the command and the buckets found."""
    args = ["state", "pull"]
    pulled = terraform.run(ref.directory, args, env=target.env).stdout
    found = [
        (str(attributes["bucket"]), str(attributes.get("region") or "us-east-1"))
        for resource in json.loads(pulled or "{}").get("resources", [])
        if resource.get("mode") == "managed" and resource.get("type") == "aws_s3_bucket"
        for attributes in (instance.get("attributes") or {} for instance in resource.get("instances", []))
        if attributes.get("bucket")
    ]
    terraform.log_note(log, args, ref.directory, f"buckets in state: {', '.join(b for b, _ in found) or 'none'}")
    return found


def left_in_state(ref: StackRef, target: Target) -> list[str]:
    """`terraform state list` of the stack (what a failed destroy left), [] when it cannot be read."""
    try:
        proc = terraform.run(ref.directory, ["state", "list"], env=target.env)
    except ToolError:
        return []
    return proc.stdout.split()


def _empty_state_buckets(ref: StackRef, target: Target, log: Path, emptied: dict[str, int]) -> None:
    """Empty every bucket in the stack's state; adds each bucket's count of deleted versions to `emptied`."""
    counts = {
        bucket: empty_bucket(backend.client(target, "s3", region), bucket)
        for bucket, region in state_buckets(ref, target, log)
    }
    for bucket, count in counts.items():
        emptied[bucket] = emptied.get(bucket, 0) + count
    if counts:
        with log.open("a", encoding="utf-8") as out:
            out.write("emptied before destroy: " + _emptied_text(counts) + "\n")


def _emptied_text(emptied: dict[str, int]) -> str:
    return ", ".join(f"{bucket} ({count} object version(s) and delete marker(s))" for bucket, count in emptied.items())


def _run_destroy(ref: StackRef, target: Target, log: Path, emptied: dict[str, int] | None) -> None:
    """`terraform destroy`; when it stops at a non-empty bucket and buckets may be emptied (`emptied` is not None),
    empty them once more and run it again."""
    args = ["destroy", "-auto-approve", "-input=false", "-no-color"]
    try:
        terraform.run(ref.directory, args, env=target.env, log=log)
    except terraform.LockedError:
        raise
    except ToolError as exc:
        if emptied is None or "BucketNotEmpty" not in str(exc):
            raise
        _empty_state_buckets(ref, target, log, emptied)
        terraform.run(ref.directory, args, env=target.env, log=log)


def destroy(ref: StackRef, target: Target, *, empty_buckets: bool = False, log: Path | None = None) -> str:
    """init (+ empty the stack's buckets) + destroy; returns a summary. A failure raises ToolError naming what is
    left in state and how to finish.

    With `empty_buckets`, a destroy that stops at a non-empty bucket empties what is left in state once more and
    goes on: objects can arrive after the first emptying, e.g. the server access logs of the destroy's own requests
    to a logged bucket (moto writes them at once, S3 within hours); by then the logging configuration is gone."""
    log = log or log_path("destroy", ref.name)
    _init(ref, target, log)
    emptied: dict[str, int] = {}
    if empty_buckets:
        _empty_state_buckets(ref, target, log, emptied)
    try:
        _run_destroy(ref, target, log, emptied if empty_buckets else None)
    except terraform.LockedError:
        raise
    except ToolError as exc:
        left = left_in_state(ref, target)
        raise ToolError(
            f"{exc}\n{len(left)} resource(s) are left in the state of {ref.name}"
            + "".join(f"\n    {address}" for address in left)
            + "\nFix the cause above (e.g. a bucket of a protected environment still holds objects: empty it "
            "yourself if that is intended), then run the same destroy again; it continues where it stopped"
            + f" (or: terraform -chdir={ref.directory} destroy)"
        ) from exc
    return "destroyed" + (f"; emptied {_emptied_text(emptied)}" if emptied else "")


def destroy_stacks(
    refs: list[StackRef],
    target: Target,
    *,
    jobs: int | None = None,
    stop: Stop | None = None,
    empty: Callable[[StackRef], bool] = lambda ref: False,
    outputs_file: Path = OUTPUTS_FILE,
) -> list[Result]:
    """Destroy every stack but the bootstrap ones, side by side; destroyed stacks leave the outputs file."""
    _, rest = _phases(refs)
    jobs = jobs or default_jobs(len(rest))

    def done(result: Result) -> None:
        if result.status == "ok":
            record_outputs(outputs_file, result.name, None)

    return run_all(
        rest,
        lambda ref: (destroy(ref, target, empty_buckets=empty(ref)), None),
        name=lambda r: r.name,
        jobs=jobs,
        stop=stop,
        verb="destroying",
        done=done,
        weight=resource_count,
    )

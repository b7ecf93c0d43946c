"""Drift detection: a refresh-only plan per deployed stack, reporting what changed outside Terraform.

For every selected stack: `terraform init` against its backend, `terraform plan -refresh-only -detailed-exitcode
-out=<plan>` (nothing is written to state), then `terraform show -json <plan>`; its `resource_drift` lists each
resource whose real state no longer matches the state file; an attribute the configuration sets that changed (or a
deleted resource) is drift. Result per stack: in sync / drifted (addresses and changed attributes) / not deployed
(empty state) / error. Table on stdout, details in reports/drift.json.
Exit code: 0 all in sync, 3 drift found, 1 any error (errors win over drift); the CLI maps bad input to 2.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from tools import terraform
from tools.deploy import StackRef
from tools.parallel import INTERRUPTED, default_jobs, forwarding_signals, log_path, resource_count, run_all
from tools.progress import ToolError, say, step
from tools.targets import Target

REPORT = terraform.ROOT / "reports" / "drift.json"
SENSITIVE = "(sensitive)"


@dataclass
class ResourceDrift:
    """One resource changed outside Terraform."""

    address: str
    actions: list[str]
    attributes: list[dict[str, Any]] = field(default_factory=list)  # {"path", "before", "after"}


@dataclass
class StackDrift:
    """The verdict for one stack."""

    stack: str
    status: str  # "in sync" | "drifted" | "not deployed" | "error"
    resources: list[ResourceDrift] = field(default_factory=list)
    error: str = ""
    refreshed: list[str] = field(default_factory=list)  # only computed attributes changed: not drift


def leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """(dotted path, scalar) for every leaf of a JSON container; empty containers inside it are leaves too."""
    if isinstance(value, dict) and value:
        for key in sorted(value):
            yield from leaves(value[key], f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            yield from leaves(item, f"{path}.{index}" if path else str(index))
    elif path:
        yield path, value


def _sensitive(marker: Any, path: str) -> bool:
    """True when Terraform marked `path` (or a parent of it) sensitive in a before/after_sensitive tree."""
    for part in path.split(".") if path else []:
        if marker is True:
            return True
        if isinstance(marker, dict):
            marker = marker.get(part)
        elif isinstance(marker, list) and part.isdigit() and int(part) < len(marker):
            marker = marker[int(part)]
        else:
            return False
    return marker is True


EMPTY: tuple[Any, ...] = (None, [], {})


def changed_attributes(change: dict[str, Any]) -> list[dict[str, Any]]:
    """Every leaf attribute whose value differs between `before` (state) and `after` (real), values masked when
    Terraform marks them sensitive. Null on one side and an empty list, set or map on the other is no change: the
    provider's read returns an empty collection for what the apply stored as null (e.g. aws_elasticache_user's
    `authentication_mode.passwords`), and the next plan has nothing to do."""
    before, after = dict(leaves(change.get("before") or {})), dict(leaves(change.get("after") or {}))
    found = []
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old == new or (old in EMPTY and new in EMPTY):
            continue
        hidden = _sensitive(change.get("before_sensitive"), path) or _sensitive(change.get("after_sensitive"), path)
        found.append({"path": path, "before": SENSITIVE if hidden else old, "after": SENSITIVE if hidden else new})
    return found


def configured(plan: dict[str, Any]) -> dict[str, set[str]]:
    """{resource address (no index): the top-level attributes and blocks its configuration sets}."""
    resources = (plan.get("configuration") or {}).get("root_module", {}).get("resources", [])
    return {r["address"]: set(r.get("expressions", {})) for r in resources}


def parse_plan(stack: str, plan: dict[str, Any]) -> StackDrift:
    """The verdict for one stack from `terraform show -json` of its refresh-only plan.

    Only attributes the configuration sets count as drift (what the next apply would put back) and deletions. The
    rest is Terraform catching up on computed values, e.g. aws_s3_bucket's read-only `versioning` and `policy`
    that its companion resources (aws_s3_bucket_versioning, _policy) changed: listed as `refreshed`, not drift."""
    prior = (plan.get("prior_state") or {}).get("values", {}).get("root_module", {})
    settings, drifts, refreshed = configured(plan), [], []
    for item in plan.get("resource_drift", []):
        change, prefix = item["change"], "data." if item.get("mode") == "data" else ""
        keys = settings.get(f"{prefix}{item.get('type')}.{item.get('name')}")
        attributes = [a for a in changed_attributes(change) if keys is None or a["path"].split(".")[0] in keys]
        if attributes or "delete" in change["actions"]:
            drifts.append(ResourceDrift(item["address"], list(change["actions"]), attributes))
        else:
            refreshed.append(item["address"])
    deployed = prior.get("resources") or prior.get("child_modules")
    status = "drifted" if drifts else "in sync" if deployed else "not deployed"
    return StackDrift(stack, status, drifts, refreshed=refreshed)


def check_stack(ref: StackRef, target: Target) -> StackDrift:
    """init + refresh-only plan of one stack; never raises for Terraform failures (they become `error`). Terraform's
    output: reports/drift/<stack>.log."""
    log = log_path("drift", ref.name)
    try:
        config = target.bootstrap_backend_config(ref.name) if ref.bootstrap else None
        terraform.init(ref.directory, backend=True, env=target.env, backend_config=config, log=log)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "drift.tfplan"
            terraform.run(
                ref.directory,
                [
                    "plan",
                    "-refresh-only",
                    "-detailed-exitcode",
                    "-input=false",
                    "-no-color",
                    "-lock-timeout=60s",
                    f"-out={out}",
                ],
                env=target.env,
                ok_codes=(0, 2),
                log=log,
            )
            shown = terraform.run(ref.directory, ["show", "-json", "-no-color", str(out)], env=target.env)
        return parse_plan(ref.name, json.loads(shown.stdout))
    except (ToolError, OSError, ValueError) as exc:
        return StackDrift(ref.name, "error", error=str(exc))


def _short(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "..."


def table(results: list[StackDrift]) -> str:
    """The human-readable report: one line per stack, then one per changed attribute."""
    width = max([len(r.stack) for r in results] + [5])
    lines = [f"{'stack':<{width}}  status        detail", f"{'-' * width}  ------------  ------"]
    for result in results:
        detail = (
            f"{len(result.resources)} resource(s) changed outside Terraform"
            if result.resources
            else result.error.splitlines()[0]
            if result.error
            else f"({len(result.refreshed)} resource(s) with refreshed computed values)"
            if result.refreshed
            else ""
        )
        lines.append(f"{result.stack:<{width}}  {result.status:<12}  {detail}")
        for resource in result.resources:
            lines.append(f"{'':<{width}}    {resource.address} ({'/'.join(resource.actions)})")
            for attr in resource.attributes:
                lines.append(f"{'':<{width}}      {attr['path']}: {_short(attr['before'])} -> {_short(attr['after'])}")
    return "\n".join(lines)


def exit_code(results: list[StackDrift]) -> int:
    """1 when any stack errored, else 3 when any drifted, else 0."""
    statuses = {r.status for r in results}
    return 1 if "error" in statuses else 3 if "drifted" in statuses else 0


def detect(refs: list[StackRef], target: Target, report: Path | None = None, jobs: int | None = None) -> int:
    """Check every stack (bootstrap stacks first, then the rest side by side: --jobs / JOBS), print the table, write
    the JSON report; returns the exit code."""
    report = report or REPORT
    ordered = [r for r in refs if r.bootstrap] + [r for r in refs if not r.bootstrap]
    results: list[StackDrift] = []

    def check(ref: StackRef) -> tuple[str, StackDrift]:
        found = check_stack(ref, target)
        return found.status, found

    with step(f"drift check of {len(ordered)} stack(s) ({target.name})"), forwarding_signals() as stop:
        for phase in ([r for r in ordered if r.bootstrap], [r for r in ordered if not r.bootstrap]):
            done = run_all(
                phase,
                check,
                name=lambda r: r.name,
                jobs=jobs or default_jobs(len(ordered)),
                stop=stop,
                verb="checking",
                total=len(ordered),
                first=len(results) + 1,
                weight=resource_count,
            )
            results += [
                r.value if r.value is not None else StackDrift(r.name, "error", error=r.error or r.status) for r in done
            ]
    code = exit_code(results)
    code = INTERRUPTED if stop else code  # Ctrl-C / SIGTERM: forwarded to Terraform, which stopped cleanly
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(
        json.dumps({"target": target.name, "exit_code": code, "stacks": [asdict(r) for r in results]}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(table(results))
    say(f"drift report: {report}")
    return code


def command(args: Any) -> int:
    """`python -m tools drift`: the selection (default: dev, with its bootstrap stack) on --target."""
    from tools import cli, deploy, parallel  # pylint: disable=import-outside-toplevel
    from emulator import server as emu  # pylint: disable=import-outside-toplevel
    from tools.targets import local_target  # pylint: disable=import-outside-toplevel

    target = Target("aws")
    if args.target == "local":  # drift is read-only: never start an emulator or deploy anything here
        running = emu.running()
        if running is None:
            raise ToolError(
                "no emulator is running: there is nothing deployed locally to check "
                "(run `make deploy` first, or use --target aws)"
            )
        target = local_target(running)
    _, names = cli.synth(args, deploying=True)
    refs = deploy.stack_refs(Path(args.outdir), names)
    return detect(refs, target, jobs=parallel.jobs_setting(getattr(args, "jobs", None), len(refs)))

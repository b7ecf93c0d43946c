"""Run Terraform on a synthesized stack (cdktf.out/stacks/<stack>) with the project's CLI configuration.

The CLI configuration is written by us (never the user's ~/.terraformrc): a plugin cache, and, when the
environment names a provider mirror (TF_PROVIDER_MIRROR = a directory containing registry.terraform.io/), the
standard `provider_installation` block that installs providers from that mirror only. Without a mirror, providers
come from the public registry as usual.

Each Terraform runs in a session of its own, so a terminal's Ctrl-C reaches only this process, which forwards it
once (`interrupt_all`): a second SIGINT would make Terraform abandon in-flight operations and its state. Output
goes to the caller's log file as it comes (`run(..., log=...)`). A failure on a held state lock raises `LockedError`
with the lock id and the exact command that releases it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, Mapping, Sequence

from tools.digest import framed
from tools.progress import ToolError

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache" / "terraform"
# Backend-less commands (validate, schema reads) keep their working data in a folder of their own. Sharing
# `.terraform/` with deploy/plan would make `init -backend=false` load the S3 backend a deploy configured there and
# ask for that target's credentials (seen in CI: validate after an emulator deploy of the same stack folder).
OFFLINE_DATA_DIR = ".terraform-offline"


def cli_config(environ: Mapping[str, str]) -> Path:
    """Write the Terraform CLI config for this process's settings and return its path."""
    CACHE.mkdir(parents=True, exist_ok=True)
    lines = []
    mirror = environ.get("TF_PROVIDER_MIRROR", "").strip()
    if mirror:
        if not (Path(mirror) / "registry.terraform.io").is_dir():
            raise ToolError(
                f"TF_PROVIDER_MIRROR={mirror} has no registry.terraform.io/ folder; point it at the "
                "directory that contains registry.terraform.io/ or unset it to use the registry"
            )
        lines += [
            "provider_installation {",
            f'  filesystem_mirror {{\n    path = "{mirror}"\n    include = ["registry.terraform.io/*/*"]\n  }}',
            '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }',
            "}",
        ]
    else:
        (CACHE / "plugins").mkdir(exist_ok=True)
        lines.append(f'plugin_cache_dir = "{CACHE / "plugins"}"')
    text = "\n".join(lines) + "\n"
    # Named by content: processes with different settings (tests, parallel runs) never overwrite each other's file.
    path = CACHE / f"cli-{hashlib.sha256(text.encode()).hexdigest()[:12]}.tfrc"
    if not path.exists():
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return path


# The Go garbage collector's target of terraform and of its provider plugins (go-plugin hands them terraform's
# environment): most of a command's CPU is the AWS provider building and sending its schema, which allocates a lot.
# At 400 instead of Go's 100, on this project's 2-core machine (2026-12-02): `terraform validate` of one stack 2.3 CPU s
# instead of 3.3, `python -m tools plan` of two deployed stacks 12.2 instead of 14.9 user CPU s; a provider process
# takes ~15 % more memory (0.36 GB instead of 0.32 at validate). A GOGC in the environment wins.
GO_GC = "400"


def terraform_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment for terraform: ours, plus the CLI config, plus `extra` (target settings); GOGC
    defaults to GO_GC."""
    env = dict(os.environ)
    env.update(extra or {})
    env["TF_CLI_CONFIG_FILE"] = str(cli_config(env))
    env.setdefault("GOGC", GO_GC)
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    return env


class LockedError(ToolError):
    """Terraform could not acquire the stack's state lock: another run holds it, or a killed run left it."""

    def __init__(self, stack_dir: Path, lock_id: str, info: str) -> None:
        self.lock_id = lock_id
        stack = stack_dir.name
        super().__init__(
            f"the state of {stack} is locked (lock {lock_id}; {info}).\n"
            "If no other deploy/plan/destroy of this stack is running (e.g. an earlier one was killed), release it:\n"
            f"    python -m tools unlock --stack {stack} --lock-id {lock_id}\n"
            f"or: terraform -chdir={_shown(stack_dir)} force-unlock -force {lock_id}\n"
            "then run the command again; if that apply had died before writing state, "
            f"`python -m tools recover --stack {stack}` lists the resources it left behind"
        )


_LOCK_ID = re.compile(r"^\s*ID:\s+(\S+)", re.MULTILINE)
_LOCK_INFO = re.compile(r"^\s*(Path|Operation|Who|Created):\s+(.+)$", re.MULTILINE)
_LIVE: dict[int, subprocess.Popen[str]] = {}  # pid -> running terraform
_LIVE_LOCK = threading.Lock()
_INTERRUPTED: set[int] = set()
_LOG_LOCK = threading.Lock()


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path.resolve())


def interrupt_all() -> list[int]:
    """Send SIGINT, once, to every running terraform; returns their pids. Terraform then finishes in-flight
    operations, writes state and releases the lock (a second SIGINT would make it stop at once)."""
    with _LIVE_LOCK:
        pids = [pid for pid in _LIVE if pid not in _INTERRUPTED]
        for pid in pids:
            _INTERRUPTED.add(pid)
            try:
                os.kill(pid, signal.SIGINT)
            except ProcessLookupError:
                pass
    return pids


def running_count() -> int:
    """How many terraform processes this process is waiting on."""
    with _LIVE_LOCK:
        return len(_LIVE)


def _pump(stream: IO[str], sink: list[str], log: IO[str] | None) -> None:
    for line in stream:
        sink.append(line)
        if log is not None:
            with _LOG_LOCK:
                log.write(line)
                log.flush()


def logged(args: Sequence[str], stack_dir: Path) -> str:
    """A command's first line in its log."""
    return f"$ terraform {' '.join(args)}   (in {stack_dir})"


def log_note(log: Path | None, args: Sequence[str], stack_dir: Path, summary: str) -> None:
    """Append the command's line with `summary` in place of its output (a skipped command, or one whose output must
    not be logged); nothing without a log."""
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as out:
            out.write(f"{logged(args, stack_dir)}: {summary}\n")


def run(
    stack_dir: Path,
    args: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    ok_codes: Sequence[int] = (0,),
    log: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """`terraform <args>` in `stack_dir`; raises ToolError with Terraform's own error text on failure (LockedError
    when the state is locked). `log`: append the command and its whole output there as it comes."""
    command = ["terraform", *args]
    out: list[str] = []
    err: list[str] = []
    sink = None
    if log is not None:
        log.parent.mkdir(parents=True, exist_ok=True)
        sink = log.open("a", encoding="utf-8")
        sink.write(f"{logged(args, stack_dir)}\n")
        sink.flush()
    try:
        with _LIVE_LOCK:
            proc = subprocess.Popen(  # pylint: disable=consider-using-with
                command,
                cwd=stack_dir,
                env=terraform_env(env),
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            _LIVE[proc.pid] = proc
        try:
            readers = [
                threading.Thread(target=_pump, args=(stream, sink_list, sink), daemon=True)
                for stream, sink_list in ((proc.stdout, out), (proc.stderr, err))
            ]
            for reader in readers:
                reader.start()
            for reader in readers:
                reader.join()
            code = proc.wait()
        finally:
            with _LIVE_LOCK:
                _LIVE.pop(proc.pid, None)
                _INTERRUPTED.discard(proc.pid)
    finally:
        if sink is not None:
            sink.close()
    done = subprocess.CompletedProcess(command, code, "".join(out), "".join(err))
    if code not in ok_codes:
        text = done.stderr.strip() or done.stdout.strip()
        if "Error acquiring the state lock" in text and _LOCK_ID.search(text):
            info = ", ".join(f"{k.lower()} {v.strip()}" for k, v in _LOCK_INFO.findall(text))
            raise LockedError(stack_dir, _LOCK_ID.search(text).group(1), info)  # type: ignore[union-attr]
        raise ToolError(f"terraform {' '.join(args)} failed in {stack_dir.name} (exit {code}):\n{text}")
    return done


def offline_env(stack_dir: Path) -> dict[str, str]:
    """Settings for backend-less commands: their own TF_DATA_DIR, so no backend a deploy initialised is loaded."""
    return {"TF_DATA_DIR": str(stack_dir.resolve() / OFFLINE_DATA_DIR)}


def init(
    stack_dir: Path,
    *,
    backend: bool,
    env: Mapping[str, str] | None = None,
    backend_config: Mapping[str, str] | None = None,
    log: Path | None = None,
) -> None:
    """`terraform init`, with the backend (plan/apply, in `.terraform/`) or without it (validate, schema reads, in
    OFFLINE_DATA_DIR: run later backend-less commands with `offline_env(stack_dir)`).

    Skipped when the folder's last init by this function had the same inputs and left the same result (`init_stamp`):
    an init costs 1-2.5 CPU s (Terraform hashes the 700 MB provider package in the cache, and the S3 backend is
    configured), and deploy, plan, drift and destroy of a stack each began with one."""
    args = ["init", "-input=false", "-no-color", "-reconfigure" if backend else "-backend=false"]
    args += [f"-backend-config={k}={v}" for k, v in (backend_config or {}).items()]
    settings = dict(env or {}) if backend else {**(env or {}), **offline_env(stack_dir)}
    data_dir = stack_dir / ({**os.environ, **settings}.get("TF_DATA_DIR") or ".terraform")  # relative: to stack_dir
    stamp_file = data_dir / INIT_STAMP
    if stamp_file.is_file() and stamp_file.read_text(encoding="utf-8") == init_stamp(
        stack_dir, args, settings, data_dir
    ):
        log_note(log, args, stack_dir, "skipped, initialised with these inputs")
        return
    stamp_file.unlink(missing_ok=True)  # a failed or interrupted init leaves no stamp
    run(stack_dir, args, env=settings, log=log)
    data_dir.mkdir(parents=True, exist_ok=True)  # a configuration without providers or backend leaves none
    stamp_file.write_text(init_stamp(stack_dir, args, settings, data_dir), encoding="utf-8")


INIT_STAMP = "init.sha256"
# Environment names whose values are not written into the stamp's hash input (only their presence is).
_SECRET_NAME = re.compile(r"SECRET|TOKEN|PASSWORD|SESSION", re.IGNORECASE)


def init_stamp(stack_dir: Path, args: Sequence[str], settings: Mapping[str, str], data_dir: Path) -> str:
    """What an init depends on and what it left, hashed: the arguments (backend config included), the given
    settings (the target's endpoint, region, data dir; secrets by name only), the CLI configuration (its file is
    named by its content), every configuration file and the lock file of `stack_dir` as they are after the init, and
    the backend record and provider folder the init wrote. A missing result gives a stamp no init wrote."""
    parts = [("args", "\0".join(args).encode())]
    for key in sorted(settings):
        parts.append((f"env {key}", b"(set)" if _SECRET_NAME.search(key) else settings[key].encode()))
    parts.append(("cli", str(cli_config({**os.environ, **settings})).encode()))
    configuration = sorted(p for p in stack_dir.iterdir() if p.name.endswith((".tf", ".tf.json")) and p.is_file())
    for path in configuration + [stack_dir / LOCK_FILE, data_dir / "terraform.tfstate"]:
        parts.append((path.name, path.read_bytes() if path.is_file() else b"(missing)"))
    providers = data_dir / "providers"
    parts.append(("providers", "\0".join(sorted(str(p.relative_to(providers)) for p in providers.rglob("*"))).encode()))
    return framed(parts)


def validate(stack_dir: Path) -> dict[str, Any]:
    """`terraform init -backend=false` + `terraform validate -json`; returns the JSON verdict."""
    init(stack_dir, backend=False)
    proc = run(stack_dir, ["validate", "-json", "-no-color"], env=offline_env(stack_dir), ok_codes=(0, 1))
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def outputs(stack_dir: Path, *, env: Mapping[str, str] | None = None, log: Path | None = None) -> dict[str, Any]:
    """`terraform output -json` as {name: value}; sensitive values are left out (they stay in state)."""
    raw = json.loads(run(stack_dir, ["output", "-json", "-no-color"], env=env, log=log).stdout or "{}")
    return {name: item["value"] for name, item in raw.items() if not item.get("sensitive")}


_HARNESS_WARNING = "Backend configuration ignored"  # every child module's backend block, in validate_all's root


def _attributed(root: Path, dirs: Sequence[Path], verdict: dict[str, Any]) -> dict[Path, dict[str, Any]] | None:
    """Split a combined verdict per configuration folder; None when a diagnostic cannot be attributed."""
    found: dict[Path, list[dict[str, Any]]] = {d: [] for d in dirs}
    for diag in verdict.get("diagnostics", []):
        filename = diag.get("range", {}).get("filename")
        if not filename:
            return None
        path = (root / filename).resolve()
        owner = next((d for d in dirs if path.is_relative_to(d.resolve())), None)
        if owner is None:
            return None
        if diag.get("severity") == "warning" and diag.get("summary") == _HARNESS_WARNING:
            continue
        found[owner].append(diag)
    result = {}
    for directory, diags in found.items():
        errors = sum(d.get("severity") == "error" for d in diags)
        result[directory] = {
            "valid": errors == 0,
            "error_count": errors,
            "warning_count": len(diags) - errors,
            "diagnostics": diags,
        }
    return result


def _validate_batch(dirs: Sequence[Path]) -> dict[Path, dict[str, Any]]:
    CACHE.mkdir(parents=True, exist_ok=True)  # a fresh clone has no .cache/ yet
    with tempfile.TemporaryDirectory(prefix="validate-", dir=CACHE) as tmp:
        root = Path(tmp)
        modules = {f"m{i}": {"source": os.path.relpath(d.resolve(), root)} for i, d in enumerate(dirs)}
        (root / "main.tf.json").write_text(json.dumps({"module": modules}), encoding="utf-8")
        run(root, ["init", "-input=false", "-no-color", "-backend=false"])
        proc = run(root, ["validate", "-json", "-no-color"], ok_codes=(0, 1))
        verdicts = _attributed(root, dirs, json.loads(proc.stdout))
        if verdicts is None or any(not v["valid"] for v in verdicts.values()):
            return {d: validate(d) for d in dirs}  # exact per-stack verdicts, as `validate` gives them
        for directory in dirs:  # what `terraform init` would leave: cdktf deploy needs it offline
            if not (directory / LOCK_FILE).exists():  # whole or not at all: an init may read it meanwhile
                partial = directory / f"{LOCK_FILE}.{os.getpid()}.tmp"
                shutil.copyfile(root / LOCK_FILE, partial)
                partial.replace(directory / LOCK_FILE)
        return verdicts


LOCK_FILE = ".terraform.lock.hcl"


def validate_all(stack_dirs: Sequence[Path], *, jobs: int = 2) -> dict[Path, dict[str, Any]]:
    """`terraform validate` of many configurations, each verdict what `validate` gives it, at a fraction of the cost:
    the folders are split into `jobs` batches run side by side; each batch is ONE init and ONE validate of a
    throwaway root that calls every folder as a child module, so the provider schema is loaded once per batch, not
    once per stack (23 stacks: ~130 s one by one, ~20 s in two batches on 2 cores). Diagnostics are attributed to
    their folder by file name; the root's own artefact (a "Backend configuration ignored" warning per child) is
    dropped. When a batch has any error, each of its folders is validated alone, so a failing verdict is exact too.
    Each folder gets the `.terraform.lock.hcl` its own init would write."""
    dirs = list(stack_dirs)
    if not dirs:
        return {}
    count = max(1, min(jobs, len(dirs)))
    batches = [dirs[i::count] for i in range(count)]
    results: dict[Path, dict[str, Any]] = {}
    with ThreadPoolExecutor(max_workers=count) as pool:
        for verdicts in pool.map(_validate_batch, batches):
            results.update(verdicts)
    return {d: results[d] for d in dirs}

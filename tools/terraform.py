"""Run Terraform on a synthesized stack (cdktf.out/stacks/<stack>) with the project's CLI configuration.

The CLI configuration is written by us (never the user's ~/.terraformrc): a plugin cache, and, when the
environment names a provider mirror (TF_PROVIDER_MIRROR = a directory containing registry.terraform.io/), the
standard `provider_installation` block that installs providers from that mirror only. Without a mirror, providers
come from the public registry as usual.
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any, Mapping, Sequence

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
            raise ToolError(f"TF_PROVIDER_MIRROR={mirror} has no registry.terraform.io/ folder; point it at the "
                            "directory that contains registry.terraform.io/ or unset it to use the registry")
        lines += ["provider_installation {",
                  f'  filesystem_mirror {{\n    path = "{mirror}"\n    include = ["registry.terraform.io/*/*"]\n  }}',
                  '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }', "}"]
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


def terraform_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The process environment for terraform: ours, plus the CLI config, plus `extra` (target settings)."""
    env = dict(os.environ)
    env.update(extra or {})
    env["TF_CLI_CONFIG_FILE"] = str(cli_config(env))
    env.setdefault("TF_IN_AUTOMATION", "1")
    env.setdefault("CHECKPOINT_DISABLE", "1")
    return env


def run(stack_dir: Path, args: Sequence[str], *, env: Mapping[str, str] | None = None,
        ok_codes: Sequence[int] = (0,)) -> subprocess.CompletedProcess[str]:
    """`terraform <args>` in `stack_dir`; raises ToolError with Terraform's own error text on failure."""
    proc = subprocess.run(["terraform", *args], cwd=stack_dir, env=terraform_env(env), text=True,
                          capture_output=True, check=False)
    if proc.returncode not in ok_codes:
        raise ToolError(f"terraform {' '.join(args)} failed in {stack_dir.name} (exit {proc.returncode}):\n"
                        f"{proc.stderr.strip() or proc.stdout.strip()}")
    return proc


def offline_env(stack_dir: Path) -> dict[str, str]:
    """Settings for backend-less commands: their own TF_DATA_DIR, so no backend a deploy initialised is loaded."""
    return {"TF_DATA_DIR": str(stack_dir.resolve() / OFFLINE_DATA_DIR)}


def init(stack_dir: Path, *, backend: bool, env: Mapping[str, str] | None = None,
         backend_config: Mapping[str, str] | None = None) -> None:
    """`terraform init`, with the backend (plan/apply, in `.terraform/`) or without it (validate, schema reads, in
    OFFLINE_DATA_DIR: run later backend-less commands with `offline_env(stack_dir)`)."""
    args = ["init", "-input=false", "-no-color", "-reconfigure" if backend else "-backend=false"]
    args += [f"-backend-config={k}={v}" for k, v in (backend_config or {}).items()]
    settings = dict(env or {}) if backend else {**(env or {}), **offline_env(stack_dir)}
    run(stack_dir, args, env=settings)


def validate(stack_dir: Path) -> dict[str, Any]:
    """`terraform init -backend=false` + `terraform validate -json`; returns the JSON verdict."""
    init(stack_dir, backend=False)
    proc = run(stack_dir, ["validate", "-json", "-no-color"], env=offline_env(stack_dir), ok_codes=(0, 1))
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def outputs(stack_dir: Path, *, env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """`terraform output -json` as {name: value}; sensitive values are left out (they stay in state)."""
    raw = json.loads(run(stack_dir, ["output", "-json", "-no-color"], env=env).stdout or "{}")
    return {name: item["value"] for name, item in raw.items() if not item.get("sensitive")}

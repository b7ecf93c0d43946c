"""Deploy targets. The one place where `local` and `aws` differ: endpoints, credentials, where bootstrap state lives.

- local (default): the emulator (emulator/server.py); AWS_ENDPOINT_URL and test credentials point Terraform and boto3
  at it; the bootstrap stack's local state goes to a folder that lives and dies with that emulator
  (`state-<port>/` in the emulator's state folder: `<checkout>/.emulator/`, or `EMULATOR_STATE_DIR`).
- aws: a real account with the caller's own credentials (profile, SSO, OIDC role in CI); nothing is overridden.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from emulator.server import Emulator, start_daemon, state_dir as emulator_state_dir

TARGETS = ("local", "aws")


@dataclass(frozen=True)
class Target:
    """Where a deploy goes."""

    name: str
    env: dict[str, str] = field(default_factory=dict)
    bootstrap_state_dir: Path | None = None  # None: the path synthesized into the bootstrap stack (state/)

    def bootstrap_backend_config(self, stack: str) -> dict[str, str]:
        """-backend-config for the bootstrap stack's local backend."""
        if self.bootstrap_state_dir is None:
            return {}
        self.bootstrap_state_dir.mkdir(parents=True, exist_ok=True)
        return {"path": str(self.bootstrap_state_dir / f"{stack}.tfstate")}


def local_target(emulator: Emulator, state_dir: Path | None = None, *, fresh: bool = False) -> Target:
    """The emulator target; `fresh` clears bootstrap state left from an earlier emulator on the same port."""
    state_dir = state_dir or emulator_state_dir() / f"state-{emulator.port}"
    if fresh and state_dir.exists():
        shutil.rmtree(state_dir)
    return Target("local", emulator.client_env(), state_dir)


def resolve_target(name: str, account_id: str) -> Target:
    """The named target, starting the long-lived emulator for `local` when it is not running."""
    if name == "aws":
        return Target("aws")
    from emulator.server import running  # pylint: disable=import-outside-toplevel

    was_running = running() is not None
    emulator = start_daemon(account_id)
    return local_target(emulator, fresh=not was_running)

"""Where the integration suite runs (the Terratest pattern: the same boto3 tests, local emulator or a real account).

- `local` (default): a fresh emulator per session, the `dev` stacks, emulator credentials.
- `aws`: only with DEPLOY_TARGET=aws AND an ephemeral ENVIRONMENT_SUFFIX (e.g. `e2e1234`): the session deploys the
  `dev` environment's ephemeral copies (`<workload>-dev-<suffix>`, every physical name suffixed, buckets
  force-destroyed) with the caller's own credentials, runs the same tests, and destroys every stack it deployed at
  the end of the session (also when tests fail). Refused when the suffix is missing or invalid and when the dev
  environment's account id in config/environments.toml is still a placeholder (every provider would refuse the
  real account: `allowed_account_ids`).

`make integration-aws ENVIRONMENT_SUFFIX=e2e1234` runs it (README, "Against a real account").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Mapping

ENVIRONMENT = "dev"
PLACEHOLDER_ACCOUNTS = frozenset({"123456789012", "000000000000"} | {d * 12 for d in "0123456789"})
SUFFIX = re.compile(r"[a-z][a-z0-9]{0,7}")


class TargetError(Exception):
    """The integration target asked for cannot be used (the message says why and how to fix it)."""


@dataclass(frozen=True)
class IntegrationTarget:
    """The chosen target: `name` is local or aws; `suffix` is the ephemeral copy's (aws only)."""

    name: str
    account_id: str
    suffix: str | None = None
    environment: str = ENVIRONMENT

    @property
    def env_id(self) -> str:
        """`dev` locally, `dev-<suffix>` on AWS (what every physical name ends with)."""
        return self.environment if self.suffix is None else f"{self.environment}-{self.suffix}"

    def stack(self, workload: str) -> str:
        """The stack the tests of `workload` deploy and read: `<workload>-dev[-<suffix>]`."""
        return f"{workload}-{self.env_id}"

    def name_of(self, base: str) -> str:
        """A physical name of the environment: `name_of("event-processing-tasks")` -> `event-processing-tasks-dev`
        (or `...-dev-e2e1234`)."""
        return f"{base}-{self.env_id}"


def is_placeholder(account_id: str) -> bool:
    """True for the documentation account ids environments.toml ships with (111111111111, ...)."""
    return account_id in PLACEHOLDER_ACCOUNTS


def select_target(environ: Mapping[str, str], account_id: str) -> IntegrationTarget:
    """The target named by DEPLOY_TARGET / ENVIRONMENT_SUFFIX in `environ`; `account_id` is the dev record's."""
    name = environ.get("DEPLOY_TARGET", "").strip() or "local"
    if name == "local":
        return IntegrationTarget("local", account_id)
    if name != "aws":
        raise TargetError(f"DEPLOY_TARGET={name!r} is not a target: use local (default) or aws")
    suffix = environ.get("ENVIRONMENT_SUFFIX", "").strip()
    if not suffix:
        raise TargetError(
            "DEPLOY_TARGET=aws runs the integration suite only on an ephemeral copy: set "
            "ENVIRONMENT_SUFFIX (1-8 lowercase letters and digits, e.g. e2e1234), so nothing of the "
            "real dev environment is touched and everything deployed can be destroyed afterwards"
        )
    if not SUFFIX.fullmatch(suffix):
        raise TargetError(
            f"ENVIRONMENT_SUFFIX {suffix!r} is invalid: use 1-8 lowercase letters and digits starting "
            "with a letter (e.g. e2e1234)"
        )
    if is_placeholder(account_id):
        raise TargetError(
            f"config/environments.toml: environments.{ENVIRONMENT}.account_id is the placeholder "
            f"{account_id}: set it to your sandbox account's id before running against AWS"
        )
    return IntegrationTarget("aws", account_id, suffix)

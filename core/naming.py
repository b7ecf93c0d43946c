"""Physical names: the one place names are built, so every name carries workload, environment and suffix.

Pattern: `<workload>-<component>-<env>[-<suffix>]`; buckets add the account id for global uniqueness. A name that
breaks the service's length limit fails at synth with the name and the limit, never at deploy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_VALID = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]")


@dataclass(frozen=True)
class Namer:
    """Builds every physical name and key of one stack."""

    workload: str
    environment: str
    account_id: str
    suffix: str | None = None

    @property
    def env_id(self) -> str:
        """Environment plus ephemeral suffix: `dev` or `dev-pr42`."""
        return f"{self.environment}-{self.suffix}" if self.suffix else self.environment

    @property
    def stack_name(self) -> str:
        """`<workload>-<env>[-<suffix>]`: the cdktf stack and its cdktf.out folder."""
        return f"{self.workload}-{self.env_id}"

    @property
    def state_key(self) -> str:
        """Key of this stack's state object in the environment's state bucket."""
        return f"{self.workload}/{self.env_id}/terraform.tfstate"

    def name(self, component: str, *, max_length: int = 64) -> str:
        """`<workload>-<component>-<env>[-<suffix>]`, checked against the service's `max_length`."""
        return self._checked(f"{self.workload}-{component}-{self.env_id}", max_length)

    def bucket(self, component: str) -> str:
        """An S3 bucket name, globally unique through the account id (S3 allows 63 characters)."""
        return self._checked(f"{self.workload}-{component}-{self.env_id}-{self.account_id}", 63)

    @staticmethod
    def _checked(value: str, max_length: int) -> str:
        if not _VALID.fullmatch(value):
            raise ValueError(f"name {value!r} may hold only lowercase letters, digits and '-'")
        if len(value) > max_length:
            raise ValueError(f"name {value!r} is {len(value)} characters; the limit here is {max_length}: "
                             "use a shorter component name or environment suffix")
        return value


def state_bucket_name(environment: str, account_id: str, region: str) -> str:
    """The state bucket of one environment (shared by its ephemeral copies, whose keys differ)."""
    return Namer._checked(f"tfstate-{environment}-{account_id}-{region}", 63)  # pylint: disable=protected-access

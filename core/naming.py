"""Physical names: the one place names are built, so every name carries workload, environment and suffix.

Pattern: `<workload>-<component>-<env>[-<suffix>]`; buckets add the account id for global uniqueness. One rule for
every resource kind, given the service's length limit (`max_length`):

- a name that fits is used as it is (so the names of existing stacks never change);
- a name that does not fit is shortened deterministically to `<initials>-<component>-<hash>-<env>[-<suffix>]`,
  where `<initials>` are the workload's initials (`fraud-detection` -> `fd`), `<hash>` the first
  `HASH_LENGTH` hex digits of the SHA-256 of the full name (so two shortened names never meet by chance), and
  `<initials>-<component>` is cut to the room left. The environment, the suffix (and a bucket's account id) are
  always kept whole, at the end.

A name that cannot fit even so (no room for the initials) or holds characters outside `[a-z0-9-]` fails at synth
with the name and the limit, never at deploy. Environment names and suffixes are checked by the configuration
loader first (config/validators.py `environment_name`, config/selection.py), so the shortest room left is known:
ENV_NAME_MAX_LENGTH + 1 + 8 characters of tail.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_VALID = re.compile(r"[a-z0-9][a-z0-9-]*[a-z0-9]")
HASH_LENGTH = 4
"""Hex digits of the SHA-256 of the full name in a shortened name."""


class NamingError(ValueError):
    """A physical name cannot be built within its service's rules (reported as a configuration error)."""


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
        """`<workload>-<component>-<env>[-<suffix>]`, shortened (see the module docstring) to the service's
        `max_length` when it would not fit."""
        return fit(self.workload, component, self.env_id, max_length)

    def bucket(self, component: str) -> str:
        """An S3 bucket name, globally unique through the account id (S3 allows 63 characters)."""
        return fit(self.workload, component, f"{self.env_id}-{self.account_id}", 63)


def pascal(text: str) -> str:
    """`us-west-2` -> `UsWest2`, `db-cpu` -> `DbCpu`: a dashed name as a PascalCase construct id."""
    return "".join(part.title() for part in text.split("-"))


def initials(workload: str) -> str:
    """`fraud-detection` -> `fd`: the first letter of each word of the workload."""
    return "".join(word[0] for word in workload.split("-") if word)


def fit(workload: str, component: str, tail: str, max_length: int) -> str:
    """`<workload>-<component>-<tail>` when it fits `max_length`, else its deterministic short form."""
    full = _checked(f"{workload}-{component}-{tail}")
    if len(full) <= max_length:
        return full
    digest = hashlib.sha256(full.encode("utf-8")).hexdigest()[:HASH_LENGTH]
    room = max_length - len(tail) - len(digest) - 2
    head = f"{initials(workload)}-{component}"[: max(room, 0)].rstrip("-")
    if len(head) < len(initials(workload)):
        raise NamingError(
            f"name {full!r} is {len(full)} characters; the limit here is {max_length} and even its "
            f"short form '<initials>-<hash>-{tail}' does not fit: use a shorter environment name "
            "or suffix"
        )
    return f"{head}-{digest}-{tail}"


def _checked(value: str) -> str:
    if not _VALID.fullmatch(value) or "--" in value:
        raise NamingError(f"name {value!r} may hold only lowercase letters, digits and single '-' between them")
    return value


def state_bucket_name(environment: str, account_id: str, region: str) -> str:
    """The state bucket of one environment (shared by its ephemeral copies, whose keys differ)."""
    name = _checked(f"tfstate-{environment}-{account_id}-{region}")
    if len(name) > 63:
        raise NamingError(f"state bucket name {name!r} is {len(name)} characters; S3 allows 63")
    return name

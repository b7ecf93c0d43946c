"""CKV_APP_003: no password, auth token or other secret is written literally into the configuration.

What fails: any resource with a secret argument (`master_password`, `password`, `auth_token`, `passwords`,
`master_user_password`, `admin_password`, at any depth) whose value is literal text instead of a single Terraform
reference (`${aws_secretsmanager_secret_version.Db_1A2B.secret_string}`, `${ephemeral...}`). This includes a value
generated in Python at synth time (`random.choices(...)`, `secrets.token_hex()`): it is a literal in the JSON.

Why it matters: a literal secret is committed in the synthesized JSON, printed in plans and stored in state and CI
artifacts; one generated with Python's `random` is also predictable (seed 000) and changes on every synth. Fix:
`manage_master_user_password = true` for RDS, or reference a Secrets Manager secret.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.checks import is_reference, walk

SECRET_KEYS = frozenset(
    {"password", "master_password", "auth_token", "passwords", "master_user_password", "admin_password"}
)


class NoLiteralSecrets(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure passwords and auth tokens are references to a secret store, never literal values",
            id="CKV_APP_003",
            categories=(CheckCategories.SECRETS,),
            supported_resources=("*",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        found = False
        self.evaluated_keys = []
        for key, value in _secret_values(conf):
            found = True
            self.evaluated_keys.append(key)
            if isinstance(value, str) and value and not is_reference(value):
                self.details.append(
                    f"{key} is a literal value: use manage_master_user_password or reference a Secrets Manager secret"
                )
        if not found:
            return CheckResult.UNKNOWN  # no secret argument: not applicable
        return CheckResult.FAILED if self.details else CheckResult.PASSED


def _secret_values(conf: dict[str, Any], path: str = "") -> list[tuple[str, Any]]:
    """(path, scalar) of every value under a secret-named key, at any depth."""
    found: list[tuple[str, Any]] = []
    for key, value in conf.items():
        here = f"{path}/{key}" if path else str(key)
        if key == "//":
            continue
        if key in SECRET_KEYS:
            found += [(here, scalar) for _, scalar in walk(value)] or [(here, None)]
        elif isinstance(value, (dict, list)):
            for index, item in enumerate(value if isinstance(value, list) else [value]):
                if isinstance(item, dict):
                    found += _secret_values(item, f"{here}/[{index}]" if isinstance(value, list) else here)
    return found


check = NoLiteralSecrets()

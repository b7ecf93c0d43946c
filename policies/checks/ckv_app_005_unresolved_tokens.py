"""CKV_APP_005: no unresolved cdktf token text in any value of any resource.

What fails: a resource (of any type) with a string or map key anywhere in its configuration (nested blocks
included) that holds cdktf token text instead of a value: `${TfToken[TOKEN.12]}`, `${TFTOKEN[TOKEN.3]}`,
`#{TfToken[...]}`, `Token[...]`, `TOKEN[...]` (compared case-insensitively). The `//` metadata is not checked.

Why it matters: cdktf resolves a token only while its text is intact. A token string changed in Python before synth
(`.upper()`/`.lower()`, slicing, `.replace()`, a regex, hashing a name built from it) is written out as plain text:
Terraform then sends "${TFTOKEN[TOKEN.3]}" to AWS as a name, a policy or an ARN, which fails at apply or, worse,
succeeds with a broken value (seed 002: an unresolved Output serialized into a JSON policy). Measured with cdktf
0.21: `str()` of a string or number token and tokens as map keys resolve; a list token in a string fails synth.
Fix: pass tokens through unchanged; transform values with Terraform functions (`Fn.upper`, `Fn.jsonencode`,
core.props.policy_json).
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.checks import TOKEN_MARKERS, walk


class NoUnresolvedTokens(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure no value of any resource contains unresolved cdktf token text (${TfToken[...]})",
            id="CKV_APP_005",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=("*",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = []
        for path, value in walk(conf):
            if isinstance(value, str) and any(marker in value.lower() for marker in TOKEN_MARKERS):
                self.evaluated_keys.append(path)
                self.details.append(
                    f"{path} holds unresolved token text {value[:80]!r}: pass the token "
                    "unchanged, or transform it with a Terraform function (Fn.upper, ...)"
                )
        return CheckResult.FAILED if self.details else CheckResult.PASSED


check = NoUnresolvedTokens()

"""CKV_AWSR_002: no wildcard in a condition value under a string operator that compares literally.

AWS documentation: IAM User Guide, "IAM JSON policy elements: Condition operators"
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html), "String
condition operators": StringEquals, StringNotEquals, StringEqualsIgnoreCase and StringNotEqualsIgnoreCase match
exactly; only StringLike / StringNotLike take the wildcards `*` and `?`. (The ARN operators ArnEquals / ArnLike
both match wildcards per ARN component, so they are not flagged.)

What fails: any policy document of any resource type (every attribute holding a JSON policy: `policy`,
`assume_role_policy`, key, queue, topic and bucket policies, ...) with a statement whose Condition has a value
containing `*` or `?` (outside Terraform `${...}` interpolations) under one of those four operators (also with
the `ForAnyValue:` / `ForAllValues:` prefixes and the `IfExists` suffix).

Why it matters: the condition then never matches: an Allow grants nothing (ECS tasks could not decrypt their
database secret through `kms:ViaService = secretsmanager.*.amazonaws.com` and never started) and a Deny never
applies. The emulator evaluates no IAM policy, so only AWS shows it. Fix: use the Like operator.
"""

from __future__ import annotations

from typing import Any, Iterator

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.aws_rules import as_list, statements
from policies.checks import literal_text, walk

LITERAL_OPERATORS = {
    "StringEquals": "StringLike",
    "StringNotEquals": "StringNotLike",
    "StringEqualsIgnoreCase": "StringLike",
    "StringNotEqualsIgnoreCase": "StringNotLike",
}


def base_operator(operator: str) -> str:
    """`ForAnyValue:StringEqualsIfExists` -> `StringEquals`."""
    name = operator.split(":", 1)[1] if ":" in operator else operator
    return name[: -len("IfExists")] if name.endswith("IfExists") else name


def wildcard_conditions(document: Any) -> Iterator[str]:
    """`<operator> <key> = <value>` for every wildcard value under a literal operator in a policy document."""
    for statement in statements(document):
        conditions = statement.get("Condition", {})
        for operator, pairs in conditions.items() if isinstance(conditions, dict) else ():
            if base_operator(str(operator)) not in LITERAL_OPERATORS or not isinstance(pairs, dict):
                continue
            for key, values in pairs.items():
                for value in as_list(values):
                    if isinstance(value, str) and any(c in literal_text(value) for c in "*?"):
                        yield f"{operator} {key} = {value!r}"


class WildcardUnderLiteralOperator(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure policy conditions use StringLike for values with wildcards (StringEquals compares literally)",
            id="CKV_AWSR_002",
            categories=(CheckCategories.IAM,),
            supported_resources=("*",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = []
        for path, value in walk(conf):
            if not (isinstance(value, str) and '"Statement"' in value):
                continue
            for found in wildcard_conditions(value):
                self.evaluated_keys.append(path)
                operator = found.split(" ", 1)[0]
                like = operator.replace(base_operator(operator), LITERAL_OPERATORS[base_operator(operator)])
                self.details.append(
                    f"{path}: {found} never matches (wildcards are literal under {operator}); use {like}"
                )
        return CheckResult.FAILED if self.details else CheckResult.PASSED


check = WildcardUnderLiteralOperator()

"""CKV_APP_007: every taggable resource carries the required tags (core.tags.REQUIRED_TAG_KEYS).

What fails: a resource whose type takes `tags` (policies/checks/taggable_types.txt, generated from the provider
bindings) or that has a `tags` argument, when one of Environment, Workload, Owner, ManagedBy is missing or empty.

Why it matters: cost allocation, ownership during an incident, the cleanup of ephemeral copies and the
environment-aware checks (CKV_APP_010, CKV_APP_011) all read these tags; the project writes them on each resource
(not only as provider default_tags) so they are visible here. A resource missing them was built outside a
WorkloadStack or had its `tags` overwritten after the RequiredTags aspect ran. Fix: build it inside a
core.stack.WorkloadStack and pass extra tags only through the resource's `tags` argument.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from policies.checks import REQUIRED_TAG_KEYS, is_taggable, tags_of


class RequiredTagsPresent(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name=f"Ensure every taggable resource carries the tags {', '.join(REQUIRED_TAG_KEYS)}",
            id="CKV_APP_007",
            categories=(CheckCategories.CONVENTION,),
            supported_resources=("aws_*",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        if not is_taggable(self.entity_type, conf):
            return CheckResult.UNKNOWN
        self.evaluated_keys = ["tags"]
        tags = tags_of(conf) or {}
        missing = [key for key in REQUIRED_TAG_KEYS if not tags.get(key)]
        if missing:
            self.details.append(
                f"missing tag(s) {', '.join(missing)}: build the resource in a WorkloadStack "
                "and do not replace its tags"
            )
            return CheckResult.FAILED
        return CheckResult.PASSED


check = RequiredTagsPresent()

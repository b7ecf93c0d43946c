"""Required tags, applied to every taggable resource of a stack by one Aspect.

Tags are written on each resource (not only as provider default_tags) so the synthesized JSON shows them and the
policy scan can check them per resource. Merge order is fixed: the resource's own tags, then the required tags,
which always win.
"""

from __future__ import annotations

from typing import Any, Mapping

import jsii
from cdktf import IAspect

REQUIRED_TAG_KEYS = ("Environment", "Workload", "Owner", "ManagedBy")


def required_tags(*, environment: str, workload: str, owner: str, suffix: str | None) -> dict[str, str]:
    """The tags every resource carries; `Ephemeral` names the copy when a suffix is set."""
    tags = {"Environment": environment, "Workload": workload, "Owner": owner, "ManagedBy": "cdktf"}
    if suffix:
        tags["Ephemeral"] = suffix
    return tags


@jsii.implements(IAspect)
class RequiredTags:
    """Aspect that merges `tags` into every construct exposing a `tags` argument."""

    def __init__(self, tags: Mapping[str, str]) -> None:
        self.tags = dict(tags)

    def visit(self, node: Any) -> None:
        """Called by cdktf for every construct before synthesis."""
        if hasattr(node, "tags_input") and hasattr(node, "reset_tags"):
            node.tags = {**(node.tags_input or {}), **self.tags}

"""Required tags: their keys and values. core/stack.py's RequiredTags aspect writes them on every taggable resource.

Tags are written on each resource (not only as provider default_tags) so the synthesized JSON shows them and the
policy scan can check them per resource. Merge order is fixed: the resource's own tags, then the required tags,
which always win. No cdktf or jsii import here: the policy checks import REQUIRED_TAG_KEYS in every Checkov process,
and importing cdktf there started the jsii runtime (Node.js) in each of them.
"""

from __future__ import annotations

REQUIRED_TAG_KEYS = ("Environment", "Workload", "Owner", "ManagedBy")


def required_tags(*, environment: str, workload: str, owner: str, suffix: str | None) -> dict[str, str]:
    """The tags every resource carries; `Ephemeral` names the copy when a suffix is set."""
    tags = {"Environment": environment, "Workload": workload, "Owner": owner, "ManagedBy": "cdktf"}
    if suffix:
        tags["Ephemeral"] = suffix
    return tags

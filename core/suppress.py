"""Per-resource policy-scan suppressions, declared in construct code next to the resource they excuse.

Checkov cannot read skips in Terraform JSON, so each suppression is written into the resource's `//` metadata
block (ignored by Terraform) and applied by policies/scan.py, which also fails on stale or unjustified ones.
"""

from __future__ import annotations

from typing import Any

MIN_REASON_LENGTH = 10
METADATA_KEY = "suppressions"


def suppress(resource: Any, check_id: str, reason: str) -> None:
    """Excuse `resource` from `check_id`, with a `reason` of at least 10 characters saying why."""
    if len(reason.strip()) < MIN_REASON_LENGTH:
        raise ValueError(
            f"suppression of {check_id} on {resource.node.path} needs a reason of at least "
            f"{MIN_REASON_LENGTH} characters saying why the finding does not apply"
        )
    existing: list[dict[str, str]] = getattr(resource, "_suppressions", [])
    existing = [s for s in existing if s["id"] != check_id] + [{"id": check_id, "reason": reason.strip()}]
    setattr(resource, "_suppressions", existing)
    resource.add_override(f"//.{METADATA_KEY}", existing)

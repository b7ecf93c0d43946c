"""Per-resource policy-scan suppressions, declared in construct code next to the resource they excuse.

Checkov cannot read skips in Terraform JSON, so each suppression is written into the resource's `//` metadata
block (ignored by Terraform) and applied by policies/scan.py, which also fails on stale or unjustified ones.
"""

from __future__ import annotations

from typing import Any

from config.limits import ONE_YEAR_DAYS

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


def suppress_short_retention(log_group: Any, *, what: str, days: int, record_field: str) -> None:
    """When `days` is under a year: excuse `log_group` from CKV_AWS_338 with the one reason the project gives for
    it (`what`: "flow logs", ...; `record_field`: the environment record's field that set `days`)."""
    if days >= ONE_YEAR_DAYS:
        return
    suppress(
        log_group,
        "CKV_AWS_338",
        f"{what} of this environment are kept {days} days by its record ({record_field}); only an environment "
        "without deletion protection may keep logs under a year (config/rules.py checks it on load): its data "
        "is disposable (make destroy empties its buckets), so these logs are debugging aids, not an audit record",
    )

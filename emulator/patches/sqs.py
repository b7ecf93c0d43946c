"""moto compatibility fixes for SQS; registered in emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch


@patch("sqs-compact-redrive-policy")
def sqs_compact_redrive_policy() -> None:
    """moto returns a queue's RedrivePolicy as `json.dumps` output with spaces after ',' and ':'; AWS returns
    compact JSON, which is what the provider stores, so every plan shows a whitespace-only change of
    redrive_policy. It is now returned compact."""
    import json  # pylint: disable=import-outside-toplevel

    from moto.sqs.models import Queue  # pylint: disable=import-outside-toplevel

    original = Queue.attributes
    if getattr(original.fget, "compact_redrive_patched", False):
        return

    def attributes(self: Queue) -> dict[str, Any]:
        result: dict[str, Any] = original.fget(self)
        if self.redrive_policy:
            result["RedrivePolicy"] = json.dumps(self.redrive_policy, separators=(",", ":"))
        return result

    patched = property(attributes)
    setattr(patched.fget, "compact_redrive_patched", True)
    Queue.attributes = patched

"""moto compatibility fixes for IAM policy evaluation (bucket policies); registered in emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch


@patch("iam-deny-on-missing-condition-key")
def iam_deny_on_missing_condition_key() -> None:
    """moto supplies no request context (such as aws:SecureTransport) when it evaluates a bucket policy, and
    treats a condition on a key it did not supply as met. A TLS-only bucket policy (Deny s3:* when
    aws:SecureTransport is "false") then denies every object request, including Terraform's S3 backend reading
    its state (HeadObject 403). In AWS a condition on an absent key does not match (except *IfExists and Null):
    a Deny statement whose condition keys moto cannot supply now does not apply (Allow statements are unchanged)."""
    from moto.iam.access_control import (  # pylint: disable=import-outside-toplevel
        IAMPolicyStatement,
        PermissionResult,
    )

    original = IAMPolicyStatement.is_action_permitted
    if getattr(original, "missing_key_patched", False):
        return

    def unsupplied(statement: dict[str, Any], supplied: dict[str, str] | None) -> bool:
        return any(
            not operator.endswith("IfExists") and operator != "Null" and key not in (supplied or {})
            for operator, keys in statement.get("Condition", {}).items()
            for key in keys
        )

    def is_action_permitted(
        self: IAMPolicyStatement,
        action: str,
        resource: str = "*",
        principal: str | None = None,
        incoming_condition_values: dict[str, str] | None = None,
    ) -> PermissionResult:
        statement = self._statement  # pylint: disable=protected-access
        if statement.get("Effect") == "Deny" and unsupplied(statement, incoming_condition_values):
            return PermissionResult.NEUTRAL
        return original(self, action, resource, principal, incoming_condition_values)

    setattr(is_action_permitted, "missing_key_patched", True)
    IAMPolicyStatement.is_action_permitted = is_action_permitted

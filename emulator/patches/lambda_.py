"""moto compatibility fixes for Lambda; registered in emulator.patches.PATCHES."""

from __future__ import annotations

from typing import Any

from emulator.patches.registry import patch


@patch("lambda-dead-letter-config")
def lambda_dead_letter_config() -> None:
    """moto ignores a function's DeadLetterConfig: CreateFunction and UpdateFunctionConfiguration drop it and
    GetFunctionConfiguration never returns it, so the provider plans to add the dead-letter queue on every plan.
    The setting is now kept and returned."""
    from moto.awslambda.models import LambdaFunction  # pylint: disable=import-outside-toplevel

    create, update, describe = (
        LambdaFunction.__init__,
        LambdaFunction.update_configuration,
        LambdaFunction.get_configuration,
    )
    if getattr(describe, "dead_letter_patched", False):
        return

    def __init__(
        self: LambdaFunction, account_id: str, spec: dict[str, Any], region: str, version: str | int = 1
    ) -> None:
        create(self, account_id, spec, region, version)
        setattr(self, "dead_letter_config", spec.get("DeadLetterConfig") or {})

    def update_configuration(self: LambdaFunction, config_updates: dict[str, Any]) -> dict[str, Any]:
        if "DeadLetterConfig" in config_updates:
            setattr(self, "dead_letter_config", config_updates["DeadLetterConfig"] or {})
        return update(self, config_updates)

    def get_configuration(self: LambdaFunction, on_create: bool = False) -> dict[str, Any]:
        config = describe(self, on_create)
        if getattr(self, "dead_letter_config", {}).get("TargetArn"):
            config["DeadLetterConfig"] = {"TargetArn": getattr(self, "dead_letter_config")["TargetArn"]}
        return config

    setattr(get_configuration, "dead_letter_patched", True)
    LambdaFunction.__init__ = __init__
    LambdaFunction.update_configuration = update_configuration
    LambdaFunction.get_configuration = get_configuration

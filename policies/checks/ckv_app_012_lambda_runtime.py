"""CKV_APP_012: Lambda functions use a runtime AWS currently supports (config/catalog.toml `[lambda]`).

What fails: an `aws_lambda_function` packaged as a zip whose `runtime` is missing or not in the catalog's list.
Container-image functions (`package_type = "Image"`) have no runtime and pass.

Why it matters: AWS refuses to create (and later to update) functions on a deprecated runtime ("The runtime
parameter of python3.8 is no longer supported"), and a runtime hard-coded in construct code silently ages (seed
003, "Hardcoded Lambda Runtime Version"). Fix: take the runtime from the environment record, which is validated
against the same catalog; refresh the catalog when AWS deprecates a runtime.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

from config.catalog import load_catalog
from policies.checks import first, is_reference


class LambdaRuntimeInCatalog(BaseResourceCheck):
    """See the module docstring."""

    def __init__(self) -> None:
        super().__init__(
            name="Ensure Lambda functions use a supported runtime listed in config/catalog.toml",
            id="CKV_APP_012",
            categories=(CheckCategories.GENERAL_SECURITY,),
            supported_resources=("aws_lambda_function",),
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]) -> CheckResult:
        self.evaluated_keys = ["runtime", "package_type"]
        if first(conf, "package_type") == "Image":
            return CheckResult.PASSED
        runtime = first(conf, "runtime")
        if is_reference(runtime):
            return CheckResult.PASSED
        runtimes = load_catalog().lambda_runtimes
        if runtime not in runtimes:
            self.details.append(f"runtime {runtime!r} is not supported: choose one of {', '.join(runtimes)}")
            return CheckResult.FAILED
        return CheckResult.PASSED


check = LambdaRuntimeInCatalog()

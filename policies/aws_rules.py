"""The AWS-rules pack (CKV_AWSR_001...): constraints AWS itself enforces at apply or run time that the local
emulator does not (IAM and KMS policy evaluation, service limitations, region-bound metrics, account settings).

Each rule is one file in policies/checks/ (`ckv_awsr_<nnn>_*.py`) whose docstring cites the AWS documentation page
it comes from. Two kinds:
- resource rules: Checkov `BaseResourceCheck`s (module attribute `check`), loaded by Checkov with the rest of the
  folder (`--external-checks-dir`), like the CKV_APP pack;
- stack rules (module attribute `rule`, a `StackRule`): they need more than one resource (a log group and its key's
  policy, a stage and the API Gateway account setting of its provider's region), which a Checkov resource check
  never sees. policies/scan.py runs them once per synthesized stack and judges their findings exactly like
  Checkov's (declared suppressions apply; a suppression that matches nothing is stale). The project pack
  (CKV_APP_*) writes its rules over several resources the same way (CKV_APP_014, backup selections).
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

CHECKS_DIR = Path(__file__).resolve().parent / "checks"
RULE_PREFIX = "CKV_AWSR_"
REFERENCE = re.compile(r"^\$\{(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z0-9_.\[\]]+)\}$")


@dataclass(frozen=True)
class Finding:
    """One verdict of a stack rule on one resource (`<type>.<logical id>`)."""

    resource: str
    passed: bool
    detail: str = ""


@dataclass(frozen=True)
class StackRule:
    """A rule over one whole synthesized stack: `evaluate(Stack)` yields a Finding per resource it applies to."""

    id: str
    name: str
    evaluate: Callable[["Stack"], Iterator[Finding]]


class Stack:
    """Read access to one synthesized cdk.tf.json: resources, their providers' regions, references."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.regions: dict[str, str] = {}
        for provider in data.get("provider", {}).get("aws", []):
            alias = provider.get("alias")
            self.regions["aws" if alias is None else f"aws.{alias}"] = str(provider.get("region", ""))

    def resources(self, rtype: str) -> Iterator[tuple[str, dict[str, Any]]]:
        """(`<type>.<logical id>`, body) of every `rtype` resource."""
        for name, body in self.data.get("resource", {}).get(rtype, {}).items():
            yield f"{rtype}.{name}", body

    def get(self, address: str) -> dict[str, Any] | None:
        """The body of resource `<type>.<logical id>`, or None."""
        rtype, _, name = address.partition(".")
        found = self.data.get("resource", {}).get(rtype, {}).get(name)
        return found if isinstance(found, dict) else None

    def region(self, body: dict[str, Any]) -> str:
        """The region of the provider a resource is created through ('' when unknown)."""
        return self.regions.get(str(body.get("provider", "aws")), "")

    def referenced(self, value: Any, rtype: str) -> tuple[str, dict[str, Any]] | None:
        """The `rtype` resource a single-reference value (`${aws_kms_key.Key.arn}`) points at, or None."""
        match = REFERENCE.match(value) if isinstance(value, str) else None
        if not match or match.group(1) or match.group(2) != rtype:
            return None
        address = f"{rtype}.{match.group(3)}"
        body = self.get(address)
        return (address, body) if body is not None else None


def statements(document: Any) -> list[dict[str, Any]]:
    """The statements of a JSON policy document (a string or a dict); [] when it is not one."""
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return []
    if not isinstance(document, dict):
        return []
    found = document.get("Statement", [])
    found = found if isinstance(found, list) else [found]
    return [s for s in found if isinstance(s, dict)]


def as_list(value: Any) -> list[Any]:
    """`value` as a list (a single value becomes a one-item list)."""
    return value if isinstance(value, list) else [value]


def key_allows_service(key: dict[str, Any], service: str, actions: tuple[str, ...]) -> bool:
    """True when the key's policy has an Allow statement for `service` covering every one of `actions`."""
    for statement in statements(key.get("policy")):
        if statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal", {})
        services = as_list(principal.get("Service", [])) if isinstance(principal, dict) else []
        if service not in services:
            continue
        granted = [str(a) for a in as_list(statement.get("Action", []))]
        if all(any(_action_matches(g, a) for g in granted) for a in actions):
            return True
    return False


def service_key_problem(
    stack: Stack,
    reference: Any,
    rtype: str,
    *,
    service: str,
    actions: tuple[str, ...],
    managed_alias: str,
    managed_reason: str,
) -> str | None:
    """For the `rtype` resource of the stack that `reference` points to, when it is KMS-encrypted: "" when its key's
    policy lets `service` use it for `actions`, else what is wrong (`managed_reason` for the AWS managed
    `managed_alias`); None when there is nothing to judge (no such resource of the stack, or not encrypted)."""
    target = stack.referenced(reference, rtype)
    if target is None or not target[1].get("kms_master_key_id"):
        return None
    key_id = target[1]["kms_master_key_id"]
    if key_id == managed_alias:
        return f"{target[0]} uses {managed_reason}"
    key = stack.referenced(key_id, "aws_kms_key")
    if key is not None and not key_allows_service(key[1], service, actions):
        return f"the policy of {key[0]} (key of {target[0]}) does not let {service} {' and '.join(actions)}"
    return ""


def verdict(address: str, problems: list[str | None]) -> Iterator[Finding]:
    """One Finding for `address` from the judged `problems` ("" = fine); nothing when none was judged."""
    judged = [p for p in problems if p is not None]
    if judged:
        yield Finding(address, not any(judged), "; ".join(p for p in judged if p))


def _action_matches(granted: str, action: str) -> bool:
    pattern = "^" + re.escape(granted.lower()).replace(r"\*", ".*").replace(r"\?", ".") + "$"
    return re.match(pattern, action.lower()) is not None


def stack_rules() -> list[StackRule]:
    """Every stack rule of policies/checks, in ID order: the AWS-rules pack's and the project pack's (CKV_APP_*
    rules over more than one resource, such as CKV_APP_014's backup selections)."""
    rules = []
    for path in sorted(CHECKS_DIR.glob("ckv_*.py")):
        module = importlib.import_module(f"policies.checks.{path.stem}")
        if isinstance(getattr(module, "rule", None), StackRule):
            rules.append(module.rule)
    return rules


def stack_results(path: Path) -> list[dict[str, Any]]:
    """Every stack rule's verdicts on one synthesized stack, shaped like Checkov's JSON findings (check_id,
    check_name, resource, check_result.result, details) so the scan judges both alike."""
    stack = Stack(json.loads(path.read_text(encoding="utf-8")))
    results = []
    for rule in stack_rules():
        for finding in rule.evaluate(stack):
            results.append(
                {
                    "check_id": rule.id,
                    "check_name": rule.name,
                    "resource": finding.resource,
                    "file_abs_path": str(path.resolve()),
                    "stack_rule": True,
                    "check_result": {"result": "PASSED" if finding.passed else "FAILED"},
                    "details": [finding.detail] if finding.detail and not finding.passed else [],
                }
            )
    return results

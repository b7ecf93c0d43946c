"""Stack-level rule: every stack keeps its state in an encrypted, locked S3 backend (bootstrap excepted).

Not a Checkov resource check (Checkov's Terraform JSON runner has no backend entity): policies/scan.py calls
`backend_problems_in_file` once per synthesized stack and fails the stack on any problem.

What fails: a stack whose `terraform.backend` is not `s3`, or whose s3 backend lacks `bucket`, `key` or `region`,
does not set `encrypt = true`, or has no locking (`use_lockfile = true`, Terraform >= 1.10 native S3 locking, or a
`dynamodb_table`). Why it matters: a local or unencrypted state file holds every secret and ARN of the stack and is
lost with the machine or CI runner that wrote it; without locking two applies (two CI jobs, a developer and CI)
interleave and corrupt the state. Fix: build the stack on core.stack.WorkloadStack, which sets all of this.

Exempt: the bootstrap workload (stacks/bootstrap/stack.py), which creates the state bucket and so cannot keep its own
state in it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EXEMPT_WORKLOADS = ("bootstrap",)
RULE_ID = "APP_BACKEND"


def stack_name_of(stack: dict[str, Any], default: str = "") -> str:
    """The cdktf stack name recorded in the synthesized JSON's metadata (or `default`)."""
    return str(stack.get("//", {}).get("metadata", {}).get("stackName", default))


def is_exempt(stack_name: str) -> bool:
    """True for a stack of an exempt workload (`bootstrap-<env>`)."""
    return any(stack_name == w or stack_name.startswith(f"{w}-") for w in EXEMPT_WORKLOADS)


def backend_problems(stack: dict[str, Any], stack_name: str | None = None) -> list[str]:
    """Every problem with the state backend of one synthesized stack (empty when it is compliant or exempt)."""
    name = stack_name or stack_name_of(stack)
    if is_exempt(name):
        return []
    backends = stack.get("terraform", {}).get("backend", {})
    if not isinstance(backends, dict) or set(backends) != {"s3"}:
        kinds = ", ".join(sorted(backends)) if isinstance(backends, dict) and backends else "none"
        return [
            f"{RULE_ID}: stack {name} keeps its state in backend {kinds}, not s3: build it on "
            "core.stack.WorkloadStack (remote_state = True)"
        ]
    s3 = backends["s3"]
    problems = [
        f"{RULE_ID}: stack {name}: s3 backend has no {key}" for key in ("bucket", "key", "region") if not s3.get(key)
    ]
    if s3.get("encrypt") is not True:
        problems.append(f"{RULE_ID}: stack {name}: s3 backend does not set encrypt = true (state holds secrets)")
    if s3.get("use_lockfile") is not True and not s3.get("dynamodb_table"):
        problems.append(
            f"{RULE_ID}: stack {name}: s3 backend has no locking: set use_lockfile = true "
            '(stack.add_override("terraform.backend.s3.use_lockfile", True))'
        )
    return problems


def backend_problems_in_file(stack_file: Path) -> list[str]:
    """`backend_problems` of a synthesized cdk.tf.json (the stack name defaults to its folder's name)."""
    data = json.loads(Path(stack_file).read_text(encoding="utf-8"))
    return backend_problems(data, stack_name_of(data, Path(stack_file).parent.name))

"""CKV_APP_014: every Aurora cluster, RDS instance and DynamoDB table of a protected environment is named by an AWS
Backup selection of its stack, in its own region.

What fails (a stack rule: it needs the selections and the resources together): an `aws_rds_cluster`,
`aws_db_instance` or `aws_dynamodb_table` whose `Environment` tag is `prod` or any environment with
`deletion_protection = true` in config/environments.toml (CKV_APP_010's list), when no `aws_backup_selection` of
the stack created in the same region lists it in `resources`, either as a reference to its ARN
(`${aws_rds_cluster.<id>.arn}`) or as the literal ARN, or when the selection that lists it also excludes it
(`not_resources`). Resources without an `Environment` tag are not judged (CKV_APP_007 fails them).

Why it matters: issue 18 found every stateful resource of prod outside AWS Backup, the gap hidden by suppressions.
A selection of another region backs nothing up (AWS Backup plans are regional), and a table or database added to a
stack later would silently stay out of the plan. Fix: pass the resource to the stack's `Backups`
(modules/backup.py) in `resources`, or its ARN in `arns` (a replica in the plan's region).
"""

from __future__ import annotations

from typing import Any, Iterator

from policies.aws_rules import Finding, Stack, StackRule, as_list
from policies.checks.ckv_app_010_prod_deletion_protection import protected_environments

# resource type -> (the attribute holding its physical name, how its ARN is written)
STATEFUL = {
    "aws_rds_cluster": ("cluster_identifier", "arn:aws:rds:{region}:{account}:cluster:{name}"),
    "aws_db_instance": ("identifier", "arn:aws:rds:{region}:{account}:db:{name}"),
    "aws_dynamodb_table": ("name", "arn:aws:dynamodb:{region}:{account}:table/{name}"),
}


def _names_of(address: str, body: dict[str, Any], region: str, accounts: list[str]) -> set[str]:
    """Every way a selection can name this resource: its ARN reference and its literal ARN in each account."""
    rtype, _, logical = address.partition(".")
    attribute, arn = STATEFUL[rtype]
    found = {f"${{{rtype}.{logical}.arn}}"}
    name = body.get(attribute)
    if isinstance(name, str) and "${" not in name:
        found |= {arn.format(region=region, account=a, name=name) for a in accounts}
    return found


def evaluate(stack: Stack) -> Iterator[Finding]:
    """A verdict per stateful resource tagged with a protected environment."""
    accounts = [str(a) for p in stack.data.get("provider", {}).get("aws", []) for a in p.get("allowed_account_ids", [])]
    selections = [body for _, body in stack.resources("aws_backup_selection")]
    for rtype in STATEFUL:
        for address, body in stack.resources(rtype):
            tags = body.get("tags")
            environment = tags.get("Environment") if isinstance(tags, dict) else None
            if environment is None or environment not in protected_environments():
                continue
            region = stack.region(body)
            names = _names_of(address, body, region, accounts)
            covered = any(
                stack.region(s) == region
                and names & {str(r) for r in as_list(s.get("resources") or [])}
                and not names & {str(r) for r in as_list(s.get("not_resources") or [])}
                for s in selections
            )
            yield Finding(
                address,
                covered,
                f"environment {environment!r} protects its data, but no aws_backup_selection of this stack in "
                f"{region} names {address}: pass it to the stack's Backups (modules/backup.py) in resources",
            )


rule = StackRule(
    id="CKV_APP_014",
    name="Ensure every Aurora cluster, RDS instance and DynamoDB table of a protected environment is in an AWS "
    "Backup selection of its region",
    evaluate=evaluate,
)

"""The stateful subject resources the policy fixtures build (tests/policies/conftest.py for the pack,
test_backup_selection_check.py for CKV_APP_014): one definition of a compliant Aurora cluster, Postgres instance and
DynamoDB table, each named from its logical id by the stack's Namer; a fixture passes only what it varies.

A keyword passed as None drops that argument (e.g. `engine_version=None` for an unpinned instance). Import the
bindings first (`core.bindings.load()` or the `loaded_bindings` fixture): the provider classes are imported here
when a subject is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.stack import WorkloadStack


def subject(resource: Any, logical_id: str) -> Any:
    """`resource` with `logical_id` as its Terraform address' last part (`aws_rds_cluster.<logical_id>`)."""
    resource.override_logical_id(logical_id)
    return resource


def _name(stack: WorkloadStack, id_: str) -> str:
    return stack.names.name(id_.replace("_", "-"))


def _given(args: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in args.items() if v is not None}


def aurora_cluster(stack: WorkloadStack, id_: str, **overrides: Any) -> Any:
    """An Aurora PostgreSQL cluster on a supported version with a managed master password."""
    from cdktf_cdktf_provider_aws.rds_cluster import RdsCluster  # pylint: disable=import-outside-toplevel

    args: dict[str, Any] = {
        "cluster_identifier": _name(stack, id_),
        "engine": "aurora-postgresql",
        "engine_version": "16.9",
        "master_username": "dbadmin",
        "manage_master_user_password": True,
    } | overrides
    return subject(RdsCluster(stack, id_, **_given(args)), id_)


def postgres_instance(stack: WorkloadStack, id_: str, **overrides: Any) -> Any:
    """An RDS PostgreSQL instance (db.t4g.micro, 20 GiB) on a supported version with a managed master password."""
    from cdktf_cdktf_provider_aws.db_instance import DbInstance  # pylint: disable=import-outside-toplevel

    args: dict[str, Any] = {
        "identifier": _name(stack, id_),
        "engine": "postgres",
        "engine_version": "16.9",
        "instance_class": "db.t4g.micro",
        "allocated_storage": 20,
        "username": "dbadmin",
        "manage_master_user_password": True,
    } | overrides
    return subject(DbInstance(stack, id_, **_given(args)), id_)


def dynamodb_table(stack: WorkloadStack, id_: str, **overrides: Any) -> Any:
    """An on-demand DynamoDB table keyed by a string `pk`."""
    # pylint: disable-next=import-outside-toplevel
    from cdktf_cdktf_provider_aws.dynamodb_table import DynamodbTable, DynamodbTableAttribute

    args: dict[str, Any] = {
        "name": _name(stack, id_),
        "hash_key": "pk",
        "billing_mode": "PAY_PER_REQUEST",
        "attribute": [DynamodbTableAttribute(name="pk", type="S")],
    } | overrides
    return subject(DynamodbTable(stack, id_, **_given(args)), id_)

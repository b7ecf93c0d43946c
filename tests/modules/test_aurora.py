"""modules/aurora.py on its own: every props problem is reported at once (the engine checks are modules/rds_shared.py's,
shared with modules/postgres_instance.py)."""

from __future__ import annotations

import pytest

from config import load_catalog
from tests.conftest import props_error

VERSIONS = "14.13, 14.15, 14.17, 15.7, 15.8, 15.10, 15.12, 15.13, 16.4, 16.6, 16.8, 16.9"
RESERVED = "admin, postgres, rdsadmin, rds_superuser, rdsrepladmin, rds_replication, root, user, public"


@pytest.mark.usefixtures("loaded_bindings")
def test_aurora_rejects_catalog_violations_sizes_and_a_secondary_without_its_global_cluster() -> None:
    from modules.aurora import AuroraPostgres, AuroraProps  # pylint: disable=import-outside-toplevel

    props = AuroraProps(
        name="db",
        catalog=load_catalog(),
        engine_version="15.3",
        master_username="admin",
        database_name="d",
        vpc_id="v",
        subnet_ids=["a"],
        kms_key_arn="k",
        instance_class="db.t4g.medium",
        instance_count=0,
        backup_retention_days=36,
        deletion_protection=False,
        skip_final_snapshot=True,
        secondary=True,
    )
    assert props_error(AuroraPostgres, "Database", props) == (
        "AuroraPostgres Database: 6 invalid prop(s):\n"
        f"  - engine_version: engine version '15.3' does not exist for aurora-postgresql; choose one of: {VERSIONS}\n"
        "  - master_username: master username 'admin' is reserved by aurora-postgresql; choose another (e.g. "
        f"'dbadmin'); reserved: {RESERVED}\n"
        "  - backup_retention_days: 36 days: RDS keeps automated backups for 1 to 35 days\n"
        "  - a DB subnet group needs subnets in at least two zones\n"
        "  - instance_count: 0: an Aurora cluster takes 1 to 16\n"
        "  - secondary=True needs global_cluster_identifier (the global database to join)"
    )


@pytest.mark.usefixtures("loaded_bindings")
def test_aurora_secret_replicas_only_on_a_global_primary_and_valid_windows() -> None:
    from modules.aurora import AuroraPostgres, AuroraProps, SecretReplica  # pylint: disable=import-outside-toplevel

    props = AuroraProps(
        name="db",
        catalog=load_catalog(),
        engine_version="16.9",
        master_username="dbadmin",
        database_name="d",
        vpc_id="v",
        subnet_ids=["a", "b"],
        kms_key_arn="k",
        instance_class="db.t4g.medium",
        instance_count=1,
        backup_retention_days=7,
        deletion_protection=False,
        skip_final_snapshot=True,
        secret_replicas=(SecretReplica(region="us-west-2", kms_key_arn="k2"),),
        secret_recovery_window_days=3,
        password_version=0,
    )
    assert props_error(AuroraPostgres, "Database", props) == (
        "AuroraPostgres Database: 3 invalid prop(s):\n"
        "  - secret_replicas apply only to the primary cluster of a global database (RDS manages the others' "
        "secret)\n"
        "  - secret_recovery_window_days must be 0 or 7 to 30\n"
        "  - password_version must be >= 1"
    )

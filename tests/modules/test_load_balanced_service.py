"""modules/load_balanced_service.py on its own: a stack of nothing but the pattern, built from the dev record's
flask-api sections (any workload's would do), checked with cdktf's Testing matchers: names from the namer, values
from the record, the parts at the caller's scope (their addresses as if the stack built them), ALB -> service ->
database, the caller's environment and task policy, the WAF only with a rate limit."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import TerraformStack, Testing

from config import load_catalog, load_environments
from core.naming import Namer
from modules.load_balanced_service import LoadBalancedService, LoadBalancedServiceProps, ServiceExtras

RECORD = load_environments()["dev"]
SETTINGS = RECORD.flask_api
NAMES = Namer("demo", RECORD.name, RECORD.account_id, None)
EXTRA_STATEMENT = {"Sid": "ReadThings", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}


def build(*, waf_rate_limit: int | None = 2000, deletion_protection: bool = False) -> tuple[str, Any]:
    """The synthesized JSON of a stack holding only the pattern (with its service), and the pattern."""
    stack = TerraformStack(Testing.app(), f"lbs-{waf_rate_limit}-{deletion_protection}")
    base = LoadBalancedService(
        stack,
        props=LoadBalancedServiceProps(
            names=NAMES,
            region=RECORD.region,
            account_id=RECORD.account_id,
            catalog=load_catalog(),
            network=SETTINGS.network,
            database=SETTINGS.database,
            database_name="demo",
            service=SETTINGS.service,
            edge=SETTINGS,
            service_component="web",
            registry_component="images",
            data_key_purpose="everything stored",
            log_retention_days=RECORD.log_retention_days,
            log_version_expiration_days=RECORD.state.noncurrent_version_expiration_days,
            deletion_protection=deletion_protection,
            allow_plain_http=RECORD.allow_plain_http,
            http_redirect=RECORD.http_redirect,
            waf_rate_limit=waf_rate_limit,
        ),
    )
    base.add_service(ServiceExtras(environment={"EXTRA": "value"}, task_policy_statements=(EXTRA_STATEMENT,)))
    return Testing.synth(stack), base


@pytest.fixture(name="built", scope="module")
def fixture_built() -> tuple[str, Any]:
    return build()


def logical_ids(synthed: str, rtype: str) -> list[str]:
    return sorted(json.loads(synthed)["resource"].get(rtype, {}))


def test_three_keys_named_by_the_namer(built: tuple[str, Any]) -> None:
    synthed, _ = built
    for component, purpose in (
        ("logs", "CloudWatch Logs"),
        ("data", "everything stored"),
        ("alarms", "the alarm topic"),
    ):
        assert Testing.to_have_resource_with_properties(
            synthed, "aws_kms_alias", {"name": f"alias/{NAMES.name(component)}"}
        )
        assert Testing.to_have_resource_with_properties(
            synthed, "aws_kms_key", {"description": f"{purpose} of {NAMES.stack_name}", "enable_key_rotation": True}
        )
    assert logical_ids(synthed, "aws_kms_key") == ["AlarmKey_BE6C47CF", "DataKey_0F118E08", "LogsKey_EF69D5C9"]


def test_parts_sit_at_the_callers_scope(built: tuple[str, Any]) -> None:
    """The addresses a stack had before the pattern: `<Part>_<child>_<hash>`, no extra path level."""
    synthed, _ = built
    assert logical_ids(synthed, "aws_lb") == ["LoadBalancer_Alb_72D76F81"]
    assert logical_ids(synthed, "aws_rds_cluster") == ["Database_Cluster_C6094C50"]
    assert logical_ids(synthed, "aws_ecs_service") == ["Service_D69D759B"]
    assert logical_ids(synthed, "aws_ecr_repository") == ["Registry_Repository_5A933889"]
    assert logical_ids(synthed, "aws_wafv2_web_acl_association") == ["Waf_LoadBalancerWaf_1437F1F0"]


def test_registry_load_balancer_and_database_from_the_record(built: tuple[str, Any]) -> None:
    synthed, _ = built
    assert Testing.to_have_resource_with_properties(
        synthed,
        "aws_ecr_repository",
        {"name": NAMES.name("images"), "force_delete": False, "image_tag_mutability": "IMMUTABLE"},
    )
    assert Testing.to_have_resource_with_properties(
        synthed,
        "aws_lb",
        {"name": NAMES.name("alb", max_length=32), "internal": False, "enable_deletion_protection": False},
    )
    database = SETTINGS.database
    assert Testing.to_have_resource_with_properties(
        synthed,
        "aws_rds_cluster",
        {
            "cluster_identifier": NAMES.name("db", max_length=50),
            "database_name": "demo",
            "engine_version": database.engine_version,
            "master_username": database.master_username,
            "backup_retention_period": database.backup_retention_days,
            "deletion_protection": False,
            "skip_final_snapshot": True,
            "kms_key_id": "${aws_kms_key.DataKey_0F118E08.arn}",
        },
    )
    assert len(logical_ids(synthed, "aws_rds_cluster_instance")) == database.instance_count


def test_security_groups_chain_load_balancer_service_database(built: tuple[str, Any]) -> None:
    synthed, base = built
    assert Testing.to_have_resource_with_properties(
        synthed,
        "aws_vpc_security_group_ingress_rule",
        {
            "from_port": base.database.port,
            "to_port": base.database.port,
            "referenced_security_group_id": "${aws_security_group.Service_SecurityGroup_263BC618.id}",
            "security_group_id": "${aws_security_group.Database_SecurityGroup_71981D66.id}",
        },
    )
    assert Testing.to_have_resource_with_properties(
        synthed,
        "aws_vpc_security_group_ingress_rule",
        {
            "from_port": SETTINGS.service.container_port,
            "referenced_security_group_id": "${aws_security_group.LoadBalancer_SecurityGroup_7560AED0.id}",
            "security_group_id": "${aws_security_group.Service_SecurityGroup_263BC618.id}",
        },
    )


def test_service_gets_the_database_and_the_callers_environment_and_policy(built: tuple[str, Any]) -> None:
    synthed, _ = built
    service = SETTINGS.service
    assert Testing.to_have_resource_with_properties(
        synthed,
        "aws_ecs_service",
        {"name": NAMES.name("web", max_length=32), "desired_count": service.desired_count, "launch_type": "FARGATE"},
    )
    assert Testing.to_have_resource_with_properties(
        synthed,
        "aws_ecs_task_definition",
        {
            "family": NAMES.name("web", max_length=32),
            "cpu": str(service.task_cpu),
            "memory": str(service.task_memory),
            "network_mode": "awsvpc",
            "requires_compatibilities": ["FARGATE"],
        },
    )
    assert not Testing.to_have_resource_with_properties(
        synthed, "aws_ecs_task_definition", {"cpu": str(service.task_cpu * 2)}
    )
    (task,) = json.loads(synthed)["resource"]["aws_ecs_task_definition"].values()
    (container,) = json.loads(task["container_definitions"])
    assert sorted((e["name"], e["value"]) for e in container["environment"]) == [
        ("DB_HOST", "${aws_rds_cluster.Database_Cluster_C6094C50.endpoint}"),
        ("DB_NAME", "demo"),
        ("DB_PORT", "5432"),
        ("EXTRA", "value"),
    ]
    assert sorted(s["name"] for s in container["secrets"]) == ["DB_PASSWORD", "DB_USERNAME"]
    assert (
        container["image"] == f"${{aws_ecr_repository.Registry_Repository_5A933889.repository_url}}:{service.image_tag}"
    )
    task_policies = [json.loads(p["policy"]) for p in json.loads(synthed)["resource"]["aws_iam_role_policy"].values()]
    assert [s for p in task_policies for s in p["Statement"] if s.get("Sid") == "ReadThings"] == [EXTRA_STATEMENT]


def test_waf_only_with_a_rate_limit() -> None:
    synthed, base = build(waf_rate_limit=None, deletion_protection=True)
    assert base.waf is None
    assert not Testing.to_have_resource(synthed, "aws_wafv2_web_acl")
    assert Testing.to_have_resource_with_properties(
        synthed, "aws_rds_cluster", {"deletion_protection": True, "skip_final_snapshot": False}
    )
    assert Testing.to_have_resource_with_properties(synthed, "aws_lb", {"enable_deletion_protection": True})


def test_matchers_fail_on_a_wrong_value(built: tuple[str, Any]) -> None:
    """The matchers above are real checks: one wrong value each and they answer False."""
    synthed, _ = built
    assert not Testing.to_have_resource_with_properties(synthed, "aws_kms_alias", {"name": "alias/demo-other-dev"})
    assert not Testing.to_have_resource_with_properties(synthed, "aws_rds_cluster", {"database_name": "other"})
    assert not Testing.to_have_resource_with_properties(synthed, "aws_ecs_service", {"desired_count": 99})


def test_the_service_is_added_once(built: tuple[str, Any]) -> None:
    _, base = built
    with pytest.raises(ValueError, match="add_service was already called"):
        base.add_service()

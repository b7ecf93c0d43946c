"""flask-api stack: exact synthesized values in every environment and the ephemeral copy."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cdktf import Testing

from config import load_environments
from config.settings import NatGateways
from tests.conftest import EPHEMERAL_SUFFIX, Synth
from tests.matching import exactly, policy_document, ref
from tests.stacks import aurora_cluster

ENVS = ("dev", "staging", "prod")
RECORDS = load_environments()
STACKS = [f"flask-api-{e}" for e in ENVS] + [f"flask-api-dev-{EPHEMERAL_SUFFIX}"]
ZONES = {
    "dev": ["us-east-1a", "us-east-1b"],
    "staging": ["us-east-1a", "us-east-1b"],
    "prod": ["us-east-1a", "us-east-1b", "us-east-1c"],
}


def containers(synth: Synth, stack: str) -> list[dict[str, Any]]:
    parsed: list[dict[str, Any]] = json.loads(synth.only(stack, "aws_ecs_task_definition")["container_definitions"])
    return parsed


@pytest.mark.parametrize("env", ENVS)
def test_provider_is_pinned_to_the_records_region_and_account(synth: Synth, env: str) -> None:
    record = RECORDS[env]
    provider = {"region": record.region, "allowed_account_ids": [record.account_id]}
    assert Testing.to_have_provider_with_properties(synth.file(f"flask-api-{env}"), "aws", provider)
    other = RECORDS["prod" if env == "dev" else "dev"].account_id
    wrong = {**provider, "allowed_account_ids": [other]}
    assert not Testing.to_have_provider_with_properties(synth.file(f"flask-api-{env}"), "aws", wrong)
    assert len(synth.json(f"flask-api-{env}")["provider"]["aws"]) == 1  # one provider: no alias


@pytest.mark.parametrize("env", ENVS)
def test_subnets_spread_one_public_and_one_private_per_zone(synth: Synth, env: str) -> None:
    stack = f"flask-api-{env}"
    assert list(RECORDS[env].flask_api.network.availability_zones) == ZONES[env]
    for tier in ("public", "private"):
        for zone in ZONES[env]:
            subnet = {"availability_zone": zone, "tags": {"Tier": tier}}
            assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_subnet", subnet)
        assert not Testing.to_have_resource_with_properties(
            synth.file(stack), "aws_subnet", {"availability_zone": "us-east-1d", "tags": {"Tier": tier}}
        )
    # exactly one subnet per zone and tier
    subnets = synth.resources(stack, "aws_subnet").values()
    for tier in ("public", "private"):
        zones = [s["availability_zone"] for s in subnets if s["tags"]["Tier"] == tier]
        assert sorted(zones) == ZONES[env]


@pytest.mark.parametrize(("env", "nats"), [("dev", 1), ("staging", 1), ("prod", 3)])
def test_nat_gateways_per_environment(synth: Synth, env: str, nats: int) -> None:
    stack = f"flask-api-{env}"
    assert nats == (len(ZONES[env]) if RECORDS[env].flask_api.network.nat_gateways is NatGateways.PER_AZ else 1)
    assert len(synth.resources(stack, "aws_nat_gateway")) == nats
    assert [e["domain"] for e in synth.resources(stack, "aws_eip").values()] == ["vpc"] * nats
    private_routes = [r for k, r in synth.resources(stack, "aws_route").items() if k.startswith("Network_Private")]
    assert len(private_routes) == len(ZONES[env])
    assert len({r["nat_gateway_id"] for r in private_routes}) == nats
    for index in range(nats):
        nat = ref(synth, stack, "aws_nat_gateway", "id", f"Nat{index}_")
        assert Testing.to_have_resource_with_properties(
            synth.file(stack),
            "aws_nat_gateway",
            {
                "subnet_id": ref(synth, stack, "aws_subnet", "id", f"Public{index}_"),
                "allocation_id": ref(synth, stack, "aws_eip", "allocation_id", f"NatIp{index}_"),
            },
        )
        assert Testing.to_have_resource_with_properties(
            synth.file(stack), "aws_route", {"destination_cidr_block": "0.0.0.0/0", "nat_gateway_id": nat}
        )


@pytest.mark.parametrize("stack", STACKS)
def test_repository_scans_on_push_with_immutable_tags_and_kms(synth: Synth, stack: str) -> None:
    repository = synth.only(stack, "aws_ecr_repository")  # exactly one
    blocks = {
        "image_scanning_configuration": {"scan_on_push": True},
        "encryption_configuration": [
            {"encryption_type": "KMS", "kms_key": ref(synth, stack, "aws_kms_key", "arn", "DataKey")}
        ],
    }
    expected = {**blocks, "image_tag_mutability": "IMMUTABLE", "force_delete": stack.endswith(EPHEMERAL_SUFFIX)}
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_ecr_repository", expected)
    mutable = {**expected, "image_tag_mutability": "MUTABLE"}
    assert not Testing.to_have_resource_with_properties(synth.file(stack), "aws_ecr_repository", mutable)
    assert exactly(repository, blocks)  # nested blocks exact on the JSON


@pytest.mark.parametrize(("env", "days"), [("dev", 365), ("staging", 365), ("prod", 365)])
def test_log_groups_keep_logs_per_environment_encrypted(synth: Synth, env: str, days: int) -> None:
    stack = f"flask-api-{env}"
    names = [f"/ecs/flask-api-api-{env}", f"/vpc/flow-logs/flask-api-vpc-{env}"]
    logs_key = ref(synth, stack, "aws_kms_key", "arn", "LogsKey")
    for name in names:
        group = {"name": name, "retention_in_days": days, "kms_key_id": logs_key}
        assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_cloudwatch_log_group", group)
        shorter = {**group, "retention_in_days": days - 1}
        assert not Testing.to_have_resource_with_properties(synth.file(stack), "aws_cloudwatch_log_group", shorter)
    groups = {
        k: g for k, g in synth.resources(stack, "aws_cloudwatch_log_group").items() if not k.startswith("Waf_")
    }  # the WAF's own logs (staging, prod): tests/modules/test_waf.py
    assert sorted(g["name"] for g in groups.values()) == names  # exactly these groups
    assert max(RECORDS[env].log_retention_days, 365) == days


@pytest.mark.parametrize("stack", STACKS)
def test_container_definition_references_real_log_group_and_secret(synth: Synth, stack: str) -> None:
    text = synth.only(stack, "aws_ecs_task_definition")["container_definitions"]
    assert "TfToken" not in text and "${Token" not in text
    (container,) = containers(synth, stack)
    options = container["logConfiguration"]["options"]
    assert options == {
        "awslogs-group": ref(synth, stack, "aws_cloudwatch_log_group", "name", "Service_LogGroup"),
        "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": "app",
    }
    secret = ref(synth, stack, "aws_rds_cluster", "master_user_secret[0].secret_arn")
    assert container["secrets"] == [
        {"name": "DB_PASSWORD", "valueFrom": f"{secret}:password::"},
        {"name": "DB_USERNAME", "valueFrom": f"{secret}:username::"},
    ]
    assert "DB_PASSWORD" not in {e["name"] for e in container["environment"]}
    assert container["image"] == ref(synth, stack, "aws_ecr_repository", "repository_url") + ":1.0.0"
    assert container["readonlyRootFilesystem"] is True


def test_execution_role_reads_only_the_database_secret(synth: Synth) -> None:
    stack = "flask-api-dev"
    secret = ref(synth, stack, "aws_rds_cluster", "master_user_secret[0].secret_arn")
    statements: list[dict[str, Any]] = [
        {"Sid": "EcrLogin", "Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
        {
            "Sid": "PullImage",
            "Effect": "Allow",
            "Action": ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            "Resource": ref(synth, stack, "aws_ecr_repository", "arn"),
        },
        {
            "Sid": "WriteLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": ref(synth, stack, "aws_cloudwatch_log_group", "arn", "Service") + ":*",
        },
        {"Sid": "ReadSecrets", "Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": [secret]},
        {
            "Sid": "DecryptSecrets",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": [ref(synth, stack, "aws_kms_key", "arn", "DataKey")],
            # A wildcard matches only under StringLike: StringEquals compared the text literally and never matched.
            "Condition": {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}},
        },
    ]
    execution = ref(synth, stack, "aws_iam_role", "id", "ExecutionRole")
    assert Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_iam_role_policy", {"role": execution, "policy": policy_document(*statements)}
    )
    equals = {**statements[4], "Condition": {"StringEquals": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}}
    assert not Testing.to_have_resource_with_properties(
        synth.file(stack), "aws_iam_role_policy", {"policy": policy_document(*statements[:4], equals)}
    )
    assert len([k for k in synth.resources(stack, "aws_iam_role_policy") if "ExecutionPolicy" in k]) == 1
    assert not [k for k in synth.resources(stack, "aws_iam_role_policy_attachment") if "Service" in k]


@pytest.mark.parametrize("stack", STACKS)
def test_security_groups_chain_alb_to_service_to_database(synth: Synth, stack: str) -> None:
    group = {
        part: ref(synth, stack, "aws_security_group", "id", part) for part in ("LoadBalancer", "Service", "Database")
    }
    port = RECORDS["dev"].flask_api.service.container_port
    # dev serves plain HTTP on 80 (allow_plain_http); staging and prod HTTPS on 443 alone (http_redirect off)
    public = 80 if stack.startswith("flask-api-dev") else 443
    expected = {
        "aws_vpc_security_group_ingress_rule": [
            (group["LoadBalancer"], "0.0.0.0/0", public),
            (group["Service"], group["LoadBalancer"], port),
            (group["Database"], group["Service"], 5432),
        ],
        "aws_vpc_security_group_egress_rule": [
            (group["LoadBalancer"], group["Service"], port),
            (group["Service"], group["Database"], 5432),
            (group["Service"], "0.0.0.0/0", 443),
        ],
    }
    for rtype, rules in expected.items():
        for owner, peer, from_port in rules:
            source = {"cidr_ipv4": peer} if peer == "0.0.0.0/0" else {"referenced_security_group_id": peer}
            rule = {"security_group_id": owner, **source, "from_port": from_port, "to_port": from_port}
            assert Testing.to_have_resource_with_properties(synth.file(stack), rtype, rule), rule
        found = sorted(  # exactly these rules
            (r["security_group_id"], r.get("referenced_security_group_id") or r.get("cidr_ipv4"), r["from_port"])
            for r in synth.resources(stack, rtype).values()
        )
        assert found == sorted(rules)
    assert port == 8000


@pytest.mark.parametrize("env", ENVS)
def test_database_per_environment(synth: Synth, env: str) -> None:
    stack, record = f"flask-api-{env}", RECORDS[env]
    database, protected = record.flask_api.database, record.deletion_protection
    cluster = synth.only(stack, "aws_rds_cluster")  # exactly one
    expected = {
        **aurora_cluster(synth, stack, database, protected),
        "iam_database_authentication_enabled": True,
        "db_subnet_group_name": ref(synth, stack, "aws_db_subnet_group", "name"),
    }
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_rds_cluster", expected)
    wrong = {**expected, "backup_retention_period": database.backup_retention_days + 1}
    assert not Testing.to_have_resource_with_properties(synth.file(stack), "aws_rds_cluster", wrong)
    assert "master_password" not in cluster
    assert cluster.get("final_snapshot_identifier") == (f"flask-api-db-{env}-final" if protected else None)
    instance = {
        "instance_class": database.instance_class,
        "performance_insights_enabled": True,
        "publicly_accessible": False,
        "monitoring_interval": 60,
        "cluster_identifier": ref(synth, stack, "aws_rds_cluster", "id"),
    }
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_rds_cluster_instance", instance)
    public = {**instance, "publicly_accessible": True}
    assert not Testing.to_have_resource_with_properties(synth.file(stack), "aws_rds_cluster_instance", public)
    instances = synth.resources(stack, "aws_rds_cluster_instance").values()
    assert [  # every instance alike, as many as the record says
        (i["instance_class"], i["performance_insights_enabled"], i["publicly_accessible"], i["monitoring_interval"])
        for i in instances
    ] == [(database.instance_class, True, False, 60)] * database.instance_count
    parameters = {
        "family": f"aurora-postgresql{database.engine_version.split('.')[0]}",
        "parameter": [
            {"name": "log_statement", "value": "ddl"},
            {"name": "log_min_duration_statement", "value": "1000"},
        ],
    }
    assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_rds_cluster_parameter_group", parameters)
    assert exactly(synth.only(stack, "aws_rds_cluster_parameter_group"), parameters)  # exactly these parameters


@pytest.mark.parametrize(
    ("env", "size", "counts"),
    [
        ("dev", ("256", "512"), (2, 2, 4)),
        ("staging", ("256", "512"), (2, 2, 4)),
        ("prod", ("1024", "2048"), (3, 3, 12)),
    ],
)
def test_service_size_and_scaling_per_environment(
    synth: Synth, env: str, size: tuple[str, str], counts: tuple[int, int, int]
) -> None:
    stack, service = f"flask-api-{env}", RECORDS[env].flask_api.service
    received = synth.file(stack)
    assert (str(service.task_cpu), str(service.task_memory)) == size
    assert (service.desired_count, service.min_count, service.max_count) == counts
    for rtype in ("aws_ecs_task_definition", "aws_ecs_service", "aws_appautoscaling_target", "aws_lb_target_group"):
        assert len(synth.resources(stack, rtype)) == 1, rtype  # exactly one of each
    task = {
        "cpu": str(service.task_cpu),
        "memory": str(service.task_memory),
        "network_mode": "awsvpc",
        "requires_compatibilities": ["FARGATE"],
    }
    assert Testing.to_have_resource_with_properties(received, "aws_ecs_task_definition", task)
    private = sorted(ref(synth, stack, "aws_subnet", "id", f"Private{i}_") for i in range(len(ZONES[env])))
    blocks = {"deployment_circuit_breaker": {"enable": True, "rollback": True}}
    ecs_service = {
        "desired_count": service.desired_count,
        "launch_type": "FARGATE",
        **blocks,
        "network_configuration": {"assign_public_ip": False},
    }
    assert Testing.to_have_resource_with_properties(received, "aws_ecs_service", ecs_service)
    public_ip = {"network_configuration": {"assign_public_ip": True}}
    assert not Testing.to_have_resource_with_properties(received, "aws_ecs_service", public_ip)
    found = synth.only(stack, "aws_ecs_service")
    assert exactly(found, blocks)  # nested: exact on the JSON
    assert sorted(found["network_configuration"]["subnets"]) == private  # in any order
    scaling = {"min_capacity": service.min_count, "max_capacity": service.max_count}
    assert Testing.to_have_resource_with_properties(received, "aws_appautoscaling_target", scaling)
    metric = {"predefined_metric_specification": {"predefined_metric_type": "ECSServiceAverageCPUUtilization"}}
    policy = {"target_tracking_scaling_policy_configuration": {**metric, "target_value": 60}}
    assert Testing.to_have_resource_with_properties(received, "aws_appautoscaling_policy", policy)
    configuration = synth.only(stack, "aws_appautoscaling_policy")["target_tracking_scaling_policy_configuration"]
    assert exactly(configuration, metric)  # nested: exact on the JSON
    setting = {"setting": [{"name": "containerInsights", "value": "enabled"}]}
    assert Testing.to_have_resource_with_properties(received, "aws_ecs_cluster", setting)
    assert exactly(synth.only(stack, "aws_ecs_cluster"), setting)
    group = {"target_type": "ip", "health_check": {"path": service.health_check_path}, "port": service.container_port}
    assert Testing.to_have_resource_with_properties(received, "aws_lb_target_group", group)
    assert (service.health_check_path, service.container_port) == ("/health", 8000)


@pytest.mark.parametrize("env", ENVS)
def test_load_balancer_per_environment(synth: Synth, env: str) -> None:
    stack = f"flask-api-{env}"
    alb = synth.only(stack, "aws_lb")  # exactly one
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_lb",
        {
            "internal": False,
            "drop_invalid_header_fields": True,
            "enable_deletion_protection": RECORDS[env].deletion_protection,
            "access_logs": {"bucket": ref(synth, stack, "aws_s3_bucket", "bucket"), "prefix": "alb", "enabled": True},
        },
    )
    assert sorted(alb["subnets"]) == sorted(
        ref(synth, stack, "aws_subnet", "id", f"Public{i}_") for i in range(len(ZONES[env]))
    )
    listeners = sorted(
        (body["port"], body["protocol"], body["default_action"][0]["type"])
        for body in synth.resources(stack, "aws_lb_listener").values()
    )
    # staging, prod: HTTPS only (ACM, tests/modules/test_load_balancer.py; http_redirect off); dev: allow_plain_http
    served = [(80, "HTTP", "fixed-response")] if RECORDS[env].allow_plain_http else [(443, "HTTPS", "fixed-response")]
    assert listeners == served  # exactly this one listener
    for port, protocol, action in served:
        listener = {
            "load_balancer_arn": ref(synth, stack, "aws_lb", "arn"),
            "port": port,
            "protocol": protocol,
            "default_action": [{"type": action}],
        }
        assert Testing.to_have_resource_with_properties(synth.file(stack), "aws_lb_listener", listener)
    assert RECORDS[env].allow_plain_http is (env == "dev")
    default = {"apply_server_side_encryption_by_default": {"sse_algorithm": "AES256"}}
    assert Testing.to_have_resource_with_properties(
        synth.file(stack),
        "aws_s3_bucket_server_side_encryption_configuration",
        {"bucket": ref(synth, stack, "aws_s3_bucket", "id", "LoadBalancer_AccessLogs"), "rule": [default]},
    )
    encryption = synth.only(stack, "aws_s3_bucket_server_side_encryption_configuration")
    assert exactly(encryption["rule"][0], default)  # exact: the matcher matches the block as a subset


def test_ephemeral_copy_has_its_own_names(synth: Synth) -> None:
    stack = f"flask-api-dev-{EPHEMERAL_SUFFIX}"
    received = synth.file(stack)
    assert Testing.to_have_resource_with_properties(
        received, "aws_rds_cluster", {"cluster_identifier": f"flask-api-db-dev-{EPHEMERAL_SUFFIX}"}
    )
    assert Testing.to_have_resource_with_properties(
        received, "aws_ecs_cluster", {"name": f"flask-api-api-dev-{EPHEMERAL_SUFFIX}"}
    )
    assert Testing.to_have_resource_with_properties(received, "aws_ecr_repository", {"force_delete": True})
    assert len(synth.resources(stack, "aws_vpc")) == 1
    assert Testing.to_have_resource_with_properties(received, "aws_vpc", {"tags": {"Ephemeral": EPHEMERAL_SUFFIX}})
    assert (
        synth.json(stack)["terraform"]["backend"]["s3"]["key"] == f"flask-api/dev-{EPHEMERAL_SUFFIX}/terraform.tfstate"
    )


def test_outputs_are_described(synth: Synth) -> None:
    outputs = synth.json("flask-api-dev")["output"]
    assert sorted(outputs) == sorted(
        [
            "alarm_topic_arn",
            "alb_arn",
            "alb_dns_name",
            "db_cluster_endpoint",
            "db_cluster_identifier",
            "db_cluster_reader_endpoint",
            "db_secret_arn",
            "ecr_repository_url",
            "ecs_cluster_name",
            "ecs_service_name",
            "ecs_task_definition_arn",
            "flow_log_group_name",
            "log_group_name",
            "private_subnet_ids",
            "public_subnet_ids",
            "vpc_id",
        ]
    )
    assert all(o["description"] for o in outputs.values())
    assert outputs["db_secret_arn"]["value"] == ref(
        synth, "flask-api-dev", "aws_rds_cluster", "master_user_secret[0].secret_arn"
    )

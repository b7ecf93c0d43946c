"""The AWS-rules pack (CKV_AWSR_*, policies/aws_rules.py): a compliant and a non-compliant fixture per rule with
the exact ID, scanned the way `make scan` scans (Checkov with the pack loaded, then the stack rules), and the pack
is loaded by the scan wrapper.

Fixtures are Terraform JSON written here in exactly the shape cdktf synthesizes (nested blocks as objects, policies
as JSON strings, `${type.name.attr}` references, aliased providers), two stacks: `awsr-good` holds only compliant
resources, `awsr-bad` one non-compliant resource per rule (and a copy of it with one suppression, for the wrapper's
test); all three are scanned in the session's one Checkov run (tests/policies/conftest.py `shared_scan`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from policies import scan
from policies.aws_rules import stack_results, stack_rules
from tests.policies.conftest import SharedScan, scanned_together

ACCOUNT = "111111111111"
BACKEND = {"s3": {"bucket": "tfstate", "key": "k", "region": "us-east-1", "encrypt": True, "use_lockfile": True}}
PROVIDERS = [{"region": "us-east-1"}, {"alias": "dr", "region": "us-west-2"}]
CHECKOV_RULES = ("CKV_AWSR_001", "CKV_AWSR_002")
STACK_RULES = (
    "CKV_AWSR_003",
    "CKV_AWSR_004",
    "CKV_AWSR_005",
    "CKV_AWSR_006",
    "CKV_AWSR_007",
    "CKV_AWSR_008",
    "CKV_AWSR_009",
    "CKV_AWSR_010",
)


def policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def key(
    *services: str,
    actions: tuple[str, ...] = (
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:DescribeKey",
    ),
) -> dict[str, Any]:
    statements = [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}
    ]
    if services:
        statements.append(
            {"Effect": "Allow", "Principal": {"Service": list(services)}, "Action": list(actions), "Resource": "*"}
        )
    return {"enable_key_rotation": True, "policy": policy(*statements)}


def role_policy(condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": "r",
        "name": "p",
        "policy": policy({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*", "Condition": condition}),
    }


def cluster(**extra: Any) -> dict[str, Any]:
    return {
        "cluster_identifier": "c",
        "engine": "aurora-postgresql",
        "engine_version": "16.9",
        "master_username": "dbadmin",
        "storage_encrypted": True,
    } | extra


def stage(**extra: Any) -> dict[str, Any]:
    return {
        "rest_api_id": "${aws_api_gateway_rest_api.Api.id}",
        "stage_name": "live",
        "deployment_id": "${aws_api_gateway_deployment.Dep.id}",
        "access_log_settings": {
            "destination_arn": "${aws_cloudwatch_log_group.Access.arn}",
            "format": '{"requestId":"$context.requestId"}',
        },
    } | extra


def account(provider: str | None = None) -> dict[str, Any]:
    body = {"cloudwatch_role_arn": "${aws_iam_role.ApiLogs.arn}"}
    return body | ({"provider": provider} if provider else {})


def alarm(namespace: str, topic: str, provider: str | None = None) -> dict[str, Any]:
    body = {
        "alarm_name": "a",
        "namespace": namespace,
        "metric_name": "HealthCheckStatus",
        "statistic": "Minimum",
        "period": 60,
        "evaluation_periods": 1,
        "threshold": 1,
        "comparison_operator": "LessThanThreshold",
        "alarm_actions": [f"${{aws_sns_topic.{topic}.arn}}"],
    }
    return body | ({"provider": provider} if provider else {})


def lb(bucket: str) -> dict[str, Any]:
    return {
        "name": "lb",
        "load_balancer_type": "application",
        "subnets": ["subnet-1", "subnet-2"],
        "access_logs": {"bucket": f"${{aws_s3_bucket.{bucket}.bucket}}", "enabled": True, "prefix": "alb"},
    }


def sse(bucket: str, algorithm: str) -> dict[str, Any]:
    default: dict[str, Any] = {"sse_algorithm": algorithm}
    if algorithm == "aws:kms":
        default["kms_master_key_id"] = "${aws_kms_key.LogsKey.arn}"
    return {"bucket": f"${{aws_s3_bucket.{bucket}.id}}", "rule": [{"apply_server_side_encryption_by_default": default}]}


def notification(queue: str) -> dict[str, Any]:
    return {
        "bucket": "${aws_s3_bucket.Data.id}",
        "queue": [{"queue_arn": f"${{aws_sqs_queue.{queue}.arn}}", "events": ["s3:ObjectCreated:*"]}],
    }


def domain_name(certificate: str, kind: str = "REGIONAL", provider: str | None = None, key: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "domain_name": "api.example.com",
        key or ("regional_certificate_arn" if kind == "REGIONAL" else "certificate_arn"): certificate,
        "endpoint_configuration": {"types": [kind]},
        "security_policy": "TLS_1_2",
    }
    return body | ({"provider": provider} if provider else {})


def certificate(provider: str | None = None) -> dict[str, Any]:
    body = {"domain_name": "api.example.com", "validation_method": "DNS"}
    return body | ({"provider": provider} if provider else {})


def validation(cert: str, provider: str | None = None) -> dict[str, Any]:
    body = {"certificate_arn": f"${{aws_acm_certificate.{cert}.arn}}", "validation_record_fqdns": ["x.example.com"]}
    return body | ({"provider": provider} if provider else {})


def errors_alarm(name: str, provider: str | None = None, **extra: Any) -> dict[str, Any]:
    """An alarm on a health function's Errors (modules/health_schedule.py's shape), without actions; an `extra`
    value of None leaves the argument out (as cdktf does)."""
    body = {
        "alarm_name": name,
        "namespace": "AWS/Lambda",
        "metric_name": "Errors",
        "dimensions": {"FunctionName": "health"},
        "statistic": "Sum",
        "period": 60,
        "evaluation_periods": 1,
        "threshold": 1,
        "comparison_operator": "GreaterThanOrEqualToThreshold",
        "treat_missing_data": "breaching",
    } | extra
    body = {k: v for k, v in body.items() if v is not None}
    return body | ({"provider": provider} if provider else {})


def alarm_check(name: str, region: str) -> dict[str, Any]:
    return {
        "type": "CLOUDWATCH_METRIC",
        "cloudwatch_alarm_name": name,
        "cloudwatch_alarm_region": region,
        "insufficient_data_health_status": "Unhealthy",
    }


def alarm_ref(alarm_id: str) -> str:
    return f"${{aws_cloudwatch_metric_alarm.{alarm_id}.alarm_name}}"


ACM_WEST = f"arn:aws:acm:us-west-2:{ACCOUNT}:certificate/0c1e2d3f-0000-4000-8000-000000000001"
ACM_EAST = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/0c1e2d3f-0000-4000-8000-000000000002"

GOOD: dict[str, dict[str, Any]] = {
    "aws_rds_cluster": {
        "global_primary": cluster(
            global_cluster_identifier="${aws_rds_global_cluster.G.id}",
            master_password_wo=("${ephemeral.aws_secretsmanager_random_password.p.random_password}"),
            master_password_wo_version=1,
        ),
        "regional_managed": cluster(manage_master_user_password=True),
    },
    "aws_iam_role_policy": {
        "like_wildcard": role_policy({"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}),
        "equals_exact": role_policy({"StringEquals": {"kms:ViaService": "secretsmanager.us-east-1.amazonaws.com"}}),
        "arn_equals_wildcard": role_policy({"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::bucket-*"}}),
        "equals_reference": role_policy({"StringEquals": {"aws:SourceArn": "${aws_s3_bucket.Data.arn}"}}),
    },
    "aws_iam_role": {
        "ApiLogs": {
            "name": "api-logs",
            "assume_role_policy": policy(
                {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "apigateway.amazonaws.com"}}
            ),
        }
    },
    "aws_api_gateway_account": {"Account": account(), "DrAccount": account("aws.dr")},
    "aws_api_gateway_stage": {
        "stage_ok": stage(depends_on=["aws_api_gateway_account.Account"]),
        "dr_stage_ok": stage(provider="aws.dr", depends_on=["aws_api_gateway_account.DrAccount"]),
        "stage_no_logging": {"rest_api_id": "r", "stage_name": "quiet", "deployment_id": "d"},
        "ephemeral_stage": {
            "rest_api_id": "r",
            "stage_name": "s",
            "deployment_id": "d",
            "access_log_settings": {"destination_arn": "x", "format": "$context.requestId"},
            "tags": {"Ephemeral": "pr7"},
        },
    },
    "aws_kms_key": {
        "LogsKey": key("logs.us-east-1.amazonaws.com"),
        "DrLogsKey": key("logs.us-west-2.amazonaws.com"),
        "AlarmKey": key("cloudwatch.amazonaws.com"),
        "QueueKey": key("s3.amazonaws.com"),
    },
    "aws_cloudwatch_log_group": {
        "lg_ok": {"name": "/lg", "retention_in_days": 30, "kms_key_id": "${aws_kms_key.LogsKey.arn}"},
        "dr_lg_ok": {
            "name": "/lg",
            "retention_in_days": 30,
            "kms_key_id": "${aws_kms_key.DrLogsKey.arn}",
            "provider": "aws.dr",
        },
    },
    "aws_sns_topic": {"Alarms": {"name": "alarms", "kms_master_key_id": "${aws_kms_key.AlarmKey.arn}"}},
    "aws_cloudwatch_metric_alarm": {
        "r53_ok": alarm("AWS/Route53", "Alarms"),
        "DrErrors": errors_alarm("dr-health-errors", "aws.dr"),
        "PrimaryErrors": errors_alarm("primary-health-errors"),
    },
    "aws_route53_health_check": {
        "alarm_check_ok": alarm_check(alarm_ref("DrErrors"), "us-west-2"),
        "alarm_check_literal_ok": alarm_check("primary-health-errors", "us-east-1"),
        "alarm_check_elsewhere": alarm_check("an-alarm-of-another-stack", "eu-west-1"),
        "https_check": {"type": "HTTPS", "fqdn": "example.com", "port": 443, "resource_path": "/"},
    },
    "aws_s3_bucket": {"Logs": {"bucket": "logs"}, "Data": {"bucket": "data"}},
    "aws_s3_bucket_server_side_encryption_configuration": {"LogsSse": sse("Logs", "AES256")},
    "aws_lb": {"lb_ok": lb("Logs")},
    "aws_sqs_queue": {"Tasks": {"name": "tasks", "kms_master_key_id": "${aws_kms_key.QueueKey.arn}"}},
    "aws_s3_bucket_notification": {"notify_ok": notification("Tasks")},
    "aws_acm_certificate": {"DrCert": certificate("aws.dr")},
    "aws_acm_certificate_validation": {"DrIssued": validation("DrCert", "aws.dr")},
    "aws_api_gateway_domain_name": {
        "dr_domain_ok": domain_name("${aws_acm_certificate_validation.DrIssued.certificate_arn}", provider="aws.dr"),
        "domain_literal_ok": domain_name(ACM_EAST),
        "edge_domain_ok": domain_name(ACM_EAST, kind="EDGE", provider="aws.dr"),
        "domain_unknown_certificate": domain_name("${var.certificate_arn}"),
    },
}

BAD: dict[str, dict[str, Any]] = {
    "aws_rds_cluster": {
        "global_managed": cluster(
            global_cluster_identifier="${aws_rds_global_cluster.G.id}", manage_master_user_password=True
        )
    },
    "aws_iam_role_policy": {
        "equals_wildcard": role_policy({"StringEquals": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}}),
        "not_equals_if_exists": role_policy({"ForAnyValue:StringNotEqualsIfExists": {"aws:PrincipalTag/x": "a?"}}),
    },
    "aws_kms_key": {
        "LogsKey": key("logs.us-east-1.amazonaws.com"),
        "NoServiceKey": key(),
        "WrongRegionKey": key("logs.us-west-2.amazonaws.com"),
        "AlarmKey": key("cloudwatch.amazonaws.com", actions=("kms:Decrypt",)),
        "QueueKey": key(),
    },
    "aws_api_gateway_account": {"Account": account()},
    "aws_api_gateway_stage": {
        "dr_stage_no_account": stage(provider="aws.dr"),
        "stage_no_depends_on": stage(),
        "stage_method_logging": {"rest_api_id": "r", "stage_name": "m", "deployment_id": "d", "provider": "aws.dr"},
    },
    "aws_api_gateway_method_settings": {
        "MethodSettings": {
            "rest_api_id": "r",
            "stage_name": "${aws_api_gateway_stage.stage_method_logging.stage_name}",
            "method_path": "*/*",
            "settings": {"logging_level": "ERROR", "metrics_enabled": True},
        }
    },
    "aws_cloudwatch_log_group": {
        "lg_key_without_logs": {"name": "/a", "retention_in_days": 30, "kms_key_id": "${aws_kms_key.NoServiceKey.arn}"},
        "lg_key_of_other_region": {
            "name": "/b",
            "retention_in_days": 30,
            "kms_key_id": "${aws_kms_key.WrongRegionKey.arn}",
        },
    },
    "aws_sns_topic": {
        "Alarms": {"name": "alarms", "kms_master_key_id": "${aws_kms_key.AlarmKey.arn}"},
        "Managed": {"name": "managed", "kms_master_key_id": "alias/aws/sns"},
    },
    "aws_cloudwatch_metric_alarm": {
        "r53_in_dr": alarm("AWS/Route53", "Alarms", "aws.dr"),
        "alarm_managed_key": alarm("AWS/Lambda", "Managed"),
        "EastErrors": errors_alarm("east-errors"),
        "FastErrors": errors_alarm("fast-errors", period=10),
        "P99Errors": errors_alarm("p99-errors", statistic=None, extended_statistic="p99"),
        "MathErrors": errors_alarm(
            "math-errors",
            namespace=None,
            metric_name=None,
            dimensions=None,
            statistic=None,
            period=None,
            metric_query=[{"id": "e", "expression": "m1 + m2", "return_data": True}],
        ),
    },
    "aws_route53_health_check": {
        "alarm_check_other_region": alarm_check(alarm_ref("EastErrors"), "us-west-2"),
        "alarm_check_high_resolution": alarm_check(alarm_ref("FastErrors"), "us-east-1"),
        "alarm_check_extended_statistic": alarm_check("p99-errors", "us-east-1"),
        "alarm_check_metric_math": alarm_check(alarm_ref("MathErrors"), "us-east-1"),
    },
    "aws_s3_bucket": {"Logs": {"bucket": "logs"}, "Data": {"bucket": "data"}},
    "aws_s3_bucket_server_side_encryption_configuration": {"LogsSse": sse("Logs", "aws:kms")},
    "aws_lb": {"lb_kms_logs": lb("Logs")},
    "aws_sqs_queue": {"Tasks": {"name": "tasks", "kms_master_key_id": "${aws_kms_key.QueueKey.arn}"}},
    "aws_s3_bucket_notification": {"notify_no_key_access": notification("Tasks")},
    "aws_acm_certificate": {"EastCert": certificate()},
    "aws_api_gateway_domain_name": {
        "dr_domain_east_certificate": domain_name("${aws_acm_certificate.EastCert.arn}", provider="aws.dr"),
        "domain_edge_argument": domain_name(ACM_EAST, key="certificate_arn"),
        "edge_domain_west_certificate": domain_name(ACM_WEST, kind="EDGE"),
    },
}

# (resource address in awsr-bad) -> the CKV_AWSR rules it fails, exactly
FAILS: dict[str, set[str]] = {
    "aws_rds_cluster.global_managed": {"CKV_AWSR_001"},
    "aws_iam_role_policy.equals_wildcard": {"CKV_AWSR_002"},
    "aws_iam_role_policy.not_equals_if_exists": {"CKV_AWSR_002"},
    "aws_api_gateway_stage.dr_stage_no_account": {"CKV_AWSR_003"},
    "aws_api_gateway_stage.stage_no_depends_on": {"CKV_AWSR_003"},
    "aws_api_gateway_stage.stage_method_logging": {"CKV_AWSR_003"},
    "aws_cloudwatch_metric_alarm.r53_in_dr": {"CKV_AWSR_004", "CKV_AWSR_006"},
    "aws_cloudwatch_log_group.lg_key_without_logs": {"CKV_AWSR_005"},
    "aws_cloudwatch_log_group.lg_key_of_other_region": {"CKV_AWSR_005"},
    "aws_cloudwatch_metric_alarm.alarm_managed_key": {"CKV_AWSR_006"},
    "aws_lb.lb_kms_logs": {"CKV_AWSR_007"},
    "aws_s3_bucket_notification.notify_no_key_access": {"CKV_AWSR_008"},
    "aws_api_gateway_domain_name.dr_domain_east_certificate": {"CKV_AWSR_009"},
    "aws_api_gateway_domain_name.domain_edge_argument": {"CKV_AWSR_009"},
    "aws_api_gateway_domain_name.edge_domain_west_certificate": {"CKV_AWSR_009"},
    "aws_route53_health_check.alarm_check_other_region": {"CKV_AWSR_010"},
    "aws_route53_health_check.alarm_check_high_resolution": {"CKV_AWSR_010"},
    "aws_route53_health_check.alarm_check_extended_statistic": {"CKV_AWSR_010"},
    "aws_route53_health_check.alarm_check_metric_math": {"CKV_AWSR_010"},
}
# (resource address in awsr-good) -> the CKV_AWSR rules it must have been evaluated by and PASSED
PASSES: dict[str, set[str]] = {
    "aws_rds_cluster.global_primary": {"CKV_AWSR_001"},
    "aws_rds_cluster.regional_managed": {"CKV_AWSR_001"},
    "aws_iam_role_policy.like_wildcard": {"CKV_AWSR_002"},
    "aws_iam_role_policy.equals_exact": {"CKV_AWSR_002"},
    "aws_iam_role_policy.arn_equals_wildcard": {"CKV_AWSR_002"},
    "aws_iam_role_policy.equals_reference": {"CKV_AWSR_002"},
    "aws_api_gateway_stage.stage_ok": {"CKV_AWSR_003"},
    "aws_api_gateway_stage.dr_stage_ok": {"CKV_AWSR_003"},
    "aws_cloudwatch_metric_alarm.r53_ok": {"CKV_AWSR_004", "CKV_AWSR_006"},
    "aws_cloudwatch_log_group.lg_ok": {"CKV_AWSR_005"},
    "aws_cloudwatch_log_group.dr_lg_ok": {"CKV_AWSR_005"},
    "aws_lb.lb_ok": {"CKV_AWSR_007"},
    "aws_s3_bucket_notification.notify_ok": {"CKV_AWSR_008"},
    "aws_api_gateway_domain_name.dr_domain_ok": {"CKV_AWSR_009"},
    "aws_api_gateway_domain_name.domain_literal_ok": {"CKV_AWSR_009"},
    "aws_api_gateway_domain_name.edge_domain_ok": {"CKV_AWSR_009"},
    "aws_route53_health_check.alarm_check_ok": {"CKV_AWSR_010"},
    "aws_route53_health_check.alarm_check_literal_ok": {"CKV_AWSR_010"},
}


def write_stack(folder: Path, name: str, resources: dict[str, dict[str, Any]]) -> Path:
    path = folder / name / "cdk.tf.json"
    path.parent.mkdir(parents=True)
    body = {
        "//": {"metadata": {"stackName": name}},
        "provider": {"aws": PROVIDERS},
        "terraform": {"backend": BACKEND},
        "resource": resources,
    }
    path.write_text(json.dumps(body, indent=2), encoding="utf-8")
    return path


def suppressed_lb() -> dict[str, Any]:
    """awsr-bad's aws_lb with a declared suppression of its stack rule, CKV_AWSR_007."""
    return {
        "lb_kms_logs": lb("Logs")
        | {
            "//": {
                "suppressions": [{"id": "CKV_AWSR_007", "reason": "fixture: a suppression of a stack rule is honoured"}]
            }
        }
    }


@scanned_together
def awsr_stacks(folder: Path, request: pytest.FixtureRequest) -> dict[str, Path]:
    """awsr-good, awsr-bad, and awsr-bad with `suppressed_lb` (in a folder of its own: the same stack name)."""
    del request
    return {
        "good": write_stack(folder, "awsr-good", GOOD),
        "bad": write_stack(folder, "awsr-bad", BAD),
        "bad-suppressed": write_stack(folder / "suppressed", "awsr-bad", BAD | {"aws_lb": suppressed_lb()}),
    }


@pytest.fixture(scope="module")
def verdicts(shared_scan: SharedScan) -> dict[str, dict[tuple[str, str], str]]:
    """{stack: {(resource address, CKV_AWSR id): PASSED | FAILED}} from Checkov (pack loaded) + the stack rules."""
    files = {"awsr-good": shared_scan.file(awsr_stacks, "good"), "awsr-bad": shared_scan.file(awsr_stacks, "bad")}
    found: dict[str, dict[tuple[str, str], str]] = {name: {} for name in files}
    types = {name: scan.resource_types(path) for name, path in files.items()}
    for stack, check in shared_scan.checks(files):
        if check["check_id"].startswith("CKV_AWSR_"):
            address = scan.typed_address(str(check["resource"]), types[stack])
            found[stack][(address, check["check_id"])] = check["check_result"]["result"]
    for name, path in files.items():
        for check in stack_results(path):
            found[name][(check["resource"], check["check_id"])] = check["check_result"]["result"]
    return found


@pytest.mark.parametrize("address", sorted(FAILS))
def test_non_compliant_fixture_fails_exactly_its_rules(
    verdicts: dict[str, dict[tuple[str, str], str]], address: str
) -> None:
    failed = {cid for (res, cid), result in verdicts["awsr-bad"].items() if res == address and result == "FAILED"}
    assert failed == FAILS[address]


@pytest.mark.parametrize("address", sorted(PASSES))
def test_compliant_fixture_passes_its_rules(verdicts: dict[str, dict[tuple[str, str], str]], address: str) -> None:
    mine = {cid: result for (res, cid), result in verdicts["awsr-good"].items() if res == address}
    assert {cid: mine.get(cid) for cid in PASSES[address]} == {cid: "PASSED" for cid in PASSES[address]}
    assert not [cid for cid, result in mine.items() if result == "FAILED"]


def test_every_rule_has_a_failing_and_a_passing_fixture() -> None:
    assert set().union(*FAILS.values()) == set().union(*PASSES.values()) == set(CHECKOV_RULES + STACK_RULES)
    assert [r.id for r in stack_rules() if r.id.startswith("CKV_AWSR_")] == list(STACK_RULES)


def test_ephemeral_and_quiet_stages_are_not_judged(verdicts: dict[str, dict[tuple[str, str], str]]) -> None:
    judged = {res for res, cid in verdicts["awsr-good"] if cid == "CKV_AWSR_003"}
    assert judged == {"aws_api_gateway_stage.stage_ok", "aws_api_gateway_stage.dr_stage_ok"}


def test_details_say_how_to_fix(tmp_path: Path) -> None:
    path = write_stack(tmp_path, "awsr-bad", BAD)
    details = {(c["resource"], c["check_id"]): c["details"] for c in stack_results(path)}
    assert details[("aws_cloudwatch_metric_alarm.r53_in_dr", "CKV_AWSR_004")] == [
        "the alarm is in us-west-2: Route 53 publishes its metrics only in us-east-1; create it through a us-east-1 "
        "provider"
    ]
    assert details[("aws_lb.lb_kms_logs", "CKV_AWSR_007")] == [
        "aws_s3_bucket.Logs is encrypted with aws:kms: ELB access logs support only SSE-S3 (AES256)"
    ]
    assert details[("aws_api_gateway_domain_name.dr_domain_east_certificate", "CKV_AWSR_009")] == [
        "aws_acm_certificate.EastCert is in us-east-1, but API Gateway reads the certificate of a REGIONAL domain "
        "name from us-west-2: request it through the us-west-2 provider"
    ]
    assert details[("aws_route53_health_check.alarm_check_other_region", "CKV_AWSR_010")] == [
        "aws_cloudwatch_metric_alarm.EastErrors is in us-east-1, the health check reads it in us-west-2: Route 53 "
        "never sees the alarm's state; alarm on one standard-resolution metric with a plain statistic, through the "
        "provider of cloudwatch_alarm_region"
    ]


def test_only_health_checks_on_an_alarm_of_the_stack_are_judged(
    verdicts: dict[str, dict[tuple[str, str], str]],
) -> None:
    judged = {res for res, cid in verdicts["awsr-good"] if cid == "CKV_AWSR_010"}
    assert judged == {"aws_route53_health_check.alarm_check_ok", "aws_route53_health_check.alarm_check_literal_ok"}


def test_a_certificate_the_stack_cannot_place_is_not_judged(verdicts: dict[str, dict[tuple[str, str], str]]) -> None:
    judged = {res for res, cid in verdicts["awsr-good"] if cid == "CKV_AWSR_009"}
    assert "aws_api_gateway_domain_name.domain_unknown_certificate" not in judged
    assert len(judged) == 3


def test_the_scan_wrapper_loads_the_aws_rules_pack(shared_scan: SharedScan) -> None:
    """`make scan`'s evaluate(): the bad stack fails with every CKV_AWSR id (Checkov's and the stack rules), and a
    declared suppression applies to a stack rule like to any other check."""
    (result,) = shared_scan.evaluate(awsr_stacks, "bad-suppressed")
    failed = {f["check_id"] for f in result.failed if f["check_id"].startswith("CKV_AWSR_")}
    assert failed == set(CHECKOV_RULES + STACK_RULES) - {"CKV_AWSR_007"}
    assert ("CKV_AWSR_007", "aws_lb.lb_kms_logs") in {(s["check_id"], s["resource"]) for s in result.suppressed}
    assert not result.ok


@pytest.mark.parametrize("path", sorted(Path(scan.CHECKS_DIR).glob("ckv_awsr_*.py")), ids=lambda p: p.stem)
def test_each_rule_file_holds_one_rule_citing_its_aws_page(path: Path) -> None:
    import ast  # pylint: disable=import-outside-toplevel
    import importlib  # pylint: disable=import-outside-toplevel

    rule_id = "CKV_AWSR_" + path.stem.split("_")[2]
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    assert doc.startswith(f"{rule_id}: ")
    assert "AWS documentation:" in doc and "(https://docs.aws.amazon.com/" in doc
    assert "What fails" in doc and "Why it matters:" in doc
    module = importlib.import_module(f"policies.checks.{path.stem}")
    found = getattr(module, "check", None) or getattr(module, "rule")
    assert found.id == rule_id and found.name.startswith("Ensure ")

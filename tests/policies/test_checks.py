"""Every project check (CKV_APP_*) on real synthesized cdktf stacks, scanned by Checkov with the pack loaded.

For each subject resource: the exact set of CKV_APP checks it fails (empty for the compliant examples), and the
checks it is the compliant example of, which must have been evaluated and PASSED (not skipped).
"""

from __future__ import annotations

import pytest

from tests.policies.conftest import Fixtures

DEV, PROD, EPH, PLAIN = "polfix-dev", "polfix-prod", "polfix-dev-pr7", "plain-dev"

# (stack, resource address) -> (CKV_APP checks it must fail, exactly; CKV_APP checks it must pass)
SUBJECTS: dict[tuple[str, str], tuple[set[str], set[str]]] = {
    # CKV_APP_001 engine version in the catalog
    (DEV, "aws_rds_cluster.rds_ok"): (set(), {"CKV_APP_001", "CKV_APP_002", "CKV_APP_004", "CKV_APP_010"}),
    (DEV, "aws_rds_cluster.rds_bad_version"): ({"CKV_APP_001"}, set()),
    (DEV, "aws_db_instance.db_ok"): (set(), {"CKV_APP_001", "CKV_APP_002", "CKV_APP_004"}),
    (DEV, "aws_db_instance.db_unpinned"): ({"CKV_APP_001"}, set()),
    (DEV, "aws_elasticache_replication_group.redis_ok"): (set(), {"CKV_APP_001", "CKV_APP_003"}),
    (DEV, "aws_elasticache_replication_group.redis_bad_version"): ({"CKV_APP_001"}, set()),
    (DEV, "aws_rds_global_cluster.global_ok"): (set(), {"CKV_APP_001"}),
    (DEV, "aws_rds_global_cluster.global_bad_version"): ({"CKV_APP_001"}, set()),
    (DEV, "aws_rds_cluster.rds_secondary"): (set(), {"CKV_APP_001", "CKV_APP_004"}),
    (DEV, "aws_db_instance.db_replica"): (set(), {"CKV_APP_001", "CKV_APP_002", "CKV_APP_004"}),
    # CKV_APP_002 master username not reserved
    (DEV, "aws_rds_cluster.rds_reserved_user"): ({"CKV_APP_002"}, set()),
    (DEV, "aws_db_instance.db_reserved_user"): ({"CKV_APP_002"}, {"CKV_APP_001"}),
    # CKV_APP_003 no literal secrets / CKV_APP_004 managed master password or secret reference
    (DEV, "aws_db_instance.db_literal_password"): ({"CKV_APP_003", "CKV_APP_004"}, set()),
    (DEV, "aws_elasticache_replication_group.redis_literal_token"): ({"CKV_APP_003"}, set()),
    (DEV, "aws_mq_broker.mq_literal"): ({"CKV_APP_003"}, set()),
    (DEV, "aws_rds_cluster.rds_secret_ref"): (set(), {"CKV_APP_003", "CKV_APP_004"}),
    (DEV, "aws_rds_cluster.rds_var_password"): ({"CKV_APP_004"}, {"CKV_APP_003"}),
    # CKV_APP_005 no unresolved token text (any resource type, nested values too)
    (DEV, "aws_ssm_parameter.ssm_mangled_token"): ({"CKV_APP_005"}, set()),
    (DEV, "aws_kms_key.key_mangled_tag"): ({"CKV_APP_005"}, set()),
    (DEV, "aws_ssm_parameter.ssm_ok"): (set(), {"CKV_APP_005"}),
    (DEV, "aws_api_gateway_method.Method"): (set(), {"CKV_APP_005"}),
    # CKV_APP_006 integration response depends on the integration
    (DEV, "aws_api_gateway_integration_response.ir_ok"): (set(), {"CKV_APP_006"}),
    (DEV, "aws_api_gateway_integration_response.ir_missing"): ({"CKV_APP_006"}, set()),
    (DEV, "aws_api_gateway_integration_response.ir_wrong_dependency"): ({"CKV_APP_006"}, set()),
    # CKV_APP_007 required tags
    (DEV, "aws_sqs_queue.q_missing_tags"): ({"CKV_APP_007"}, set()),
    (PLAIN, "aws_sqs_queue.plain_queue"): ({"CKV_APP_007"}, {"CKV_APP_011"}),
    (DEV, "aws_api_gateway_rest_api.Api"): (set(), {"CKV_APP_007"}),
    # CKV_APP_008 log group retention and KMS
    (DEV, "aws_cloudwatch_log_group.lg_ok"): (set(), {"CKV_APP_008", "CKV_APP_011"}),
    (DEV, "aws_cloudwatch_log_group.lg_bad_retention"): ({"CKV_APP_008"}, set()),
    (DEV, "aws_cloudwatch_log_group.lg_no_kms"): ({"CKV_APP_008"}, set()),
    (DEV, "aws_cloudwatch_log_group.lg_forever"): ({"CKV_APP_008"}, set()),
    # CKV_APP_009 SQS dead-letter queue
    (DEV, "aws_sqs_queue.q_ok"): (set(), {"CKV_APP_009"}),
    (DEV, "aws_sqs_queue.q_dlq"): (set(), {"CKV_APP_009"}),
    (DEV, "aws_sqs_queue.q_fifo_dlq"): (set(), {"CKV_APP_009"}),
    (DEV, "aws_sqs_queue.q_no_dlq"): ({"CKV_APP_009"}, set()),
    (DEV, "aws_sqs_queue.q_suppressed"): ({"CKV_APP_009"}, set()),  # Checkov fails it; the wrapper suppresses it
    # CKV_APP_010 deletion protection in prod (not required elsewhere)
    (DEV, "aws_dynamodb_table.table_dev_unprotected"): (set(), {"CKV_APP_010"}),
    (PROD, "aws_rds_cluster.prod_rds_unprotected"): ({"CKV_APP_010"}, set()),
    (PROD, "aws_rds_cluster.prod_rds_protected"): (set(), {"CKV_APP_010"}),
    (PROD, "aws_db_instance.prod_db_unprotected"): ({"CKV_APP_010"}, set()),
    (PROD, "aws_dynamodb_table.prod_table_unprotected"): ({"CKV_APP_010"}, set()),
    (PROD, "aws_dynamodb_table.prod_table_protected"): (set(), {"CKV_APP_010"}),
    (PROD, "aws_lb.prod_lb_unprotected"): ({"CKV_APP_010"}, set()),
    (PROD, "aws_lb.prod_lb_protected"): (set(), {"CKV_APP_010"}),
    # CKV_APP_011 environment id in physical names
    (DEV, "aws_s3_bucket.bucket_ok"): (set(), {"CKV_APP_011"}),
    (DEV, "aws_s3_bucket.bucket_no_env"): ({"CKV_APP_011"}, set()),
    (DEV, "aws_sqs_queue.q_devices"): ({"CKV_APP_011"}, set()),
    (EPH, "aws_sqs_queue.eph_ok"): (set(), {"CKV_APP_011"}),
    (EPH, "aws_sqs_queue.eph_base_name"): ({"CKV_APP_011"}, set()),
    (PLAIN, "aws_kms_alias.plain_alias_ok"): (set(), {"CKV_APP_011"}),
    (PLAIN, "aws_kms_alias.plain_alias_no_env"): ({"CKV_APP_011"}, set()),
    # CKV_APP_012 Lambda runtime in the catalog
    (DEV, "aws_lambda_function.fn_ok"): (set(), {"CKV_APP_012", "CKV_APP_011"}),
    (DEV, "aws_lambda_function.fn_image"): (set(), {"CKV_APP_012"}),
    (DEV, "aws_lambda_function.fn_old_runtime"): ({"CKV_APP_012"}, set()),
    # CKV_APP_013 HTTP listeners redirect to HTTPS unless the record allows plain HTTP (dev does, prod does not)
    (PROD, "aws_lb_listener.prod_http_serves"): ({"CKV_APP_013"}, set()),
    (PROD, "aws_lb_listener.prod_http_redirects_to_http"): ({"CKV_APP_013"}, set()),
    (PROD, "aws_lb_listener.prod_http_redirects"): (set(), {"CKV_APP_013"}),
    (PROD, "aws_lb_listener.prod_https"): (set(), {"CKV_APP_013"}),
    (DEV, "aws_lb_listener.dev_http_serves"): (set(), {"CKV_APP_013"}),
}


@pytest.mark.parametrize(("stack", "address"), sorted(SUBJECTS), ids=[a for _, a in sorted(SUBJECTS)])
def test_subject_fails_exactly_its_checks(fixtures: Fixtures, stack: str, address: str) -> None:
    must_fail, must_pass = SUBJECTS[(stack, address)]
    assert fixtures.app_failures(stack, address) == must_fail
    verdicts = fixtures.verdicts(stack, address)
    assert {cid: verdicts.get(cid) for cid in must_pass} == dict.fromkeys(must_pass, "PASSED")


def test_every_check_has_a_failing_and_a_passing_subject() -> None:
    failing = set().union(*(fails for fails, _ in SUBJECTS.values()))
    passing = set().union(*(passes for _, passes in SUBJECTS.values()))
    expected = {f"CKV_APP_{i:03d}" for i in range(1, 14)}
    assert failing == expected
    assert passing == expected


def test_no_other_fixture_resource_fails_a_project_check(fixtures: Fixtures) -> None:
    """Supporting resources (keys, roles, methods, ...) are compliant, so every failure above is the subject's own."""
    unexpected = {
        key: sorted(fixtures.app_failures(*key))
        for key in fixtures.results
        if key not in SUBJECTS and fixtures.app_failures(*key)
    }
    assert not unexpected


@pytest.mark.parametrize(
    ("stack", "address", "check_id", "text"),
    [
        (
            DEV,
            "aws_rds_cluster.rds_bad_version",
            "CKV_APP_001",
            "engine version '15.3' does not exist for aurora-postgresql; choose one of:",
        ),
        (DEV, "aws_db_instance.db_unpinned", "CKV_APP_001", "pins no engine_version"),
        (
            DEV,
            "aws_rds_cluster.rds_reserved_user",
            "CKV_APP_002",
            "master username 'admin' is reserved by aurora-postgresql; choose another",
        ),
        (DEV, "aws_mq_broker.mq_literal", "CKV_APP_003", "user/[0]/password is a literal value"),
        (DEV, "aws_ssm_parameter.ssm_mangled_token", "CKV_APP_005", "holds unresolved token text '${TFTOKEN[TOKEN."),
        (DEV, "aws_kms_key.key_mangled_tag", "CKV_APP_005", "tags[0].Source holds unresolved token text"),
        (DEV, "aws_cloudwatch_log_group.lg_bad_retention", "CKV_APP_008", "retention_in_days is 45: choose one of"),
        (DEV, "aws_sqs_queue.q_missing_tags", "CKV_APP_007", "missing tag(s) Owner, ManagedBy"),
        (
            PROD,
            "aws_lb.prod_lb_unprotected",
            "CKV_APP_010",
            "enable_deletion_protection is not true in environment 'prod'",
        ),
        (
            EPH,
            "aws_sqs_queue.eph_base_name",
            "CKV_APP_011",
            "name 'polfix-jobs-dlq-dev' does not contain the environment id 'dev-pr7'",
        ),
        (DEV, "aws_lambda_function.fn_old_runtime", "CKV_APP_012", "runtime 'python3.8' is not supported"),
        (
            PROD,
            "aws_lb_listener.prod_http_serves",
            "CKV_APP_013",
            "HTTP listener serves traffic in environment 'prod', whose record does not set allow_plain_http",
        ),
    ],
)
def test_failure_details_say_what_is_wrong(
    fixtures: Fixtures, stack: str, address: str, check_id: str, text: str
) -> None:
    assert any(text in detail for detail in fixtures.details[(stack, address, check_id)])

"""WAF at the public edges (issue 18): every environment puts a web ACL (rate limit + AWS managed groups, logged to a
KMS-encrypted log group) in front of every public ALB and REST API stage; a record may turn it off (waf.enabled),
and the edge then keeps its "no WAF" suppression naming that switch."""

from __future__ import annotations

from typing import Any

import pytest
from cdktf import Testing

from config import load_environments
from tests.conftest import Synth

RECORDS = load_environments()
# workload -> [(type, logical id prefix, attribute) of each resource its web ACL protects]
TARGETS = {
    "flask-api": [("aws_lb", "LoadBalancer_Alb", "arn")],
    "fraud-detection": [("aws_lb", "LoadBalancer_Alb", "arn")],
    "healthcare-api": [("aws_api_gateway_stage", "Api_Stage", "arn")],
    "disaster-recovery": [
        ("aws_api_gateway_stage", "Dr_Api_Stage", "arn"),
        ("aws_api_gateway_stage", "Primary_Api_Stage", "arn"),
    ],
}


def _rule(name: str, priority: int, statement: dict[str, Any], metric: str, **action: Any) -> dict[str, Any]:
    return {
        "name": name,
        "priority": priority,
        "statement": statement,
        **action,
        "visibility_config": {
            "cloudwatch_metrics_enabled": True,
            "metric_name": metric,
            "sampled_requests_enabled": True,
        },
    }


def expected_rules(acl: str, rate_limit: int) -> list[dict[str, Any]]:
    managed = [
        ("ip-reputation", "AWSManagedRulesAmazonIpReputationList"),
        ("anonymous-ip", "AWSManagedRulesAnonymousIpList"),
        ("known-bad-inputs", "AWSManagedRulesKnownBadInputsRuleSet"),
        ("common", "AWSManagedRulesCommonRuleSet"),
    ]
    return [
        _rule(
            "rate-limit",
            0,
            {"rate_based_statement": {"aggregate_key_type": "IP", "limit": rate_limit}},
            f"{acl}-rate-limit",
            action={"block": {}},
        )
    ] + [
        _rule(
            label,
            i,
            {"managed_rule_group_statement": {"name": group, "vendor_name": "AWS"}},
            f"{acl}-{label}",
            override_action={"none": {}},
        )
        for i, (label, group) in enumerate(managed, 1)
    ]


def log_days(workload: str, env: str) -> int:
    """Days the web ACL's log group keeps: the record's (healthcare-api: its audit logs'), a year at least."""
    record = RECORDS[env]
    days = record.healthcare_api.audit_log_retention_days if workload == "healthcare-api" else record.log_retention_days
    return max(365, days)


@pytest.mark.parametrize("env", ("dev", "staging", "prod"))
@pytest.mark.parametrize("workload", sorted(TARGETS))
def test_web_acl_rules_logging_and_associations(synth: Synth, workload: str, env: str) -> None:
    stack = f"{workload}-{env}"
    received = synth.file(stack)
    acls = synth.resources(stack, "aws_wafv2_web_acl")
    assert len(acls) == len(TARGETS[workload])  # exactly one web ACL per protected edge
    acl_refs = {acl["name"]: f"${{aws_wafv2_web_acl.{aid}.arn}}" for aid, acl in acls.items()}
    groups = {  # name -> (reference, key)
        g["name"]: (f"${{aws_cloudwatch_log_group.{gid}.arn}}", g["kms_key_id"])
        for gid, g in synth.resources(stack, "aws_cloudwatch_log_group").items()
    }
    rate_limit = RECORDS[env].waf.rate_limit
    wanted = []
    for rtype, prefix, attribute in TARGETS[workload]:
        (rid,) = [r for r in synth.resources(stack, rtype) if r.startswith(prefix)]
        label = prefix.split("_", 1)[0].lower() + "-" if workload == "disaster-recovery" else ""
        name, target = f"{workload}-{label}waf-{env}", f"${{{rtype}.{rid}.{attribute}}}"
        wanted.append((target, acl_refs[name]))
        acl = {
            "name": name,
            "scope": "REGIONAL",
            "default_action": {"allow": {}},
            "rule": expected_rules(name, rate_limit),
        }
        assert Testing.to_have_resource_with_properties(received, "aws_wafv2_web_acl", acl)
        assert not Testing.to_have_resource_with_properties(  # not with another rate limit
            received, "aws_wafv2_web_acl", {**acl, "rule": expected_rules(name, rate_limit + 1)}
        )
        assert Testing.to_have_resource_with_properties(
            received, "aws_wafv2_web_acl_association", {"resource_arn": target, "web_acl_arn": acl_refs[name]}
        )
        assert Testing.to_have_resource_with_properties(
            received,
            "aws_cloudwatch_log_group",
            {"name": f"aws-waf-logs-{name}", "retention_in_days": log_days(workload, env)},
        )
        assert Testing.to_have_resource_with_properties(
            received,
            "aws_wafv2_web_acl_logging_configuration",
            {"resource_arn": acl_refs[name], "log_destination_configs": [groups[f"aws-waf-logs-{name}"][0]]},
        )
        suppressions = synth.resources(stack, rtype)[rid].get("//", {}).get("suppressions", [])
        assert not {s["id"] for s in suppressions} & {"CKV2_AWS_28", "CKV2_AWS_29"}
    # exact on the JSON: the whole rule list and default action (the matcher matches blocks as subsets), exactly
    # these associations, one logging configuration per web ACL, each group encrypted
    assert [(a["scope"], a["default_action"], a["rule"]) for a in acls.values()] == [
        ("REGIONAL", {"allow": {}}, expected_rules(a["name"], rate_limit)) for a in acls.values()
    ]
    assert sorted(
        (a["resource_arn"], a["web_acl_arn"]) for a in synth.resources(stack, "aws_wafv2_web_acl_association").values()
    ) == sorted(wanted)
    assert len(synth.resources(stack, "aws_wafv2_web_acl_logging_configuration")) == len(acls)
    assert all(groups[f"aws-waf-logs-{name}"][1].startswith("${aws_kms_key.") for name in acl_refs)


def test_a_record_without_waf_keeps_the_edges_suppression_naming_the_switch(synth: Synth) -> None:
    del synth  # the provider bindings are loaded by the session synth
    import dataclasses  # pylint: disable=import-outside-toplevel

    from cdktf_cdktf_provider_aws.lb import Lb  # pylint: disable=import-outside-toplevel
    from cdktf_cdktf_provider_aws.wafv2_web_acl import Wafv2WebAcl  # pylint: disable=import-outside-toplevel

    from config import load_catalog  # pylint: disable=import-outside-toplevel
    from stacks.flask_api import FlaskApiStack  # pylint: disable=import-outside-toplevel

    dev = RECORDS["dev"]
    assert dev.waf.enabled is True
    off = dataclasses.replace(dev, waf=dataclasses.replace(dev.waf, enabled=False))
    built = FlaskApiStack(Testing.app(), env=off, catalog=load_catalog()).node.find_all()
    assert not [c for c in built if isinstance(c, Wafv2WebAcl)]
    (alb,) = [c for c in built if isinstance(c, Lb)]
    assert {s["id"]: s["reason"] for s in alb._suppressions}["CKV2_AWS_28"] == (
        "this environment's record turns the WAF off (waf.enabled = false); where it is on, modules/waf.py "
        "associates a web ACL with the ALB and drops this suppression"
    )

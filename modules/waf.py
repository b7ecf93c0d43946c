"""A regional WAFv2 web ACL with AWS managed rule groups and a rate limit, logging to CloudWatch Logs, associated
with the given load balancers and REST API stages.

Defaults:
- the rules below, by priority (0 runs first), each with CloudWatch metrics and sampled requests
- 0 `rate-limit`: blocks a client IP above `rate_limit` requests per 5 minutes (from the record)
- 1 `ip-reputation`: AWSManagedRulesAmazonIpReputationList (known malicious sources)
- 2 `anonymous-ip`: AWSManagedRulesAnonymousIpList (Tor, anonymizing proxies, hosting providers)
- 3 `known-bad-inputs`: AWSManagedRulesKnownBadInputsRuleSet (Log4j/Log4Shell, exploitable paths); with the
  anonymous-IP group it is what Checkov asks of an ACL in front of an ALB or API (CKV2_AWS_76/77)
- 4 `common`: AWSManagedRulesCommonRuleSet (the OWASP-style core rule set)
- managed groups run with their own actions (override `none`); the default action allows
- logs: a log group `aws-waf-logs-<name>` (the prefix WAF requires) encrypted with `log_kms_key_arn` (the key
  must let logs.<region>.amazonaws.com use it), kept `log_retention_days` but at least 365 days (requests blocked
  or allowed are security evidence; CloudWatch Logs accepts 365); WAF adds the log delivery's resource
  policy on the first logging configuration of the account
- `protect(id, resource, arn)` associates the ACL with a load balancer or a REST API stage (the stage's ARN) and
  drops the resource's "no WAF" suppression (CKV2_AWS_28 / CKV2_AWS_29), since the finding is then fixed
- created through the stack's default provider, or `provider` (a web ACL is regional: one per region)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
from cdktf_cdktf_provider_aws.wafv2_web_acl import (
    Wafv2WebAcl,
    Wafv2WebAclDefaultAction,
    Wafv2WebAclDefaultActionAllow,
    Wafv2WebAclRule,
    Wafv2WebAclRuleAction,
    Wafv2WebAclRuleActionBlock,
    Wafv2WebAclRuleOverrideAction,
    Wafv2WebAclRuleOverrideActionNone,
    Wafv2WebAclRuleVisibilityConfig,
    Wafv2WebAclVisibilityConfig,
)
from cdktf_cdktf_provider_aws.wafv2_web_acl_association import Wafv2WebAclAssociation
from cdktf_cdktf_provider_aws.wafv2_web_acl_logging_configuration import Wafv2WebAclLoggingConfiguration
from constructs import Construct

from config import limits
from core.props import prop_problem, raise_problems
from core.suppress import METADATA_KEY

MANAGED_GROUPS = (
    ("ip-reputation", "AWSManagedRulesAmazonIpReputationList"),
    ("anonymous-ip", "AWSManagedRulesAnonymousIpList"),
    ("known-bad-inputs", "AWSManagedRulesKnownBadInputsRuleSet"),
    ("common", "AWSManagedRulesCommonRuleSet"),
)
MIN_LOG_DAYS = 365
NO_WAF_CHECKS = ("CKV2_AWS_28", "CKV2_AWS_29")  # ALB, API Gateway stage without a web ACL


@dataclass(frozen=True, kw_only=True)
class WebAclProps:
    """Props of WebAcl."""

    #: name of the web ACL, its metrics and log group suffix
    name: str
    #: requests per 5 minutes from one IP before it is blocked
    rate_limit: int
    #: KMS key encrypting the WAF log group
    log_kms_key_arn: str
    #: days the WAF logs are kept
    log_retention_days: int
    #: provider (region) to build in; None: the stack's default provider
    provider: TerraformProvider | None = None


def _visibility(metric: str) -> Wafv2WebAclRuleVisibilityConfig:
    return Wafv2WebAclRuleVisibilityConfig(
        cloudwatch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True
    )


def rules(name: str, rate_limit: int) -> list[Wafv2WebAclRule]:
    """The rate limit first, then the managed groups (see the module docstring)."""
    found = [
        Wafv2WebAclRule(
            name="rate-limit",
            priority=0,
            action=Wafv2WebAclRuleAction(block=Wafv2WebAclRuleActionBlock()),
            statement={"rate_based_statement": {"limit": rate_limit, "aggregate_key_type": "IP"}},
            visibility_config=_visibility(f"{name}-rate-limit"),
        )
    ]
    for priority, (label, group) in enumerate(MANAGED_GROUPS, 1):
        found.append(
            Wafv2WebAclRule(
                name=label,
                priority=priority,
                override_action=Wafv2WebAclRuleOverrideAction(none=Wafv2WebAclRuleOverrideActionNone()),
                statement={"managed_rule_group_statement": {"name": group, "vendor_name": "AWS"}},
                visibility_config=_visibility(f"{name}-{label}"),
            )
        )
    return found


class WebAcl(Construct):
    """`acl`, `log_group`, `logging` and `associations` (by id) are public."""

    def __init__(self, scope: Construct, id_: str, *, props: WebAclProps) -> None:
        super().__init__(scope, id_)
        raise_problems(
            f"WebAcl {id_}",
            [
                prop_problem("rate_limit", limits.waf_rate_limit(props.rate_limit)),
                None if len(props.name) <= 128 else f"name {props.name!r} is longer than the 128 characters WAF allows",
            ],
        )
        self.provider = props.provider
        self.acl = Wafv2WebAcl(
            self,
            "Acl",
            name=props.name,
            scope="REGIONAL",
            description=f"{props.name}: managed rule groups and a rate limit",
            default_action=Wafv2WebAclDefaultAction(allow=Wafv2WebAclDefaultActionAllow()),
            rule=rules(props.name, props.rate_limit),
            visibility_config=Wafv2WebAclVisibilityConfig(
                cloudwatch_metrics_enabled=True, metric_name=props.name, sampled_requests_enabled=True
            ),
            provider=props.provider,
        )
        self.log_group = CloudwatchLogGroup(
            self,
            "Logs",
            name=f"aws-waf-logs-{props.name}",
            retention_in_days=max(props.log_retention_days, MIN_LOG_DAYS),
            kms_key_id=props.log_kms_key_arn,
            provider=props.provider,
        )
        self.logging = Wafv2WebAclLoggingConfiguration(
            self,
            "Logging",
            resource_arn=self.acl.arn,
            log_destination_configs=[self.log_group.arn],
            provider=props.provider,
        )
        self.associations: dict[str, Wafv2WebAclAssociation] = {}

    def protect(self, id_: str, resource: Any, resource_arn: str) -> Wafv2WebAclAssociation:
        """Associate the ACL with `resource` (an ALB or API stage) and drop its "no WAF" suppression."""
        self.associations[id_] = Wafv2WebAclAssociation(
            self, id_, resource_arn=resource_arn, web_acl_arn=self.acl.arn, provider=self.provider
        )
        kept = [s for s in getattr(resource, "_suppressions", []) if s["id"] not in NO_WAF_CHECKS]
        setattr(resource, "_suppressions", kept)
        resource.add_override(f"//.{METADATA_KEY}", kept)
        return self.associations[id_]

"""An SNS topic encrypted with a customer-managed key, TLS-only, with its subscriptions.

Defaults:
- SSE-KMS with the given key
- topic policy: the account may use the topic; every request not made over TLS is denied; plus
  `extra_policy_statements` (e.g. a service that publishes, such as CloudWatch alarms)
- subscriptions: each (protocol, endpoint), optionally raw delivery and a message-attribute filter policy;
  `endpoint_subscriptions` turns addresses from a record (e-mail or https:// URL) into subscriptions
- created through the stack's default provider, or `provider` (another region's)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.sns_topic import SnsTopic
from cdktf_cdktf_provider_aws.sns_topic_policy import SnsTopicPolicy
from cdktf_cdktf_provider_aws.sns_topic_subscription import SnsTopicSubscription
from constructs import Construct

from core.props import policy_json, raise_problems

__all__ = ["Subscription", "SubscriptionProtocol", "Topic", "TopicProps", "endpoint_subscriptions"]

_ACCOUNT_ACTIONS = ["sns:GetTopicAttributes", "sns:Publish", "sns:Subscribe", "sns:ListSubscriptionsByTopic"]


class SubscriptionProtocol(StrEnum):
    """The SNS protocols this module subscribes (raw message delivery applies to SQS and HTTPS only)."""

    SQS = "sqs"
    EMAIL = "email"
    HTTPS = "https"
    LAMBDA = "lambda"


_RAW_DELIVERY = (SubscriptionProtocol.SQS, SubscriptionProtocol.HTTPS)


@dataclass(frozen=True, kw_only=True)
class Subscription:
    """One subscription; `filter_policy` is matched against message attributes."""

    #: construct id of the subscription
    id_: str
    #: delivery protocol (email, sqs, lambda, https, ...)
    protocol: SubscriptionProtocol
    #: address for that protocol
    endpoint: str
    #: deliver the message without the SNS envelope (sqs, https)
    raw_message_delivery: bool = False
    filter_policy: dict[str, Any] | None = None


@dataclass(frozen=True, kw_only=True)
class TopicProps:
    """Props of Topic."""

    #: name of the topic
    topic_name: str
    #: KMS key encrypting the topic
    kms_key_arn: str
    #: account whose services may publish (topic policy condition)
    account_id: str
    #: subscriptions created with the topic
    subscriptions: tuple[Subscription, ...] = ()
    extra_policy_statements: tuple[dict[str, Any], ...] = ()
    provider: TerraformProvider | None = None


def endpoint_subscriptions(endpoints: tuple[str, ...], id_prefix: str = "Endpoint") -> tuple[Subscription, ...]:
    """One subscription per endpoint: protocol https for an https:// URL, email otherwise; ids Endpoint1, 2, ..."""
    return tuple(
        Subscription(
            id_=f"{id_prefix}{index}",
            endpoint=endpoint,
            protocol=SubscriptionProtocol.HTTPS if endpoint.startswith("https://") else SubscriptionProtocol.EMAIL,
        )
        for index, endpoint in enumerate(endpoints, 1)
    )


def _problems(props: TopicProps) -> list[str | None]:
    return [
        next(
            (
                f"subscription {s.id_}: protocol {s.protocol!r} is not one of {', '.join(SubscriptionProtocol)}"
                for s in props.subscriptions
                if s.protocol not in tuple(SubscriptionProtocol)
            ),
            None,
        ),
        next(
            (
                f"subscription {s.id_}: raw_message_delivery applies to sqs and https only"
                for s in props.subscriptions
                if s.raw_message_delivery and s.protocol not in _RAW_DELIVERY
            ),
            None,
        ),
        None
        if len({s.id_ for s in props.subscriptions}) == len(props.subscriptions)
        else "subscription ids must be unique (they are Terraform addresses)",
    ]


class Topic(Construct):
    """`topic`, `policy` and `subscriptions` (by id) are public."""

    def __init__(self, scope: Construct, id_: str, *, props: TopicProps) -> None:
        super().__init__(scope, id_)
        raise_problems(f"Topic {id_}", _problems(props))
        self.topic = SnsTopic(
            self, "Topic", name=props.topic_name, kms_master_key_id=props.kms_key_arn, provider=props.provider
        )
        self.policy = SnsTopicPolicy(
            self,
            "Policy",
            arn=self.topic.arn,
            provider=props.provider,
            policy=policy_json(
                {
                    "Sid": "AccountUses",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{props.account_id}:root"},
                    "Action": _ACCOUNT_ACTIONS,
                    "Resource": self.topic.arn,
                },
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sns:Publish",
                    "Resource": self.topic.arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
                *props.extra_policy_statements,
            ),
        )
        self.subscriptions = {
            s.id_: SnsTopicSubscription(
                self,
                s.id_,
                topic_arn=self.topic.arn,
                protocol=s.protocol,
                endpoint=s.endpoint,
                raw_message_delivery=s.raw_message_delivery or None,
                filter_policy=None if s.filter_policy is None else json.dumps(s.filter_policy, sort_keys=True),
                provider=props.provider,
            )
            for s in props.subscriptions
        }


def topic_arn(region: str, account_id: str, topic_name: str) -> str:
    """The ARN of the topic `topic_name`, known before the topic exists (for policies that name it)."""
    return f"arn:aws:sns:{region}:{account_id}:{topic_name}"


def alarm_publish_statement(region: str, account_id: str, topic_name: str) -> dict[str, Any]:
    """The topic-policy statement that lets CloudWatch alarms of `account_id` publish to the topic `topic_name`."""
    return {
        "Sid": "CloudWatchAlarmsPublish",
        "Effect": "Allow",
        "Principal": {"Service": "cloudwatch.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": topic_arn(region, account_id, topic_name),
        "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
    }

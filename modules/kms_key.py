"""A customer-managed KMS key with rotation and an alias.

Defaults:
- rotation on (yearly), 30-day deletion window
- key policy: the account root administers the key (so IAM policies can grant use); each listed service principal
  may use it to encrypt and decrypt (services such as CloudWatch Logs send no aws:SourceAccount); any further
  `statements` (e.g. a service role that must use the key) come after those, none by default
- created in the stack's default provider's region, or through `provider` (an aliased provider of another region)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cdktf import TerraformProvider
from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
from cdktf_cdktf_provider_aws.kms_key import KmsKey
from constructs import Construct

from core.props import policy_json, raise_problems

_USE_ACTIONS = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]


@dataclass(frozen=True, kw_only=True)
class KmsKeyProps:
    """Props of EncryptionKey."""

    #: alias name, without the alias/ prefix
    alias: str
    #: what the key encrypts
    description: str
    #: account whose root administers the key
    account_id: str
    #: AWS services allowed to use the key (logs, cloudwatch, sns, ...)
    service_principals: tuple[str, ...] = ()
    #: waiting period before a scheduled deletion
    deletion_window_in_days: int = 30
    provider: TerraformProvider | None = None
    statements: tuple[dict[str, Any], ...] = ()


class EncryptionKey(Construct):
    """A rotating customer-managed key; `key` and `alias` are public."""

    def __init__(self, scope: Construct, id_: str, *, props: KmsKeyProps) -> None:
        super().__init__(scope, id_)
        raise_problems(
            f"EncryptionKey {id_}",
            [
                None if 7 <= props.deletion_window_in_days <= 30 else "deletion_window_in_days must be 7 to 30",
                None if props.alias.startswith("alias/") is False else "alias is the bare name, without 'alias/'",
            ],
        )
        statements = [
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{props.account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ]
        if props.service_principals:
            statements.append(
                {
                    "Sid": "ServicesUseKey",
                    "Effect": "Allow",
                    "Principal": {"Service": sorted(props.service_principals)},
                    "Action": _USE_ACTIONS,
                    "Resource": "*",
                }
            )
        statements += list(props.statements)
        self.key = KmsKey(
            self,
            "Key",
            description=props.description,
            enable_key_rotation=True,
            deletion_window_in_days=props.deletion_window_in_days,
            policy=policy_json(*statements),
            provider=props.provider,
        )
        self.alias = KmsAlias(
            self, "Alias", name=f"alias/{props.alias}", target_key_id=self.key.key_id, provider=props.provider
        )

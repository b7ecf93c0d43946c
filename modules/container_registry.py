"""An ECR repository: scanned on push, immutable tags, KMS-encrypted, with a lifecycle policy.

Defaults:
- scan on push; IMMUTABLE tags (a tag always names the image it was first pushed as)
- KMS encryption with the given customer-managed key
- lifecycle: untagged images expire after `untagged_expiry_days` (1); only the newest `max_tagged_images` (30)
  tagged images are kept
- force_delete off: a repository holding images is never deleted by Terraform
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from cdktf_cdktf_provider_aws.ecr_lifecycle_policy import EcrLifecyclePolicy
from cdktf_cdktf_provider_aws.ecr_repository import (
    EcrRepository,
    EcrRepositoryEncryptionConfiguration,
    EcrRepositoryImageScanningConfiguration,
)
from constructs import Construct

from core.props import raise_problems


@dataclass(frozen=True, kw_only=True)
class ContainerRegistryProps:
    """Props of ContainerRegistry."""

    #: name of the ECR repository
    repository_name: str
    #: KMS key encrypting the images
    kms_key_arn: str
    untagged_expiry_days: int = 1
    max_tagged_images: int = 30
    #: delete the repository even when it holds images (ephemeral copies only)
    force_delete: bool = False


def lifecycle_policy(props: ContainerRegistryProps) -> str:
    """The repository's lifecycle policy document."""
    return json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "description": "expire untagged images",
                    "selection": {
                        "tagStatus": "untagged",
                        "countType": "sinceImagePushed",
                        "countUnit": "days",
                        "countNumber": props.untagged_expiry_days,
                    },
                    "action": {"type": "expire"},
                },
                {
                    "rulePriority": 2,
                    "description": f"keep the newest {props.max_tagged_images} images",
                    "selection": {
                        "tagStatus": "any",
                        "countType": "imageCountMoreThan",
                        "countNumber": props.max_tagged_images,
                    },
                    "action": {"type": "expire"},
                },
            ]
        },
        sort_keys=True,
    )


class ContainerRegistry(Construct):
    """`repository` (its `repository_url` is the image name without tag) and `lifecycle`."""

    def __init__(self, scope: Construct, id_: str, *, props: ContainerRegistryProps) -> None:
        super().__init__(scope, id_)
        raise_problems(
            f"ContainerRegistry {id_}",
            [
                None if props.untagged_expiry_days >= 1 else "untagged_expiry_days must be >= 1",
                None if props.max_tagged_images >= 1 else "max_tagged_images must be >= 1",
            ],
        )
        self.repository = EcrRepository(
            self,
            "Repository",
            name=props.repository_name,
            image_tag_mutability="IMMUTABLE",
            image_scanning_configuration=EcrRepositoryImageScanningConfiguration(scan_on_push=True),
            encryption_configuration=[
                EcrRepositoryEncryptionConfiguration(encryption_type="KMS", kms_key=props.kms_key_arn)
            ],
            force_delete=props.force_delete,
        )
        self.lifecycle = EcrLifecyclePolicy(
            self, "Lifecycle", repository=self.repository.name, policy=lifecycle_policy(props)
        )

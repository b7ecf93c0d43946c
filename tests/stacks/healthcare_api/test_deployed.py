"""The healthcare-api dev stack really applied to the emulator (eu-west-1), checked with boto3, re-planned clean.

Emulator gap (stock moto 5.2.5, machine.md): API Gateway stage URLs are not served offline, so GET /health is not
called; the API, its /health resource, method, integration and stage are checked through the management API.
"""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from tests.conftest import Deployment, integration_target

pytestmark = pytest.mark.integration
TARGET = integration_target()
STACK = TARGET.stack("healthcare-api")
ENV = TARGET.env_id
REGION = "eu-west-1"


@pytest.fixture(scope="module")
def outputs(deploy) -> dict:
    return deploy(STACK)


@pytest.fixture(scope="module")
def client(emulator_deployment: Deployment) -> Any:
    return lambda service: emulator_deployment.client(service, region=REGION)


def test_vpc_has_dns_support_and_hostnames(outputs: dict, client: Any) -> None:
    ec2 = client("ec2")
    support = ec2.describe_vpc_attribute(VpcId=outputs["vpc_id"], Attribute="enableDnsSupport")
    hostnames = ec2.describe_vpc_attribute(VpcId=outputs["vpc_id"], Attribute="enableDnsHostnames")
    assert support["EnableDnsSupport"]["Value"] is True
    assert hostnames["EnableDnsHostnames"]["Value"] is True


def test_database_is_encrypted_private_postgres(outputs: dict, client: Any) -> None:
    (db,) = client("rds").describe_db_instances(DBInstanceIdentifier=outputs["db_instance_identifier"])["DBInstances"]
    assert (db["Engine"], db["EngineVersion"]) == ("postgres", "16.9")
    assert db["StorageEncrypted"] is True
    assert db["KmsKeyId"] == outputs["kms_key_arn"]
    assert db["PubliclyAccessible"] is False
    assert db["IAMDatabaseAuthenticationEnabled"] is True
    assert db["MasterUserSecret"]["SecretArn"] == outputs["db_secret_arn"]
    assert outputs["db_endpoint"].startswith(f"{db['Endpoint']['Address']}:")


def test_key_rotates(outputs: dict, client: Any) -> None:
    assert client("kms").get_key_rotation_status(KeyId=outputs["kms_key_arn"])["KeyRotationEnabled"] is True


def test_database_secret_is_owned_by_the_instance(outputs: dict, client: Any) -> None:
    (db,) = client("rds").describe_db_instances(DBInstanceIdentifier=outputs["db_instance_identifier"])["DBInstances"]
    secret = client("secretsmanager").describe_secret(SecretId=outputs["db_secret_arn"])
    tags = {tag["Key"]: tag["Value"] for tag in secret["Tags"]}
    assert (secret["OwningService"], tags["aws:rds:primaryDBInstanceArn"]) == ("rds", db["DBInstanceArn"])


def test_api_has_health_resource_and_stage(outputs: dict, client: Any) -> None:
    apigateway = client("apigateway")
    api_id = outputs["api_id"]
    paths = {r["path"]: r for r in apigateway.get_resources(restApiId=api_id)["items"]}
    assert "/health" in paths
    integration = apigateway.get_integration(restApiId=api_id, resourceId=paths["/health"]["id"], httpMethod="GET")
    assert integration["type"] == "MOCK"
    method = apigateway.get_method(restApiId=api_id, resourceId=paths["/health"]["id"], httpMethod="GET")
    assert method["authorizationType"] == "AWS_IAM"  # no unauthenticated method on a public edge
    stage = apigateway.get_stage(restApiId=api_id, stageName=outputs["api_stage_name"])
    assert outputs["api_stage_name"] == ENV
    assert stage["tracingEnabled"] is True
    assert stage["accessLogSettings"]["destinationArn"].endswith(f":/aws/apigateway/healthcare-api-api-{ENV}/access")
    assert outputs["api_invoke_url"] == f"https://{api_id}.execute-api.{REGION}.amazonaws.com/{ENV}"


@pytest.mark.aws_only  # emulator gap: stage URLs are not served offline
def test_health_answers_signed_calls_only(outputs: dict) -> None:
    """GET /health is AWS_IAM: a SigV4-signed call (the session's credentials) gets 200, an unsigned one 403."""
    import urllib.error  # pylint: disable=import-outside-toplevel
    import urllib.request  # pylint: disable=import-outside-toplevel

    import boto3  # pylint: disable=import-outside-toplevel
    from botocore.auth import SigV4Auth  # pylint: disable=import-outside-toplevel
    from botocore.awsrequest import AWSRequest  # pylint: disable=import-outside-toplevel

    url = f"{outputs['api_invoke_url']}/health"
    signed = AWSRequest(method="GET", url=url)
    SigV4Auth(boto3.Session().get_credentials(), "execute-api", REGION).add_auth(signed)
    request = urllib.request.Request(url, headers=dict(signed.headers.items()))
    with urllib.request.urlopen(request, timeout=30) as response:  # nosec B310
        assert (response.status, json.loads(response.read())) == (200, {"status": "ok"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url, timeout=30)  # nosec B310  # pylint: disable=consider-using-with
    assert refused.value.code == 403


def test_redis_is_encrypted_and_exports_its_primary_endpoint(outputs: dict, client: Any) -> None:
    (group,) = client("elasticache").describe_replication_groups(
        ReplicationGroupId=outputs["redis_replication_group_id"]
    )["ReplicationGroups"]
    assert (group["AtRestEncryptionEnabled"], group["TransitEncryptionEnabled"]) == (True, True)
    assert group["KmsKeyId"] == outputs["kms_key_arn"]
    assert group["UserGroupIds"] == [outputs["redis_replication_group_id"]]
    assert group["NodeGroups"][0]["PrimaryEndpoint"]["Address"] == outputs["redis_primary_endpoint_address"]


def test_second_plan_has_no_changes(outputs: dict, second_plan: Callable[[str], bool]) -> None:
    """A plan of the applied stack has no changes (planned side by side with the others once all applied)."""
    del outputs
    assert second_plan(STACK) is False

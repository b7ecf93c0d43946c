"""Fixture stacks for the policy pack: real cdktf stacks with real provider resources, synthesized in ONE App per
session, and ONE Checkov run per session (`shared_scan`, through policies.scan.CheckovRun, i.e. with the pack
loaded) over them and over the small stacks the test modules of this folder register with `scanned_together`.

Each subject resource gets an explicit logical id (`override_logical_id`), so a finding's address is readable:
`aws_rds_cluster.rds_bad_version`. SUBJECTS (in test_checks.py) says which CKV_APP checks each one must fail.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from policies import scan

WORKLOAD = "polfix"
EPHEMERAL = "pr7"
CHECK_STACKS = ("polfix-dev", "polfix-prod", "polfix-dev-pr7", "plain-dev")
BACKEND_STACKS = ("nolock-dev", "noencrypt-dev", "dynamolock-dev", "bootstrap-dev", "polfix-staging")

# builder(folder, request) writes its stacks below `folder` and returns {label: cdk.tf.json}; `request` gives the
# session fixtures it needs (`synth`, `loaded_bindings`, `built_stacks`).
StackBuilder = Callable[[Path, pytest.FixtureRequest], dict[str, Path]]
SCANNED: list[StackBuilder] = []


def scanned_together(builder: StackBuilder) -> StackBuilder:
    """Register a module-level stack builder: its stacks are built once per session (`built_stacks`) and scanned in
    the session's one Checkov run (`shared_scan`) whenever a test of its module is selected."""
    SCANNED.append(builder)
    return builder


class BuiltStacks:
    """Every registered builder's stacks, each built once per session on first use, never scanned here."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._built: dict[StackBuilder, dict[str, Path]] = {}

    def get(self, builder: StackBuilder, request: pytest.FixtureRequest) -> dict[str, Path]:
        """{label: stack file} of `builder`, built now if not yet."""
        if builder not in self._built:
            folder = self.folder(builder)
            folder.mkdir()
            self._built[builder] = builder(folder, request)
        return self._built[builder]

    def folder(self, builder: StackBuilder) -> Path:
        """The folder `builder` writes into."""
        return self.root / f"{builder.__module__.rsplit('.', 1)[-1]}.{builder.__name__}"


@dataclass
class SharedScan:
    """ONE Checkov run over the stacks of the selected builders, judged by policies.scan like `make scan` judges.

    Checkov builds one graph over all the files of a run, so a built-in graph check (CKV2_*) can react to another
    file's resources: measured, CKV2_AWS_29 passes awsr's API stages when any aws_api_gateway_rest_api is in the run
    (polfix-dev's) and fails them alone. Every other verdict on these stacks (resource checks, the pack's checks and
    stack rules, the other graph checks) equals that of a run of its own; assert built-in graph checks only where
    that was measured too."""

    run: scan.CheckovRun
    stacks: dict[StackBuilder, dict[str, Path]]

    def file(self, builder: StackBuilder, label: str) -> Path:
        """The stack file `builder` returned under `label`."""
        return self.stacks[builder][label]

    def evaluate(self, builder: StackBuilder, *labels: str) -> list[scan.StackResult]:
        """policies.scan.evaluate of those stacks (in that order), from the shared run."""
        return scan.evaluate([self.file(builder, label) for label in labels], self.run)

    def checks(self, files: dict[str, Path]) -> Iterator[tuple[str, dict[str, Any]]]:
        """(name, check) for each check Checkov passed or failed on one of `files` ({name: stack file})."""
        outcome, _ = self.run.outcome  # grouped by file as policies.scan.evaluate groups them
        for name, path in files.items():
            found = outcome.get(path.resolve(), {})
            for kind in ("passed", "failed"):
                for check in found.get(kind, []):
                    yield name, check


@dataclass
class Fixtures:
    """The synthesized fixture stacks and Checkov's verdicts on them."""

    outdir: Path
    # (stack, "<type>.<logical id>") -> {check id: "PASSED" | "FAILED"}
    results: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    details: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)

    def file(self, stack: str) -> Path:
        """The synthesized cdk.tf.json of `stack`."""
        return self.outdir / "stacks" / stack / "cdk.tf.json"

    def json(self, stack: str) -> dict[str, Any]:
        """The parsed cdk.tf.json of `stack`."""
        return dict(json.loads(self.file(stack).read_text(encoding="utf-8")))

    def verdicts(self, stack: str, address: str) -> dict[str, str]:
        """{check id: result} of every check Checkov evaluated on one resource."""
        assert (stack, address) in self.results, f"{address} was not scanned in {stack}"
        return self.results[(stack, address)]

    def app_failures(self, stack: str, address: str) -> set[str]:
        """The project's checks (CKV_APP_*) that failed on one resource."""
        return {
            cid for cid, res in self.verdicts(stack, address).items() if cid.startswith("CKV_APP_") and res == "FAILED"
        }


def _build(outdir: Path) -> None:
    # pylint: disable=import-outside-toplevel,too-many-locals,too-many-statements
    from core import bindings

    bindings.load()
    from cdktf import App, S3Backend, TerraformStack, TerraformVariable
    from cdktf_cdktf_provider_aws.api_gateway_integration import ApiGatewayIntegration
    from cdktf_cdktf_provider_aws.api_gateway_integration_response import ApiGatewayIntegrationResponse
    from cdktf_cdktf_provider_aws.api_gateway_method import ApiGatewayMethod
    from cdktf_cdktf_provider_aws.api_gateway_method_response import ApiGatewayMethodResponse
    from cdktf_cdktf_provider_aws.api_gateway_rest_api import ApiGatewayRestApi
    from cdktf_cdktf_provider_aws.cloudwatch_log_group import CloudwatchLogGroup
    from cdktf_cdktf_provider_aws.data_aws_secretsmanager_secret_version import DataAwsSecretsmanagerSecretVersion
    from cdktf_cdktf_provider_aws.elasticache_replication_group import ElasticacheReplicationGroup
    from cdktf_cdktf_provider_aws.iam_role import IamRole
    from cdktf_cdktf_provider_aws.kms_alias import KmsAlias
    from cdktf_cdktf_provider_aws.kms_key import KmsKey
    from cdktf_cdktf_provider_aws.lambda_function import LambdaFunction
    from cdktf_cdktf_provider_aws.lb import Lb
    from cdktf_cdktf_provider_aws.lb_listener import (
        LbListener,
        LbListenerDefaultAction,
        LbListenerDefaultActionFixedResponse,
        LbListenerDefaultActionRedirect,
    )
    from cdktf_cdktf_provider_aws.mq_broker import MqBroker, MqBrokerUser
    from cdktf_cdktf_provider_aws.provider import AwsProvider
    from cdktf_cdktf_provider_aws.rds_global_cluster import RdsGlobalCluster
    from cdktf_cdktf_provider_aws.s3_bucket import S3Bucket
    from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue
    from cdktf_cdktf_provider_aws.ssm_parameter import SsmParameter

    from config import load_catalog, load_environments
    from core.stack import WorkloadStack
    from core.suppress import suppress
    from tests.policies.subjects import aurora_cluster, dynamodb_table, postgres_instance, subject

    class PolicyFixtureStack(WorkloadStack):
        """A WorkloadStack (tags aspect, Namer, S3 backend) holding the subjects of the checks."""

        workload = WORKLOAD
        description = "policy pack fixtures"

    records, catalog = load_environments(), load_catalog()
    app = App(outdir=str(outdir))

    # ------------------------------------------------------------------ dev: most checks
    dev = PolicyFixtureStack(app, env=records["dev"], catalog=catalog)
    n = dev.names
    key = KmsKey(dev, "Key", description="fixture key", enable_key_rotation=True)
    secret = DataAwsSecretsmanagerSecretVersion(dev, "DbSecret", secret_id=n.name("db"))
    variable = TerraformVariable(dev, "db_password", type="string", sensitive=True)

    def cluster(id_: str, **kwargs: Any) -> Any:
        return aurora_cluster(dev, id_, **({"skip_final_snapshot": True} | kwargs))

    cluster("rds_ok")
    cluster("rds_bad_version", engine_version="15.3")
    cluster("rds_reserved_user", master_username="admin")
    cluster("rds_secret_ref", manage_master_user_password=None, master_password=secret.secret_string)
    cluster("rds_var_password", manage_master_user_password=None, master_password=variable.string_value)
    global_ok = subject(
        RdsGlobalCluster(
            dev,
            "global_ok",
            global_cluster_identifier=n.name("global"),
            engine="aurora-postgresql",
            engine_version="16.9",
        ),
        "global_ok",
    )
    subject(
        RdsGlobalCluster(
            dev,
            "global_bad_version",
            global_cluster_identifier=n.name("global-old"),
            engine="aurora-postgresql",
            engine_version="15.3",
        ),
        "global_bad_version",
    )
    cluster(
        "rds_secondary",
        global_cluster_identifier=global_ok.id,
        engine_version=None,
        master_username=None,
        manage_master_user_password=None,
    )

    def instance(id_: str, **kwargs: Any) -> Any:
        return postgres_instance(dev, id_, **({"skip_final_snapshot": True} | kwargs))

    db_ok = instance("db_ok")
    instance("db_unpinned", engine_version=None)
    # A password generated in Python at synth time is a literal in the JSON (seed 000's `random.choices`).
    instance("db_literal_password", manage_master_user_password=None, password=secrets.token_urlsafe(16))
    instance("db_reserved_user", engine="mysql", engine_version="8.0.42", username="root")
    instance(
        "db_replica",
        engine=None,
        engine_version=None,
        username=None,
        manage_master_user_password=None,
        allocated_storage=None,
        replicate_source_db=db_ok.identifier,
    )

    def redis(id_: str, **kwargs: Any) -> ElasticacheReplicationGroup:
        args: dict[str, Any] = {
            "replication_group_id": n.name(id_.replace("_", "-"), max_length=40),
            "description": "fixture",
            "engine": "redis",
            "engine_version": "7.1",
            "node_type": "cache.t4g.micro",
            "transit_encryption_enabled": True,
            "auth_token": secret.secret_string,
        } | kwargs
        return subject(ElasticacheReplicationGroup(dev, id_, **args), id_)

    redis("redis_ok")
    redis("redis_bad_version", engine_version="5.0.6")
    redis("redis_literal_token", auth_token="literal-auth-token-0123456789")
    subject(
        MqBroker(
            dev,
            "mq_literal",
            broker_name=n.name("mq"),
            engine_type="RabbitMQ",
            engine_version="3.13",
            host_instance_type="mq.t3.micro",
            user=[MqBrokerUser(username="app", password="literal-password-1")],
        ),
        "mq_literal",
    )

    # Tokens changed in Python before synth stay token text in the JSON.
    queue_for_tokens = SqsQueue(dev, "TokenSource", name=n.name("source-dlq"))
    subject(
        SsmParameter(dev, "ssm_mangled_token", name=n.name("param"), type="String", value=queue_for_tokens.arn.upper()),
        "ssm_mangled_token",
    )
    subject(
        KmsKey(
            dev,
            "key_mangled_tag",
            description="fixture",
            enable_key_rotation=True,
            tags={"Source": queue_for_tokens.arn[2:]},
        ),
        "key_mangled_tag",
    )
    subject(SsmParameter(dev, "ssm_ok", name=n.name("param-ok"), type="String", value=queue_for_tokens.arn), "ssm_ok")

    api = ApiGatewayRestApi(dev, "Api", name=n.name("api"))
    method = ApiGatewayMethod(
        dev, "Method", rest_api_id=api.id, resource_id=api.root_resource_id, http_method="GET", authorization="NONE"
    )
    integration = ApiGatewayIntegration(
        dev,
        "Integration",
        rest_api_id=api.id,
        resource_id=api.root_resource_id,
        http_method=method.http_method,
        type="MOCK",
    )
    response = ApiGatewayMethodResponse(
        dev,
        "MethodResponse",
        rest_api_id=api.id,
        resource_id=api.root_resource_id,
        http_method=method.http_method,
        status_code="200",
    )
    common: dict[str, Any] = {
        "rest_api_id": api.id,
        "resource_id": api.root_resource_id,
        "http_method": method.http_method,
        "status_code": response.status_code,
    }
    subject(ApiGatewayIntegrationResponse(dev, "ir_ok", depends_on=[integration], **common), "ir_ok")
    subject(ApiGatewayIntegrationResponse(dev, "ir_missing", **common), "ir_missing")
    subject(
        ApiGatewayIntegrationResponse(dev, "ir_wrong_dependency", depends_on=[method], **common), "ir_wrong_dependency"
    )

    missing = subject(SqsQueue(dev, "q_missing_tags", name=n.name("untagged-dlq")), "q_missing_tags")
    missing.add_override("tags.Owner", "")  # overrides apply after the RequiredTags aspect
    missing.add_override("tags.ManagedBy", "")

    def log_group(id_: str, **kwargs: Any) -> None:
        args: dict[str, Any] = {
            "name": f"/aws/lambda/{n.name(id_.replace('_', '-'))}",
            "retention_in_days": 30,
            "kms_key_id": key.arn,
        } | kwargs
        subject(CloudwatchLogGroup(dev, id_, **{k: v for k, v in args.items() if v is not None}), id_)

    log_group("lg_ok")
    log_group("lg_bad_retention", retention_in_days=45)
    log_group("lg_no_kms", kms_key_id=None)
    log_group("lg_forever", retention_in_days=None)

    dlq = subject(SqsQueue(dev, "q_dlq", name=n.name("orders-dlq")), "q_dlq")
    subject(
        SqsQueue(
            dev,
            "q_ok",
            name=n.name("orders"),
            redrive_policy=json.dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 5}),
        ),
        "q_ok",
    )
    subject(SqsQueue(dev, "q_no_dlq", name=n.name("jobs")), "q_no_dlq")
    suppress(
        subject(SqsQueue(dev, "q_suppressed", name=n.name("replay")), "q_suppressed"),
        "CKV_APP_009",
        "fixture: the consumer parks failed messages in its own table",
    )
    subject(SqsQueue(dev, "q_fifo_dlq", name=n.name("jobs-dlq") + ".fifo", fifo_queue=True), "q_fifo_dlq")

    subject(S3Bucket(dev, "bucket_ok", bucket=n.bucket("assets")), "bucket_ok")
    subject(S3Bucket(dev, "bucket_no_env", bucket=f"{WORKLOAD}-assets-111111111111"), "bucket_no_env")
    subject(SqsQueue(dev, "q_devices", name=f"{WORKLOAD}-devices-dlq"), "q_devices")

    role = IamRole(
        dev,
        "FunctionRole",
        name=n.name("fn-role"),
        assume_role_policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "lambda.amazonaws.com"}}
                ],
            }
        ),
    )

    def function(id_: str, **kwargs: Any) -> None:
        args: dict[str, Any] = {
            "function_name": n.name(id_.replace("_", "-")),
            "role": role.arn,
            "runtime": "python3.12",
            "handler": "index.handler",
            "filename": "fn.zip",
        } | kwargs
        subject(LambdaFunction(dev, id_, **{k: v for k, v in args.items() if v is not None}), id_)

    function("fn_ok")
    function("fn_old_runtime", runtime="python3.8")
    function(
        "fn_image",
        runtime=None,
        handler=None,
        filename=None,
        package_type="Image",
        image_uri="111111111111.dkr.ecr.us-east-1.amazonaws.com/polfix:1.0.0",
    )

    dynamodb_table(dev, "table_dev_unprotected")

    # ------------------------------------------------------------------ prod: deletion protection
    prod = PolicyFixtureStack(app, env=records["prod"], catalog=catalog)
    p = prod.names
    aurora_cluster(prod, "prod_rds_unprotected")
    aurora_cluster(prod, "prod_rds_protected", deletion_protection=True)
    postgres_instance(prod, "prod_db_unprotected", identifier=p.name("db"), deletion_protection=False)
    dynamodb_table(prod, "prod_table_unprotected")
    dynamodb_table(prod, "prod_table_protected", deletion_protection_enabled=True)
    for id_, protected in (("prod_lb_unprotected", False), ("prod_lb_protected", True)):
        subject(
            Lb(
                prod,
                id_,
                name=p.name(id_.replace("_", "-")[5:], max_length=32),
                load_balancer_type="application",
                subnets=["subnet-0aaa", "subnet-0bbb"],
                enable_deletion_protection=protected,
            ),
            id_,
        )

    # ------------------------------------------------------------------ CKV_APP_013 HTTP listeners (prod: HTTPS only)
    answer = LbListenerDefaultAction(
        type="fixed-response",
        fixed_response=LbListenerDefaultActionFixedResponse(content_type="text/plain", status_code="404"),
    )
    to_https = LbListenerDefaultAction(
        type="redirect", redirect=LbListenerDefaultActionRedirect(protocol="HTTPS", port="443", status_code="HTTP_301")
    )
    to_http = LbListenerDefaultAction(
        type="redirect", redirect=LbListenerDefaultActionRedirect(protocol="HTTP", port="8080", status_code="HTTP_301")
    )
    for stack, id_, actions, protocol in (
        (prod, "prod_http_serves", [answer], "HTTP"),
        (prod, "prod_http_redirects", [to_https], "HTTP"),
        (prod, "prod_http_redirects_to_http", [to_http], "HTTP"),
        (prod, "prod_https", [answer], "HTTPS"),
        (dev, "dev_http_serves", [answer], "HTTP"),
    ):
        subject(
            LbListener(
                stack,
                id_,
                load_balancer_arn="arn:aws:elasticloadbalancing:us-east-1:333333333333:"
                "loadbalancer/app/x/0123456789abcdef",
                port=443 if protocol == "HTTPS" else 80,
                protocol=protocol,
                default_action=actions,
                certificate_arn="arn:aws:acm:us-east-1:333333333333:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b"
                if protocol == "HTTPS"
                else None,
                ssl_policy="ELBSecurityPolicy-TLS13-1-2-2021-06" if protocol == "HTTPS" else None,
            ),
            id_,
        )

    # ------------------------------------------------------------------ an ephemeral copy: env id `dev-pr7`
    eph = PolicyFixtureStack(app, env=records["dev"], catalog=catalog, suffix=EPHEMERAL)
    subject(SqsQueue(eph, "eph_base_name", name=f"{WORKLOAD}-jobs-dlq-dev"), "eph_base_name")
    subject(SqsQueue(eph, "eph_ok", name=eph.names.name("jobs-dlq")), "eph_ok")

    # ------------------------------------------------------------------ outside a WorkloadStack: no tags aspect
    plain = TerraformStack(app, "plain-dev")
    AwsProvider(plain, "Aws", region="us-east-1")
    subject(SqsQueue(plain, "plain_queue", name="plain-jobs-dlq-dev"), "plain_queue")
    subject(KmsAlias(plain, "plain_alias_no_env", name="alias/plain-key", target_key_id="key-id"), "plain_alias_no_env")
    subject(KmsAlias(plain, "plain_alias_ok", name="alias/plain-key-dev", target_key_id="key-id"), "plain_alias_ok")

    # ------------------------------------------------------------------ backend variants (backend_check.py)
    PolicyFixtureStack(app, env=records["staging"], catalog=catalog)  # compliant: WorkloadStack's backend
    nolock = TerraformStack(app, "nolock-dev")
    S3Backend(nolock, bucket="tfstate-dev", key="nolock/terraform.tfstate", region="us-east-1", encrypt=True)
    noencrypt = TerraformStack(app, "noencrypt-dev")
    S3Backend(noencrypt, bucket="tfstate-dev", key="noencrypt/terraform.tfstate", region="us-east-1")
    noencrypt.add_override("terraform.backend.s3.use_lockfile", True)
    dynamo = TerraformStack(app, "dynamolock-dev")
    S3Backend(
        dynamo,
        bucket="tfstate-dev",
        key="dynamo/terraform.tfstate",
        region="us-east-1",
        encrypt=True,
        dynamodb_table="tfstate-locks",
    )
    TerraformStack(app, "bootstrap-dev")  # local backend, but exempt

    app.synth()


@scanned_together
def policy_fixture_stacks(folder: Path, request: pytest.FixtureRequest) -> dict[str, Path]:
    """Every fixture stack of `_build` in one App (`folder` is its outdir); the CHECK_STACKS are scanned."""
    del request
    _build(folder)
    return {stack: folder / "stacks" / stack / "cdk.tf.json" for stack in CHECK_STACKS}


@pytest.fixture(scope="session")
def built_stacks(tmp_path_factory: pytest.TempPathFactory) -> BuiltStacks:
    """The registered builders' stacks, built on first use (no Checkov: tests reading only the JSON use this)."""
    return BuiltStacks(tmp_path_factory.mktemp("scanned-together"))


@pytest.fixture(scope="session")
def shared_scan(request: pytest.FixtureRequest, built_stacks: BuiltStacks) -> SharedScan:
    """ONE Checkov run over the policy fixture stacks and the stacks of every builder whose module has a selected
    test (a module run alone builds and scans only its own)."""
    selected = {module.__name__ for item in request.session.items if (module := getattr(item, "module", None))}
    builders = [b for b in SCANNED if b.__module__ in selected or b is policy_fixture_stacks]
    stacks = {builder: built_stacks.get(builder, request) for builder in builders}
    return SharedScan(scan.CheckovRun.over(f for files in stacks.values() for f in files.values()), stacks)


@pytest.fixture(scope="session")
def fixtures(built_stacks: BuiltStacks, shared_scan: SharedScan) -> Fixtures:
    """All fixture stacks, synthesized once, and Checkov's verdicts on CHECK_STACKS from the shared run."""
    files = shared_scan.stacks[policy_fixture_stacks]
    found = Fixtures(built_stacks.folder(policy_fixture_stacks))
    types = {stack: scan.resource_types(path) for stack, path in files.items()}
    for stack, check in shared_scan.checks(files):
        address = scan.typed_address(str(check["resource"]), types[stack])
        found.results.setdefault((stack, address), {})[check["check_id"]] = check["check_result"]["result"]
        found.details[(stack, address, check["check_id"])] = list(check.get("details") or [])
    return found

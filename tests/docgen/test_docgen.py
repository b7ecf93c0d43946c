"""The docs generator's pieces: props tables and attributes (ast), the service-level architecture (folding, flows,
replication), the diagram source and its rendering (Graphviz, librsvg), the environment matrix and the staleness
comparison. No provider bindings are needed here."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

import docgen
from docgen import diagrams as docgen_diagrams
from docgen.arch import build_architecture
from docgen.source import read_module
from docgen.diagrams import workload_source
from docgen.envs import render_environments
from docgen.modules import field_rows, render_modules
from docgen.workloads import pick_environment

SAMPLE = '''\
"""A sample construct for the docs generator.

Defaults:
- retention: `retention_days` (required: it differs per environment)
- encryption with `kms_key_arn`; nothing else
"""
from dataclasses import dataclass, field


@dataclass(frozen=True, kw_only=True)
class SampleProps:
    """Props of Sample. `size` is the number of copies."""

    #: physical name of the thing
    name: str
    retention_days: int
    kms_key_arn: str | None = None
    size: int = 2
    labels: tuple[str, ...] = field(default=(), metadata={"help": "extra labels"})
    extra: list[str] = field(default_factory=list)
    mode: str = "fast"  #: how fast it goes


class Sample(Construct):
    """`thing` and `parts` are public."""

    def __init__(self, scope, id_, *, props: SampleProps):
        super().__init__(scope, id_)
        self.thing = Thing(self, "Thing", name=props.name)
        self.maybe = None if props.size else Other(self, "Other")
        self.parts = [Part(self, f"Part{i}") for i in range(props.size)]
        self.alias = self.thing
        self._hidden = Thing(self, "Hidden")
        self.size = props.size
        self.named = Named(self, props.name + "x")
        self._more()

    @property
    def url(self) -> str:
        return "https://example.com"

    def _more(self) -> Bucket:
        self.items = []
        self.items.append(Item(self, "Item0"))
        self.store = self._store()

    def _store(self) -> Bucket:
        return Bucket(self, "Store")
'''


def _sample(tmp_path: Path) -> Path:
    path = tmp_path / "modules" / "sample.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def test_props_table_from_a_sample_dataclass(tmp_path: Path) -> None:
    docstring, classes = read_module(_sample(tmp_path))
    assert docstring.startswith("A sample construct")
    props = next(c for c in classes if c.name == "SampleProps")
    rows = {row[0]: row[1:] for row in field_rows(props.fields)}
    assert rows["`name`"] == ("`str`", "required", "physical name of the thing")  # `#:` above
    assert rows["`mode`"] == ("`str`", "`'fast'`", "how fast it goes")  # trailing `#:`
    assert rows["`labels`"] == ("`tuple[str, ...]`", "`()`", "extra labels")  # metadata help
    assert rows["`size`"] == ("`int`", "`2`", "size is the number of copies")  # class docstring
    assert rows["`retention_days`"][1:] == (
        "required",
        "retention: retention_days (required: it differs per environment)",
    )  # module "Defaults:"
    assert rows["`kms_key_arn`"] == ("`str \\| None`", "`None`", "encryption with kms_key_arn")
    assert rows["`extra`"] == ("`list[str]`", "`list()`", "")


def test_public_attributes_from_init_and_its_helpers(tmp_path: Path) -> None:
    _, classes = read_module(_sample(tmp_path))
    construct = next(c for c in classes if c.name == "Sample")
    found = {a.name: (a.type, a.construct_id) for a in construct.attributes}
    assert found == {
        "thing": ("Thing", "Thing"),
        "maybe": ("Other | None", "Other"),
        "parts": ("list[Part]", "Part{i}"),
        "alias": ("Thing", "Thing"),
        "size": ("int", ""),
        "named": ("Named", "(computed)"),
        "items": ("list[Item]", "Item0"),
        "store": ("Bucket", ""),
        "url": ("str", "(property)"),
    }


HELPERS = '''\
"""Helpers that build constructs in the scope they are given."""


def guard(scope, *, name: str) -> Guard:
    return Guard(scope, "Guard", name=name)


def untyped(scope):
    return Thing(scope, "Thing")


def counter() -> int:
    return 1
'''

USER = '''\
"""A construct built partly by helpers."""
from modules.helpers import counter, guard, untyped
from other.place import guard as elsewhere


class User:
    """Uses the helpers."""

    def __init__(self, scope, id_):
        self.guard = guard(self, name="g")
        self.plain = untyped(self)
        self.count = counter()
        self.own = own(self)


def own(scope) -> Own:
    return Own(scope, "Mine")
'''


def test_attributes_built_by_imported_helpers_get_their_return_type_and_id(tmp_path: Path) -> None:
    package = tmp_path / "modules"
    package.mkdir()
    (package / "helpers.py").write_text(HELPERS, encoding="utf-8")
    (package / "user.py").write_text(USER, encoding="utf-8")
    _, classes = read_module(package / "user.py")
    found = {a.name: (a.type, a.construct_id) for a in classes[0].attributes}
    # untyped helpers keep the old guess (the called name); helpers with no construct give no id
    # the module's own helpers too
    assert found == {
        "guard": ("Guard", "Guard"),
        "plain": ("untyped", ""),
        "count": ("int", ""),
        "own": ("Own", "Mine"),
    }


def test_module_pages_discover_new_modules(tmp_path: Path) -> None:
    _sample(tmp_path)
    (tmp_path / "modules" / "__init__.py").write_text('"""Package."""\n', encoding="utf-8")
    pages = render_modules(tmp_path / "modules")
    assert sorted(pages) == ["modules/README.md", "modules/sample.md"]
    page = pages["modules/sample.md"]
    assert "## Defaults\n\n- retention: `retention_days` (required: it differs per environment)\n" in page
    assert "### `SampleProps`" in page and "| `thing` | `Thing` | `Thing` |" in page
    assert "[`sample`](sample.md) | A sample construct for the docs generator. |" in pages["modules/README.md"]


def _res(path: str, **body: Any) -> dict[str, Any]:
    return {"//": {"metadata": {"path": f"w-prod/{path}"}}, **body}


def _ref(address: str, attribute: str = "id") -> str:
    return "${" + f"{address}.{attribute}" + "}"


CONFIG: dict[str, Any] = {
    "provider": {"aws": [{"region": "us-east-1"}, {"alias": "dr", "region": "us-west-2"}]},
    "resource": {
        "aws_vpc": {"Vpc": _res("Net/Vpc", cidr_block="10.1.0.0/16")},
        "aws_subnet": {
            "Public0": _res("Net/Public0", vpc_id=_ref("aws_vpc.Vpc")),
            "Private0": _res("Net/Private0", vpc_id=_ref("aws_vpc.Vpc")),
        },
        "aws_nat_gateway": {"Nat0": _res("Net/Nat0", subnet_id=_ref("aws_subnet.Public0"))},
        "aws_lb": {
            "Alb": _res(
                "Lb/Alb",
                name="w-alb-prod",
                internal=False,
                subnets=[_ref("aws_subnet.Public0")],
                security_groups=[_ref("aws_security_group.LbSg")],
                access_logs={"bucket": _ref("aws_s3_bucket.Logs", "bucket")},
            )
        },
        "aws_security_group": {
            "LbSg": _res("Lb/Sg", vpc_id=_ref("aws_vpc.Vpc")),
            "AppSg": _res("App/Sg", vpc_id=_ref("aws_vpc.Vpc")),
            "DbSg": _res("Db/Sg", vpc_id=_ref("aws_vpc.Vpc")),
        },
        "aws_s3_bucket": {
            "Logs": _res("Lb/Logs/Bucket", bucket="w-logs-prod-111111111111"),
            "Data": _res("Data/Bucket", bucket="w-data-prod-111111111111"),
            "Copy": _res("Copy/Bucket", bucket="w-copy-prod-111111111111", provider="aws.dr"),
        },
        "aws_s3_bucket_versioning": {"DataVersions": _res("Data/Versioning", bucket=_ref("aws_s3_bucket.Data"))},
        "aws_lb_listener": {
            "Http": _res(
                "Lb/Http",
                load_balancer_arn=_ref("aws_lb.Alb", "arn"),
                port=80,
                protocol="HTTP",
                default_action=[{"type": "fixed-response"}],
            )
        },
        "aws_lb_target_group": {"Tg": _res("App/Tg", vpc_id=_ref("aws_vpc.Vpc"))},
        "aws_lb_listener_rule": {
            "Rule": _res(
                "App/Rule",
                listener_arn=_ref("aws_lb_listener.Http", "arn"),
                action=[{"target_group_arn": _ref("aws_lb_target_group.Tg", "arn")}],
            )
        },
        "aws_ecs_service": {
            "App": _res(
                "App/Service",
                name="w-api-prod",
                desired_count=2,
                load_balancer=[{"target_group_arn": _ref("aws_lb_target_group.Tg", "arn")}],
                network_configuration={
                    "subnets": [_ref("aws_subnet.Private0")],
                    "security_groups": [_ref("aws_security_group.AppSg")],
                },
                task_definition=_ref("aws_ecs_task_definition.Task", "arn"),
            )
        },
        "aws_ecs_task_definition": {
            "Task": _res(
                "App/Task",
                container_definitions=json.dumps(
                    [{"environment": [{"name": "DB", "value": _ref("aws_rds_cluster.Db", "endpoint")}]}]
                ),
            )
        },
        "aws_vpc_security_group_ingress_rule": {
            "AppFromLb": _res(
                "App/FromLb",
                security_group_id=_ref("aws_security_group.AppSg"),
                from_port=8000,
                referenced_security_group_id=_ref("aws_security_group.LbSg"),
            ),
            "DbFromApp": _res(
                "Db/FromApp",
                security_group_id=_ref("aws_security_group.DbSg"),
                from_port=5432,
                referenced_security_group_id=_ref("aws_security_group.AppSg"),
            ),
        },
        "aws_db_subnet_group": {"DbSubnets": _res("Db/Subnets", subnet_ids=[_ref("aws_subnet.Private0")])},
        "aws_rds_global_cluster": {"Global": _res("Global", engine="aurora-postgresql")},
        "aws_rds_cluster": {
            "Db": _res(
                "Db/Cluster",
                engine="aurora-postgresql",
                cluster_identifier="w-db-prod",
                manage_master_user_password=True,
                db_subnet_group_name=_ref("aws_db_subnet_group.DbSubnets"),
                vpc_security_group_ids=[_ref("aws_security_group.DbSg")],
                global_cluster_identifier=_ref("aws_rds_global_cluster.Global"),
            ),
            "DrDb": _res(
                "DrDb/Cluster",
                engine="aurora-postgresql",
                provider="aws.dr",
                global_cluster_identifier=_ref("aws_rds_global_cluster.Global"),
            ),
        },
        "aws_rds_cluster_instance": {
            f"Db{i}": _res(f"Db/Instance{i}", cluster_identifier=_ref("aws_rds_cluster.Db")) for i in range(2)
        },
        "aws_s3_bucket_replication_configuration": {
            "Replication": _res(
                "Replication/Configuration",
                bucket=_ref("aws_s3_bucket.Data"),
                role=_ref("aws_iam_role.Replicator", "arn"),
                rule=[
                    {
                        "destination": {
                            "bucket": _ref("aws_s3_bucket.Copy", "arn"),
                            "encryption_configuration": {"replica_kms_key_id": _ref("aws_kms_key.Key", "arn")},
                        }
                    }
                ],
            )
        },
        "aws_iam_role": {"Replicator": _res("Replication/Role")},
        "aws_dynamodb_table": {
            "Table": _res("Table/Table", name="w-rules-prod", replica=[{"region_name": "us-west-2"}])
        },
        "aws_lambda_function": {
            "Fn": _res(
                "Fn/Function", function_name="w-check-prod", provider="aws.dr", role=_ref("aws_iam_role.FnRole", "arn")
            )
        },
        "aws_iam_role_policy": {
            "FnPolicy": _res(
                "Fn/Policy",
                provider="aws.dr",
                role=_ref("aws_iam_role.FnRole"),
                policy=json.dumps({"Resource": "arn:aws:dynamodb:us-west-2:1:table/w-rules-prod"}),
            )
        },
        "aws_kms_key": {"Key": _res("Key/Key")},
        # a type no table knows: folded into the node in its construct scope, or left out when it has none
        "aws_future_gadget": {
            "Gadget": _res("Lb/Gadget", target=_ref("aws_lb.Alb", "arn")),
            "Loose": _res("Elsewhere/Loose", note="nothing"),
        },
    },
}


def test_services_fold_the_low_level_resources() -> None:
    arch = build_architecture(CONFIG, "w", "prod")
    services = {s.key: (s.kind, s.label, s.region, s.vpc, s.tier) for s in arch.services}
    assert services == {
        "aws_lb.Alb": ("alb", "Load balancer\nalb", "us-east-1", "aws_vpc.Vpc", "public"),
        "aws_ecs_service.App": ("fargate", "Fargate service\napi\n2 tasks", "us-east-1", "aws_vpc.Vpc", "private"),
        "aws_rds_cluster.Db": ("aurora", "Aurora PostgreSQL\ndb\n2 instances", "us-east-1", "aws_vpc.Vpc", "data"),
        "aws_rds_cluster.DrDb": ("aurora", "Aurora PostgreSQL\nDrDb", "us-west-2", "", ""),
        "aws_s3_bucket.Logs": ("s3", "S3 bucket\nlogs", "us-east-1", "", ""),
        "aws_s3_bucket.Data": ("s3", "S3 bucket\ndata", "us-east-1", "", ""),
        "aws_s3_bucket.Copy": ("s3", "S3 bucket\ncopy", "us-west-2", "", ""),
        "aws_dynamodb_table.Table": ("dynamodb", "DynamoDB\nrules", "us-east-1", "", ""),
        "aws_dynamodb_table.Table@us-west-2": ("replica", "DynamoDB replica\nrules", "us-west-2", "", ""),
        "aws_lambda_function.Fn": ("lambda", "Lambda\ncheck", "us-west-2", "", ""),
        "nat@aws_vpc.Vpc": ("nat", "NAT gateway x1", "us-east-1", "aws_vpc.Vpc", "public"),
        "users": ("users", "Clients", "", "", ""),
    }
    folded = {s.key: s.folded for s in arch.services}
    assert folded["aws_lb.Alb"] == (
        "aws_future_gadget.Gadget",
        "aws_lb.Alb",
        "aws_lb_listener.Http",
        "aws_security_group.LbSg",
    )
    assert folded["aws_ecs_service.App"] == (
        "aws_ecs_service.App",
        "aws_ecs_task_definition.Task",
        "aws_lb_listener_rule.Rule",
        "aws_lb_target_group.Tg",
        "aws_security_group.AppSg",
        "aws_vpc_security_group_ingress_rule.AppFromLb",
    )
    assert folded["aws_s3_bucket.Data"] == (
        "aws_iam_role.Replicator",
        "aws_s3_bucket.Data",
        "aws_s3_bucket_replication_configuration.Replication",
        "aws_s3_bucket_versioning.DataVersions",
    )
    assert "aws_rds_global_cluster.Global" in folded["aws_rds_cluster.Db"]  # the member with the credentials
    assert arch.unplaced == ("aws_future_gadget.Loose",)
    assert arch.regions == (("us-east-1", "us-east-1 (default provider)"), ("us-west-2", "us-west-2 (aws.dr)"))
    assert arch.vpcs == (("aws_vpc.Vpc", "us-east-1", "VPC 10.1.0.0/16"),)
    assert arch.notes == (("us-east-1", "1 KMS key"),)


def test_flows_come_from_rules_references_and_arns() -> None:
    flows = {(f.source, f.target): (f.label, f.style) for f in build_architecture(CONFIG, "w", "prod").flows}
    assert flows == {
        ("users", "aws_lb.Alb"): ("HTTP(S)", "flow"),
        ("aws_lb.Alb", "aws_ecs_service.App"): ("HTTP :80, :8000", "flow"),  # listener rule + security group rule
        ("aws_lb.Alb", "aws_s3_bucket.Logs"): ("access logs", "control"),
        ("aws_ecs_service.App", "aws_rds_cluster.Db"): (":5432", "flow"),  # and the task definition's reference
        ("aws_rds_cluster.Db", "aws_rds_cluster.DrDb"): ("Aurora global database", "replication"),
        ("aws_s3_bucket.Data", "aws_s3_bucket.Copy"): ("S3 replication", "replication"),
        ("aws_dynamodb_table.Table", "aws_dynamodb_table.Table@us-west-2"): ("global table replica", "replication"),
        ("aws_lambda_function.Fn", "aws_dynamodb_table.Table@us-west-2"): ("", "flow"),  # literal ARN, its region
    }


def test_diagram_source_is_deterministic_and_machine_independent() -> None:
    shuffled = json.loads(json.dumps(CONFIG))
    shuffled["resource"] = dict(reversed(list(shuffled["resource"].items())))
    first = workload_source(build_architecture(CONFIG, "w", "prod"), "w (prod)")
    assert first == workload_source(build_architecture(shuffled, "w", "prod"), "w (prod)")
    assert 'image="aws/network/elb-application-load-balancer.png"' in first and "/resources/" not in first
    assert "n_aws_lb_Alb -> n_aws_ecs_service_App" in first
    assert first.count("subgraph cluster_") == 6  # 2 regions, 1 VPC, its 3 tiers
    assert 'label="HTTP :80, :8000"' in first


def test_render_embeds_the_icons_and_marks_the_source(tmp_path: Path) -> None:
    dot = tmp_path / "w.dot"
    dot.write_text(workload_source(build_architecture(CONFIG, "w", "prod"), "w (prod)"), encoding="utf-8")
    assert docgen_diagrams.render(dot) == [tmp_path / "w.svg", tmp_path / "w.png"]
    digest = docgen_diagrams.source_hash(dot.read_text(encoding="utf-8"))
    svg = (tmp_path / "w.svg").read_text(encoding="utf-8")
    assert docgen_diagrams.svg_hash(svg) == digest
    assert 'href="data:image/png;base64,' in svg and '.png"' not in svg  # no file references left
    png = (tmp_path / "w.png").read_bytes()
    assert png.startswith(b"\x89PNG") and docgen_diagrams.png_text(png) == {docgen_diagrams.SOURCE_MARK: digest}
    assert not docgen_diagrams.render(dot)  # up to date: not redrawn


def test_pick_environment_prefers_what_shows_most() -> None:
    small = {
        "provider": {"aws": [{"region": "us-east-1"}]},
        "resource": {"aws_sqs_queue": {"Q": _res("Q/Queue", name="w-q-dev")}},
    }
    assert pick_environment("w", {"dev": small, "staging": CONFIG, "prod": small}) == "staging"
    assert pick_environment("w", {"dev": small, "prod": small}) == "prod"  # a tie: the last


@dataclasses.dataclass(frozen=True)
class _Part:
    size: int = dataclasses.field(metadata={"help": "how big"})
    zones: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class _Record:
    name: str
    region: str
    part: _Part = dataclasses.field(metadata={"help": "the part"})


def test_environment_matrix_splits_differences_from_common_values() -> None:
    records = {
        "dev": _Record("dev", "us-east-1", _Part(1, ["a", "b"])),
        "prod": _Record("prod", "us-east-1", _Part(3, ["a", "b"])),
    }
    text = render_environments(records)["environments.md"]
    assert "| `region` | `us-east-1` | `required` |  |" in text and "| `name` |" not in text
    assert "## `part`: the part" in text
    assert "| `size` | `1` | `3` | `required` | how big |" in text and "| `zones` | `a, b` | `[]` |  |" in text
    text = render_environments(records, {"region": "eu-west-1", "part": {"size": 2}})["environments.md"]
    assert "| `region` | `us-east-1` | `eu-west-1` |  |" in text and "| `size` | `1` | `3` | `2` | how big |" in text


def test_stale_lists_differing_missing_and_leftover_files(tmp_path: Path) -> None:
    generated, committed = tmp_path / "generated", tmp_path / "committed"
    files = {"environments.md": "a\n", "modules/x.md": "x\n", "workloads/w.dot": "digraph w {}\n"}
    docgen.write(files, generated)
    docgen.write({"environments.md": "b\n", "modules/old.md": "old\n"}, committed)
    assert docgen.stale(generated, committed) == [
        "environments.md (differs)",
        "modules/x.md (missing)",
        "workloads/w.dot (missing)",
        "workloads/w.svg (missing)",
        "workloads/w.png (missing)",
        "modules/old.md (no longer generated)",
    ]
    assert docgen.stale(generated, committed, complete=False)[-1] == "workloads/w.png (missing)"
    changed = docgen.write(files, committed)
    assert changed == ["environments.md", "modules/x.md", "workloads/w.dot", "modules/old.md (removed)"]
    assert docgen.draw(committed) == ["workloads/w.svg", "workloads/w.png"]
    assert not docgen.stale(generated, committed)
    assert not docgen.write(files, generated)  # unchanged files are not rewritten
    assert not docgen.write(files, committed)  # nor are the drawn images removed


def test_pictures_drawn_from_another_source_are_stale(tmp_path: Path) -> None:
    generated, committed = tmp_path / "generated", tmp_path / "committed"
    docgen.write({"workloads/w.dot": "digraph w { a -> b }\n"}, committed)
    docgen.draw(committed)
    docgen.write({"workloads/w.dot": "digraph w { a -> c }\n"}, generated)
    assert docgen.stale(generated, committed) == [
        "workloads/w.dot (differs)",
        "workloads/w.svg (drawn from another source)",
        "workloads/w.png (drawn from another source)",
    ]
    (committed / "workloads" / "w.dot").write_text("digraph w { a -> c }\n", encoding="utf-8")  # source only
    assert docgen.stale(generated, committed) == [
        "workloads/w.svg (drawn from another source)",
        "workloads/w.png (drawn from another source)",
    ]
    (committed / "workloads" / "stray.svg").write_text("<svg/>", encoding="utf-8")
    assert docgen.stale(generated, committed)[-1] == "workloads/stray.svg (no longer generated)"


def test_generic_edges_against_ruled_ones_are_dropped_or_drawn_back() -> None:
    config = {
        "provider": {"aws": [{"region": "us-east-1"}]},
        "resource": {
            "aws_s3_bucket": {"In": _res("In/Bucket", bucket="w-in-prod-1")},
            "aws_sqs_queue": {"Q": _res("Q/Queue", name="w-q-prod")},
            "aws_s3_bucket_notification": {
                "N": _res(
                    "In/Notification",
                    bucket=_ref("aws_s3_bucket.In"),
                    queue=[{"queue_arn": _ref("aws_sqs_queue.Q", "arn")}],
                )
            },
            "aws_lambda_function": {
                "Fn": _res(
                    "Fn/Function",
                    function_name="w-fn-prod",
                    environment={
                        "variables": {
                            "QUEUE": _ref("aws_sqs_queue.Q", "url"),
                            "BUCKET": _ref("aws_s3_bucket.In", "bucket"),
                        }
                    },
                )
            },
            "aws_lambda_event_source_mapping": {
                "M": _res(
                    "Fn/Trigger",
                    event_source_arn=_ref("aws_sqs_queue.Q", "arn"),
                    function_name=_ref("aws_lambda_function.Fn", "arn"),
                )
            },
        },
    }
    flows = {(f.source, f.target): (f.label, f.style) for f in build_architecture(config, "w", "prod").flows}
    assert flows == {
        ("users", "aws_s3_bucket.In"): ("upload", "flow"),
        ("aws_s3_bucket.In", "aws_sqs_queue.Q"): ("object events", "flow"),
        ("aws_sqs_queue.Q", "aws_lambda_function.Fn"): ("trigger", "flow"),
        ("aws_lambda_function.Fn", "aws_s3_bucket.In"): ("", "back"),  # reads what triggered it; not ranked
    }  # the function's queue URL restates the trigger: no edge


def test_drawing_without_graphviz_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docgen.write({"workloads/w.dot": "digraph w { a -> b }\n"}, tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(RuntimeError, match=r"^`dot` is not installed: run `make system-tools` \(Debian: graphviz"):
        docgen.draw(tmp_path)
    assert sorted(p.name for p in (tmp_path / "workloads").iterdir()) == ["w.dot"]  # nothing drawn


def test_web_acls_and_backup_plans_become_nodes_with_their_edges() -> None:
    config = {
        "provider": {"aws": {"region": "eu-west-1"}},
        "resource": {  # a single provider block as a dict
            "aws_api_gateway_rest_api": {"Api": _res("Api/Api", name="w-api-prod")},
            "aws_api_gateway_stage": {"Stage": _res("Api/Stage", rest_api_id=_ref("aws_api_gateway_rest_api.Api"))},
            "aws_api_gateway_account": {"Account": _res("Api/Account")},
            "aws_wafv2_web_acl": {"Acl": _res("Waf/Acl", name="w-acl-prod")},
            "aws_wafv2_web_acl_association": {
                "Assoc": _res(
                    "Waf/Association",
                    web_acl_arn=_ref("aws_wafv2_web_acl.Acl", "arn"),
                    resource_arn=_ref("aws_api_gateway_stage.Stage", "arn"),
                )
            },
            "aws_db_instance": {"Db": _res("Db/Instance", identifier="w-db-prod", engine="postgres")},
            "aws_backup_vault": {"Vault": _res("Backup/Vault")},
            "aws_backup_plan": {
                "Plan": _res(
                    "Backup/Plan",
                    name="w-backup-prod",
                    rule=[{"target_vault_name": _ref("aws_backup_vault.Vault", "name")}],
                )
            },
            "aws_backup_selection": {
                "Sel": _res(
                    "Backup/Selection",
                    plan_id=_ref("aws_backup_plan.Plan"),
                    resources=[_ref("aws_db_instance.Db", "arn")],
                )
            },
        },
    }
    arch = build_architecture(config, "w", "prod")
    assert {s.key: (s.kind, s.label, s.folded) for s in arch.services if s.kind in ("waf", "backup", "apigw")} == {
        "aws_wafv2_web_acl.Acl": ("waf", "WAF\nacl", ("aws_wafv2_web_acl.Acl", "aws_wafv2_web_acl_association.Assoc")),
        "aws_backup_plan.Plan": (
            "backup",
            "Backup\nbackup",
            ("aws_backup_plan.Plan", "aws_backup_selection.Sel", "aws_backup_vault.Vault"),
        ),
        "aws_api_gateway_rest_api.Api": (
            "apigw",
            "API Gateway\napi",
            ("aws_api_gateway_account.Account", "aws_api_gateway_rest_api.Api", "aws_api_gateway_stage.Stage"),
        ),
    }
    assert [(f.source, f.target, f.label, f.style) for f in arch.flows] == [
        ("aws_backup_plan.Plan", "aws_db_instance.Db", "backup", "control"),
        ("aws_wafv2_web_acl.Acl", "aws_api_gateway_rest_api.Api", "filters", "control"),
        ("users", "aws_api_gateway_rest_api.Api", "HTTPS", "flow"),
    ]
    assert arch.regions == (("eu-west-1", "eu-west-1 (default provider)"),) and not arch.unplaced


def test_props_inherit_the_documented_fields_of_their_base(tmp_path: Path) -> None:
    package = tmp_path / "modules"
    package.mkdir()
    (package / "shared.py").write_text(
        '"""Shared."""\nfrom dataclasses import dataclass\n\n\n@dataclass(frozen=True)\nclass Base:\n'
        '    """Base."""\n\n    name: str  #: what it is called\n    port: int = 5432  #: where it listens\n',
        encoding="utf-8",
    )
    (package / "user.py").write_text(
        '"""User."""\nfrom dataclasses import dataclass\n\nfrom modules.shared import Base\n\n\n'
        '@dataclass(frozen=True)\nclass Local(Base):\n    """Local."""\n\n    size: int  #: how big\n\n\n'
        '@dataclass(frozen=True)\nclass Deeper(Local):\n    """Deeper."""\n\n    colour: str = "red"  #: its colour\n',
        encoding="utf-8",
    )
    _, classes = read_module(package / "user.py")
    found = {c.name: [(f.name, f.default, f.description) for f in c.fields] for c in classes}
    base = [("name", "required", "what it is called"), ("port", "5432", "where it listens")]
    assert found == {
        "Local": [*base, ("size", "required", "how big")],
        "Deeper": [*base, ("size", "required", "how big"), ("colour", "'red'", "its colour")],
    }

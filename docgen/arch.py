"""The service-level architecture of one synthesized stack (cdk.tf.json), for the diagrams of docgen/diagrams.py.

Every resource becomes one of:
- a service node: its type is in SERVICE_TYPES (load balancer, Fargate service, Aurora cluster, table, function,
  queue, topic, API, API custom domain, hosted zone, web ACL, backup plan, cache, bucket, registry); each
  DynamoDB `replica` block adds a replica node in its region; CloudWatch alarms and dashboards of one region
  share one node (GROUPED_TYPES);
- part of a VPC (NETWORK_TYPES: subnets, routes, gateways, flow logs, endpoints); a VPC's NAT gateways are one node;
- a note (NOTE_TYPES: KMS keys, counted per region);
- folded into the service node it serves: every other type, known or not. Its owner is the one service node in the
  nearest construct scope above it (several: the one it refers to or is referred to by), else the node named by
  its OWNER_KEYS attribute, else the one owner among the resources it refers to or is referred to by; a resource
  with no owner is left out of the picture (listed as `unplaced`), never an error.

Edges (data flow) come from EDGE_RULES where a type has one (security-group rules, event source mappings, bucket
notifications, subscriptions, listeners, replication, failover records, health checks, alarm actions, web ACL
associations, backup selections, Aurora global clusters, none for certificate validations), else from `${...}`
references between resources of different nodes (not `depends_on`, not resource policies: POLICY_TYPES), and from
literal ARNs of known tables,
queues, topics and buckets. Arrows point from the caller to the called; a generic edge that restates a ruled one
backwards is dropped. Deterministic: nodes,
edges and labels are sorted.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

SERVICE_TYPES = {
    "aws_lb": "alb",
    "aws_alb": "alb",
    "aws_ecs_service": "fargate",
    "aws_rds_cluster": "aurora",
    "aws_db_instance": "rds",
    "aws_dynamodb_table": "dynamodb",
    "aws_lambda_function": "lambda",
    "aws_sqs_queue": "sqs",
    "aws_sns_topic": "sns",
    "aws_api_gateway_rest_api": "apigw",
    "aws_api_gateway_domain_name": "apigw",  # a custom domain (its certificate and mapping fold into it)
    "aws_apigatewayv2_api": "apigw",
    "aws_route53_zone": "route53",
    "aws_wafv2_web_acl": "waf",
    "aws_backup_plan": "backup",
    "aws_elasticache_replication_group": "elasticache",
    "aws_elasticache_cluster": "elasticache",
    "aws_s3_bucket": "s3",
    "aws_ecr_repository": "ecr",
    "aws_cloudfront_distribution": "cloudfront",
}
GROUPED_TYPES = {
    "aws_cloudwatch_metric_alarm": "cloudwatch",
    "aws_cloudwatch_composite_alarm": "cloudwatch",
    "aws_cloudwatch_dashboard": "cloudwatch",
}
NETWORK_TYPES = frozenset(
    "aws_vpc aws_subnet aws_route_table aws_route aws_route_table_association aws_internet_gateway "
    "aws_egress_only_internet_gateway aws_nat_gateway aws_eip aws_flow_log aws_vpc_endpoint "
    "aws_default_security_group aws_default_network_acl aws_default_route_table aws_network_acl "
    "aws_network_acl_rule aws_network_acl_association aws_vpc_dhcp_options aws_vpc_dhcp_options_association "
    "aws_main_route_table_association aws_vpc_endpoint_route_table_association".split()
)
NOTE_TYPES = {"aws_kms_key": "KMS key", "aws_kms_alias": None, "aws_kms_replica_key": "KMS key"}
# Resource policies say who may call a resource; the caller's side already shows the flow.
POLICY_TYPES = frozenset(
    "aws_sqs_queue_policy aws_sns_topic_policy aws_s3_bucket_policy aws_lambda_permission "
    "aws_ecr_repository_policy aws_kms_key_policy aws_cloudwatch_log_resource_policy".split()
)
# The attribute naming the resource a low-level resource belongs to, where its construct scope does not tell.
OWNER_KEYS = {
    "aws_s3_bucket_": "bucket",
    "aws_lambda_event_source_mapping": "function_name",
    "aws_lambda_permission": "function_name",
    "aws_sns_topic_": "topic_arn",
    "aws_sqs_queue_": "queue_url",
    "aws_wafv2_web_acl_association": "web_acl_arn",
    "aws_backup_selection": "plan_id",
    "aws_iam_role_policy": "role",
    "aws_iam_role_policy_attachment": "role",
    "aws_route53_record": "zone_id",
    "aws_lb_listener": "load_balancer_arn",
    "aws_lb_listener_rule": "listener_arn",
    "aws_rds_cluster_instance": "cluster_identifier",
    "aws_api_gateway_": "rest_api_id",
    "aws_appautoscaling_policy": "resource_id",
}
TIERS = ("public", "private", "data")
STYLES = ("replication", "flow", "back", "control")  # when two edges join, the first of these wins
KIND_TIERS = {
    "alb": "public",
    "nat": "public",
    "fargate": "private",
    "lambda": "private",
    "aurora": "data",
    "rds": "data",
    "elasticache": "data",
}
TITLES = {
    "alb": "Load balancer",
    "fargate": "Fargate service",
    "aurora": "Aurora",
    "rds": "RDS",
    "dynamodb": "DynamoDB",
    "lambda": "Lambda",
    "sqs": "SQS queue",
    "sns": "SNS topic",
    "apigw": "API Gateway",
    "route53": "Route 53",
    "waf": "WAF",
    "backup": "Backup",
    "elasticache": "ElastiCache",
    "s3": "S3 bucket",
    "ecr": "ECR",
    "cloudfront": "CloudFront",
    "cloudwatch": "CloudWatch",
    "nat": "NAT gateway",
    "users": "Clients",
    "email": "E-mail subscribers",
    "replica": "DynamoDB replica",
}
# Folded types counted on their node's label ("3 instances").
DETAILS = {
    "aws_rds_cluster_instance": "instance",
    "aws_api_gateway_method": "method",
    "aws_nat_gateway": "NAT",
    "aws_cloudwatch_metric_alarm": "alarm",
    "aws_cloudwatch_composite_alarm": "alarm",
    "aws_cloudwatch_dashboard": "dashboard",
    "aws_route53_health_check": "health check",
    "aws_route53_record": "record",
}
NAME_KEYS = (
    "name",
    "bucket",
    "function_name",
    "cluster_identifier",
    "identifier",
    "replication_group_id",
    "domain_name",
)
ENTRY_KINDS = ("route53", "cloudfront", "apigw", "alb")
GLOBAL_KINDS = ("route53", "cloudfront", "users", "email")
ARN_KINDS = {
    "dynamodb": r"arn:aws:dynamodb:([a-z0-9-]+):\d+:table/([\w.-]+)",
    "sqs": r"arn:aws:sqs:([a-z0-9-]+):\d+:([\w.-]+)",
    "sns": r"arn:aws:sns:([a-z0-9-]+):\d+:([\w.-]+)",
    "s3": r"arn:aws:s3:::()([\w.-]+)",
}
_REF = re.compile(r"\$\{[^}]*\}")
_ADDRESS = re.compile(r"(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)")


@dataclass(frozen=True)
class Service:
    """One node of the picture."""

    key: str
    kind: str
    label: str
    region: str
    vpc: str = ""
    tier: str = ""
    folded: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flow:
    """source -> target (the caller -> the called); style: flow, back (a flow against the ruled ones, e.g. a function
    reading the bucket whose events trigger it), replication (between regions or stores) or control (logs, health
    checks, alarms, image pulls)."""

    source: str
    target: str
    label: str
    style: str = "flow"


@dataclass(frozen=True)
class Architecture:
    """Regions (key, label), VPCs (key, region, label), services, flows, notes per region, unplaced addresses."""

    regions: tuple[tuple[str, str], ...]
    vpcs: tuple[tuple[str, str, str], ...]
    services: tuple[Service, ...]
    flows: tuple[Flow, ...]
    notes: tuple[tuple[str, str], ...] = ()
    unplaced: tuple[str, ...] = ()


@dataclass
class _Resource:
    address: str
    type: str
    path: str
    region: str
    body: dict[str, Any]
    refs: set[str] = field(default_factory=set)


def strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(top-level key, string) of every string inside a JSON value (not `//` metadata, not `depends_on`)."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            if name not in ("//", "depends_on"):
                yield from strings(item, key or name)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, key)


def references(value: Any, known: set[str] | dict[str, Any]) -> set[str]:
    """Every known address referred to by `${...}` inside `value`."""
    found = set()
    for _, text in strings(value):
        for expression in _REF.findall(text):
            for match in _ADDRESS.finditer(expression):
                address = f"{match.group(1) or ''}{match.group(2)}.{match.group(3)}"
                if address in known:
                    found.add(address)
    return found


def _regions(config: dict[str, Any]) -> dict[str, str]:
    """{provider key ("" for the default aws provider, else "aws.<alias>"): region}."""
    found: dict[str, str] = {}
    items = (config.get("provider", {}) or {}).get("aws", []) or []
    for item in [items] if isinstance(items, dict) else items:
        if isinstance(item, dict):
            found["aws." + item["alias"] if item.get("alias") else ""] = str(item.get("region", "unknown"))
    return found or {"": "unknown"}


def _load(config: dict[str, Any]) -> dict[str, _Resource]:
    regions = _regions(config)
    default = regions.get("", next(iter(regions.values())))
    resources: dict[str, _Resource] = {}
    for rtype, items in sorted((config.get("resource") or {}).items()):
        for name, body in sorted((items or {}).items()):
            if not isinstance(body, dict):
                continue
            path = str(body.get("//", {}).get("metadata", {}).get("path", f"{rtype}.{name}")).split("/", 1)[-1]
            region = regions.get(str(body.get("provider", "")), default)
            resources[f"{rtype}.{name}"] = _Resource(f"{rtype}.{name}", rtype, path, region, body)
    for resource in resources.values():
        resource.refs = references(resource.body, resources) - {resource.address}
    return resources


def _prefix_value(table: dict[str, str], rtype: str) -> str | None:
    matches = [p for p in table if rtype == p or (p.endswith("_") and rtype.startswith(p))]
    return table[max(matches, key=len)] if matches else None


def _short(name: str, workload: str, environment: str) -> str:
    match = re.fullmatch(rf"{re.escape(workload)}-(.+?)-{re.escape(environment)}(-[a-z0-9]+)*", name)
    return match.group(1) if match else name


def _name(resource: _Resource, workload: str, environment: str) -> str:
    for key in NAME_KEYS:
        value = resource.body.get(key)
        if isinstance(value, str) and value and "${" not in value:
            return _short(value, workload, environment)
    parts = [
        p
        for p in resource.path.split("/")
        if p not in ("Bucket", "Table", "Queue", "Topic", "Function", "Cluster", "Api", "Service", "Alb", "Instance")
    ]
    return parts[-1] if parts else resource.path


class _Builder:  # pylint: disable=too-many-instance-attributes
    """Folds the resources of one stack into services and flows."""

    def __init__(self, config: dict[str, Any], workload: str, environment: str) -> None:
        self.resources = _load(config)
        self.regions = _regions(config)
        self.workload, self.environment = workload, environment
        self.owner: dict[str, str] = {}  # address -> service key (or "vpc:<address>" for network parts)
        self.services: dict[str, dict[str, Any]] = {}
        self.flows: dict[tuple[str, str], dict[str, Any]] = {}
        self.referrers: dict[str, set[str]] = defaultdict(set)
        for resource in self.resources.values():
            for target in resource.refs:
                self.referrers[target].add(resource.address)

    # --- nodes -------------------------------------------------------------------------------------------------
    def add_service(self, key: str, kind: str, label: str, region: str) -> None:
        """A node (kept as it is when the key exists); global kinds get no region."""
        region = "" if kind in GLOBAL_KINDS else region
        self.services.setdefault(key, {"kind": kind, "label": label, "region": region, "vpc": ""})

    def place(self) -> None:
        """Service, grouped, network and note resources first; then fold the rest."""
        for address, res in self.resources.items():
            kind = SERVICE_TYPES.get(res.type)
            if kind:
                self.add_service(address, kind, _name(res, self.workload, self.environment), res.region)
                self.owner[address] = address
                for replica in res.body.get("replica", []) if kind == "dynamodb" else []:
                    region = str(replica.get("region_name", "")) if isinstance(replica, dict) else ""
                    if region:
                        self.add_service(
                            f"{address}@{region}", "replica", _name(res, self.workload, self.environment), region
                        )
            elif res.type in GROUPED_TYPES:
                key = f"{GROUPED_TYPES[res.type]}@{res.region}"
                self.add_service(key, GROUPED_TYPES[res.type], "alarms", res.region)
                self.owner[address] = key
        vpcs = {a: r for a, r in self.resources.items() if r.type == "aws_vpc"}
        for address, res in self.resources.items():
            if res.type in NETWORK_TYPES:
                vpc = self._vpc_of(res, vpcs)
                self.owner[address] = f"vpc:{vpc}" if vpc else ""
                if res.type == "aws_nat_gateway" and vpc:
                    self.add_service(f"nat@{vpc}", "nat", "", res.region)
                    self.services[f"nat@{vpc}"]["vpc"] = vpc
                    self.owner[address] = f"nat@{vpc}"
            elif res.type in NOTE_TYPES:
                self.owner[address] = ""
        self._fold()

    def _vpc_of(self, res: _Resource, vpcs: dict[str, _Resource]) -> str:
        if res.type == "aws_vpc":
            return res.address
        seen, todo = set(), [res.address]
        while todo:  # follow references through network resources to a VPC
            current = todo.pop()
            if current in vpcs:
                return current
            seen.add(current)
            todo += sorted(
                t for t in self.resources[current].refs if t not in seen and self.resources[t].type in NETWORK_TYPES
            )
        same_scope = sorted((len(_common(v.path, res.path)), a) for a, v in vpcs.items() if v.region == res.region)
        return same_scope[-1][1] if same_scope else ""

    def _fold(self) -> None:
        pending = sorted(a for a in self.resources if a not in self.owner)
        for address in pending:
            owner = self._by_scope(address) or self._by_key(address)
            if owner:
                self.owner[address] = owner
        changed = True
        while changed:  # by reference, until nothing changes
            changed = False
            for address in pending:
                if address not in self.owner:
                    owner = self._by_key(address) or self._by_neighbours(address)
                    if owner:
                        self.owner[address], changed = owner, True

    def _service_owner(self, address: str) -> str:
        owner = self.owner.get(address, "")
        return owner if owner in self.services else ""

    def _by_scope(self, address: str) -> str:
        res = self.resources[address]
        parts = res.path.split("/")[:-1]
        while parts:
            scope = "/".join(parts) + "/"
            candidates = sorted(
                {
                    self._service_owner(a)
                    for a, r in self.resources.items()
                    if r.path.startswith(scope) and self._service_owner(a) and SERVICE_TYPES.get(r.type)
                }
            )
            if len(candidates) == 1:
                return candidates[0]
            if candidates:
                linked = [c for c in candidates if c in res.refs or address in self.resources[c].refs]
                return linked[0] if len(linked) == 1 else ""
            parts.pop()
        return ""

    def _by_key(self, address: str) -> str:
        res = self.resources[address]
        key = _prefix_value(OWNER_KEYS, res.type)
        if not key or key not in res.body:
            return ""
        owners = sorted({self._service_owner(t) for t in references(res.body[key], self.resources)} - {""})
        return owners[0] if len(owners) == 1 else ""

    def _by_neighbours(self, address: str) -> str:
        res = self.resources[address]
        for owner_of in (self._service_owner, lambda t: self.owner.get(t, "")):
            for group in (res.refs, self.referrers.get(address, set())):
                owners = {owner_of(t) for t in group} - {""}
                if len(owners) == 1:
                    return owners.pop()
        return ""

    # --- edges -------------------------------------------------------------------------------------------------
    def add_flow(self, source: str, target: str, label: str, style: str = "flow", ruled: bool = True) -> None:
        """An edge (joined with an existing one: labels merge, the strongest style wins); `ruled`: from EDGE_RULES."""
        if not source or not target or source == target:
            return
        flow = self.flows.setdefault((source, target), {"labels": set(), "style": style, "ruled": ruled})
        if label:
            flow["labels"].add(label)
        if STYLES.index(style) < STYLES.index(flow["style"]):
            flow["style"] = style
        flow["ruled"] = flow["ruled"] or ruled

    def node_of(self, address: str) -> str:
        """The service node an address belongs to ('' when none)."""
        return self._service_owner(address)

    def refs_in(self, res: _Resource, *keys: str) -> list[str]:
        """Service nodes referred to under the given top-level keys of a resource."""
        found = set()
        for key in keys:
            if key in res.body:
                found |= {self.node_of(a) for a in references(res.body[key], self.resources)}
        return sorted(found - {""})

    def connect(self) -> None:
        """Every edge: ruled types by their rule, the rest by reference and by literal ARN."""
        arns = self._arn_index()
        for address, res in self.resources.items():
            rule = _prefix_rule(res.type)
            source = self.node_of(address)
            if rule:
                rule(self, res)
                continue
            if res.type in POLICY_TYPES or not source or res.type in GROUPED_TYPES:
                continue
            for key, text in strings(res.body):
                for expression in _REF.findall(text):
                    for match in _ADDRESS.finditer(expression):
                        target = self.node_of(f"{match.group(1) or ''}{match.group(2)}.{match.group(3)}")
                        label, style = KEY_LABELS.get(key, ("", "flow"))
                        if target and self.services[target]["kind"] == "ecr":
                            label, style = "image", "control"
                        self.add_flow(source, target, label, style, ruled=False)
                for kind, pattern in ARN_KINDS.items():
                    for region, name in re.findall(pattern, text):
                        target = arns.get((kind, region or "", name)) or arns.get((kind, "", name), "")
                        self.add_flow(source, target, "", "flow", ruled=False)
        self._global_clusters()
        for (source, target), flow in list(self.flows.items()):
            # a generic edge against ruled ones (a function reading the bucket whose events trigger it): drawn, but
            # it does not rank the nodes
            reverse = self.flows.get((target, source))
            if not flow["ruled"] and reverse and reverse["ruled"]:  # restates a ruled edge (a trigger's queue)
                del self.flows[(source, target)]
            elif not flow["ruled"] and flow["style"] == "flow" and self._ruled_path(target, source):
                flow["style"] = "back"

    def _ruled_path(self, start: str, goal: str) -> bool:
        seen, todo = {start}, [start]
        while todo:
            current = todo.pop()
            if current == goal:
                return True
            for (source, target), flow in self.flows.items():
                if source == current and flow["ruled"] and target not in seen:
                    seen.add(target)
                    todo.append(target)
        return False

    def _arn_index(self) -> dict[tuple[str, str, str], str]:
        index: dict[tuple[str, str, str], str] = {}
        for key, service in self.services.items():
            kind = "dynamodb" if service["kind"] == "replica" else service["kind"]
            base = self.resources.get(key.split("@")[0])
            if kind in ARN_KINDS and base is not None:
                name = base.body.get("bucket" if kind == "s3" else "name")
                if isinstance(name, str):
                    index[(kind, "" if kind == "s3" else service["region"], name)] = key
        return index

    def _global_clusters(self) -> None:
        for address, res in self.resources.items():
            if res.type != "aws_rds_global_cluster":
                continue
            members = sorted(
                self.node_of(a)
                for a in self.referrers.get(address, set())
                if self.resources[a].type == "aws_rds_cluster"
            )
            primaries = [
                m for m in members if {"master_username", "manage_master_user_password"} & set(self.resources[m].body)
            ] or members[:1]
            for member in members:
                if primaries and member != primaries[0]:
                    self.add_flow(primaries[0], member, "Aurora global database", "replication")
            if members:
                self.owner[address] = primaries[0] if primaries else members[0]

    def build(self) -> Architecture:
        """The finished architecture."""
        self.place()
        for key, service in self.services.items():
            if key in self.resources:
                service["vpc"] = self._service_vpc(key)
        self.connect()
        self._entries()
        folded: dict[str, list[str]] = defaultdict(list)
        for address, owner in self.owner.items():
            if owner in self.services:
                folded[owner].append(address)
        services = []
        for key, service in sorted(self.services.items()):
            kind, vpc = service["kind"], service["vpc"]
            tier = (
                (
                    "private"
                    if kind == "alb" and self.resources[key].body.get("internal") is True
                    else KIND_TIERS.get(kind, "")
                )
                if vpc
                else ""
            )
            label = self._label(key, service, folded.get(key, []))
            services.append(Service(key, kind, label, service["region"], vpc, tier, tuple(sorted(folded[key]))))
        flows = tuple(
            Flow(s, t, ", ".join(sorted(f["labels"], key=lambda x: (x.startswith(":"), x))), f["style"])
            for (s, t), f in sorted(self.flows.items())
        )
        notes = Counter(r.region for r in self.resources.values() if NOTE_TYPES.get(r.type))
        used = sorted(({s.region for s in services} | set(notes)) - {""})
        aliases = {region: key for key, region in sorted(self.regions.items(), reverse=True)}
        regions = tuple((r, f"{r} ({aliases[r] or 'default provider'})" if r in aliases else r) for r in used)
        vpcs = tuple(
            (a, r.region, f"VPC {r.body.get('cidr_block', '')}".strip())
            for a, r in self.resources.items()
            if r.type == "aws_vpc"
        )
        unplaced = tuple(
            sorted(a for a, r in self.resources.items() if a not in self.owner and r.type not in NOTE_TYPES)
        )
        return Architecture(
            regions,
            vpcs,
            tuple(services),
            flows,
            tuple((r, f"{n} KMS key{'s' if n > 1 else ''}") for r, n in sorted(notes.items())),
            unplaced,
        )

    def _service_vpc(self, key: str) -> str:
        members = [a for a, o in self.owner.items() if o == key]
        for address in sorted(members):
            for target in sorted(self.resources[address].refs):
                owner = self.owner.get(target, "")
                if owner.startswith("vpc:"):
                    return owner[4:]
        return ""

    def _entries(self) -> None:
        targets = {t for (_, t), f in self.flows.items() if f["style"] == "flow"}
        uploads = sorted({s for (s, _), f in self.flows.items() if "object events" in f["labels"]} - targets)
        entries = []
        for key, service in self.services.items():
            if service["kind"] not in ENTRY_KINDS or key in targets:
                continue
            if service["kind"] == "alb" and self.resources[key].body.get("internal") is True:
                continue
            entries.append(key)
        if entries:
            self.add_service("users", "users", "", "")
            for key in sorted(entries):
                self.add_flow("users", key, "HTTPS" if self.services[key]["kind"] != "alb" else "HTTP(S)")
        if uploads:
            self.add_service("users", "users", "", "")
            for key in uploads:
                self.add_flow("users", key, "upload")

    def _label(self, key: str, service: dict[str, Any], folded: list[str]) -> str:
        kind = service["kind"]
        title = TITLES.get(kind, kind)
        base = self.resources.get(key.split("@")[0])
        if base is not None and kind in ("aurora", "rds", "elasticache"):
            engine = str(base.body.get("engine", "")).replace("aurora-", "")
            title += {
                "postgresql": " PostgreSQL",
                "postgres": " PostgreSQL",
                "mysql": " MySQL",
                "redis": " Redis",
                "valkey": " Valkey",
            }.get(engine, "")
        counts = Counter(self.resources[a].type for a in folded if self.resources[a].type in DETAILS)
        if kind == "nat":
            title += f" x{sum(1 for a in folded if self.resources[a].type == 'aws_nat_gateway')}"
            counts.clear()
        details = [f"{n} {DETAILS[t]}{'s' if n > 1 else ''}" for t, n in sorted(counts.items())]
        integrations = {
            str(self.resources[a].body.get("type", ""))
            for a in folded
            if self.resources[a].type == "aws_api_gateway_integration"
        }
        if kind == "apigw" and integrations == {"MOCK"}:
            details.append("MOCK integration")
        if kind == "fargate" and base is not None and isinstance(base.body.get("desired_count"), int):
            details.append(f"{base.body['desired_count']} task{'s' if base.body['desired_count'] > 1 else ''}")
        lines = [title]
        if service["label"] and kind not in ("cloudwatch", "nat", "users"):
            lines.append(service["label"])
        return "\n".join(lines + details[:2])


def _common(a: str, b: str) -> str:
    parts = []
    for x, y in zip(a.split("/"), b.split("/")):
        if x != y:
            break
        parts.append(x)
    return "/".join(parts)


def _port(body: dict[str, Any]) -> str:
    port = body.get("from_port")
    return f":{port}" if isinstance(port, int) and port > 0 else ""


def _sg_ingress(builder: _Builder, res: _Resource) -> None:
    for source in builder.refs_in(res, "referenced_security_group_id", "source_security_group_id"):
        for target in builder.refs_in(res, "security_group_id"):
            builder.add_flow(source, target, _port(res.body))


def _sg_egress(builder: _Builder, res: _Resource) -> None:
    for source in builder.refs_in(res, "security_group_id"):
        for target in builder.refs_in(res, "referenced_security_group_id", "source_security_group_id"):
            builder.add_flow(source, target, _port(res.body))


def _sg_rule(builder: _Builder, res: _Resource) -> None:
    (_sg_egress if res.body.get("type") == "egress" else _sg_ingress)(builder, res)


def _simple(
    source_keys: tuple[str, ...],
    target_keys: tuple[str, ...],
    label: str | Callable[[_Resource], str],
    style: str = "flow",
) -> Callable[[_Builder, _Resource], None]:
    def rule(builder: _Builder, res: _Resource) -> None:
        text = label(res) if callable(label) else label
        sources = builder.refs_in(res, *source_keys) if source_keys else [builder.node_of(res.address)]
        for source in sources:
            for target in builder.refs_in(res, *target_keys):
                builder.add_flow(source, target, text, style)

    return rule


def _listener_label(res: _Resource) -> str:
    return f"{res.body.get('protocol', '')} :{res.body.get('port', '')}".strip() if "port" in res.body else ""


def _listener_rule(builder: _Builder, res: _Resource) -> None:
    listeners = sorted(references(res.body.get("listener_arn", ""), builder.resources))
    label = _listener_label(builder.resources[listeners[0]]) if listeners else ""
    for source in builder.refs_in(res, "listener_arn"):
        for target in builder.refs_in(res, "action"):
            builder.add_flow(source, target, label)


def _subscription(builder: _Builder, res: _Resource) -> None:
    protocol = str(res.body.get("protocol", ""))
    targets = builder.refs_in(res, "endpoint")
    if not targets and protocol in ("email", "email-json", "sms", "http", "https"):
        key = f"email@{protocol}"
        builder.add_service(key, "email", "", "")
        targets = [key]
    for source in builder.refs_in(res, "topic_arn"):
        for target in targets:
            builder.add_flow(source, target, protocol)


def _record(builder: _Builder, res: _Resource) -> None:
    policy = res.body.get("failover_routing_policy")
    label = f"failover {policy.get('type', '').lower()}" if isinstance(policy, dict) else str(res.body.get("type", ""))
    source = builder.node_of(res.address)
    for target in builder.refs_in(res, "records", "alias"):
        builder.add_flow(source, target, label)


def _dynamodb(builder: _Builder, res: _Resource) -> None:
    for replica in res.body.get("replica", []):
        if isinstance(replica, dict) and replica.get("region_name"):
            builder.add_flow(
                res.address, f"{res.address}@{replica['region_name']}", "global table replica", "replication"
            )


def _function(builder: _Builder, res: _Resource) -> None:
    """Generic references, but the dead-letter queue is labelled."""
    source = builder.node_of(res.address)
    for target in builder.refs_in(res, "dead_letter_config"):
        builder.add_flow(source, target, "failed events")
    rest = {k: v for k, v in res.body.items() if k != "dead_letter_config"}
    for target in sorted({builder.node_of(a) for a in references(rest, builder.resources)} - {"", source}):
        kind = builder.services[target]["kind"]
        builder.add_flow(source, target, "", "control" if kind == "ecr" else "flow", ruled=False)


EDGE_RULES: dict[str, Callable[[_Builder, _Resource], None]] = {
    "aws_vpc_security_group_ingress_rule": _sg_ingress,
    "aws_vpc_security_group_egress_rule": _sg_egress,
    "aws_security_group_rule": _sg_rule,
    "aws_lambda_event_source_mapping": _simple(("event_source_arn",), ("function_name",), "trigger"),
    "aws_s3_bucket_notification": _simple(("bucket",), ("queue", "lambda_function", "topic"), "object events"),
    "aws_sns_topic_subscription": _subscription,
    "aws_s3_bucket_replication_configuration": _simple(("bucket",), ("rule",), "S3 replication", "replication"),
    "aws_s3_bucket_logging": _simple(("bucket",), ("target_bucket",), "access logs", "control"),
    "aws_lb_listener": _simple(("load_balancer_arn",), ("default_action",), _listener_label),
    "aws_lb_listener_rule": _listener_rule,
    "aws_route53_record": _record,
    "aws_route53_health_check": _simple((), ("fqdn", "ip_address"), "health check", "control"),
    "aws_cloudwatch_metric_alarm": _simple(
        (), ("alarm_actions", "ok_actions", "insufficient_data_actions"), "alarms", "control"
    ),
    "aws_cloudwatch_composite_alarm": _simple((), ("alarm_actions", "ok_actions"), "alarms", "control"),
    "aws_cloudwatch_dashboard": lambda builder, res: None,
    "aws_wafv2_web_acl_association": _simple(("web_acl_arn",), ("resource_arn",), "filters", "control"),
    "aws_backup_selection": _simple(("plan_id",), ("resources",), "backup", "control"),
    "aws_dynamodb_table": _dynamodb,
    "aws_lambda_function": _function,
    "aws_rds_global_cluster": lambda builder, res: None,
    "aws_acm_certificate_validation": lambda builder, res: None,  # waits for a record; no data flows
}
KEY_LABELS = {
    "redrive_policy": ("dead letters", "flow"),
    "access_logs": ("access logs", "control"),
    "logging_config": ("", "control"),
}


def _prefix_rule(rtype: str) -> Callable[[_Builder, _Resource], None] | None:
    return EDGE_RULES.get(rtype)


def build_architecture(config: dict[str, Any], workload: str = "", environment: str = "") -> Architecture:
    """The service-level architecture of one synthesized stack."""
    return _Builder(json.loads(json.dumps(config)), workload, environment).build()

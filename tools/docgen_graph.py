"""The architecture graph of one synthesized stack (cdk.tf.json): resources, their tier and region, references.

Tier: a resource type's own tier (TYPE_TIERS: exact types, and prefixes ending in `_`, the longest wins; subnets
and route tables by their Public/Private construct id). Types with no tier of their own (security groups, rules,
policies, data sources, ...) take the most common tier of their siblings in the construct tree, else of their
parent's subtree, going up. Group: the provider alias and its region.
Edges: `${type.name...}` references inside resource bodies (`ref`) and `depends_on` entries (`depends_on`).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterator

TIERS = ("edge", "public", "private", "data", "global")
_TIER_TYPES = {
    "edge": "aws_lb aws_lb_ aws_alb aws_alb_ aws_route53_ aws_cloudfront_ aws_acm_ aws_api_gateway_ aws_apigatewayv2_ "
            "aws_wafv2_ aws_globalaccelerator_",
    "public": "aws_internet_gateway aws_egress_only_internet_gateway aws_nat_gateway aws_eip",
    "private": "aws_vpc aws_vpc_endpoint aws_flow_log aws_ecs_ aws_lambda_ aws_instance aws_autoscaling_ "
               "aws_appautoscaling_",
    "data": "aws_s3_bucket aws_s3_bucket_ aws_dynamodb_ aws_rds_ aws_db_ aws_sqs_ aws_sns_ aws_secretsmanager_ "
            "aws_ecr_ aws_efs_ aws_kinesis_ aws_elasticache_ aws_kms_ aws_cloudwatch_log_group aws_ssm_parameter",
    "global": "aws_iam_ aws_organizations_ aws_budgets_",
}
TYPE_TIERS = {rtype: tier for tier, types in _TIER_TYPES.items() for rtype in types.split()}
BY_NAME_TYPES = ("aws_subnet", "aws_route_table", "aws_route", "aws_route_table_association", "aws_network_acl")
_ADDRESS = re.compile(r"(?<![\w.])(data\.)?([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][A-Za-z0-9_-]*)")


@dataclass(frozen=True)
class Node:
    """One resource (or data source) of the stack."""

    address: str
    type: str
    path: str
    tier: str
    group: str


@dataclass(frozen=True)
class Graph:
    """Nodes sorted by address, edges (source, target, kind) sorted."""

    nodes: tuple[Node, ...]
    edges: tuple[tuple[str, str, str], ...]


def own_tier(rtype: str, path: str) -> str | None:
    """The tier of a resource type by itself, or None when it takes its neighbours' tier."""
    if rtype in BY_NAME_TYPES:
        return "public" if "public" in path.rsplit("/", 1)[-1].lower() else "private"
    prefixes = [p for p in TYPE_TIERS if rtype == p or (p.endswith("_") and rtype.startswith(p))]
    return TYPE_TIERS[max(prefixes, key=len)] if prefixes else None


def _blocks(config: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for kind, prefix in (("resource", ""), ("data", "data.")):
        for rtype in sorted(config.get(kind, {})):
            for name, body in sorted(config[kind][rtype].items()):
                yield f"{prefix}{rtype}.{name}", rtype, body


def _groups(config: dict[str, Any]) -> dict[str, str]:
    groups: dict[str, str] = {}
    for provider, settings in sorted(config.get("provider", {}).items()):
        for item in settings if isinstance(settings, list) else [settings]:
            key = f"{provider}.{item['alias']}" if item.get("alias") else provider
            groups[key] = f"{key} ({item['region']})" if item.get("region") else key
    return groups


def _inherit(nodes: dict[str, tuple[str, str, str | None]]) -> dict[str, str]:
    """Tier of every node: its own, else the most common among the nearest construct-tree neighbours."""
    tiers: dict[str, str] = {}
    for address, (_, path, tier) in nodes.items():
        parts = path.split("/")
        for depth in range(len(parts) - 1, -1, -1):
            if tier is not None:
                break
            parent = "/".join(parts[:depth])
            tiered = [(p, t) for _, p, t in nodes.values() if t is not None]
            siblings = Counter(t for p, t in tiered if p.rpartition("/")[0] == parent)
            near = siblings or Counter(t for p, t in tiered if p.startswith(parent + "/") or not parent)
            if near:
                tier = sorted(near.items(), key=lambda item: (-item[1], TIERS.index(item[0])))[0][0]
        tiers[address] = tier or ("global" if address.startswith("data.") else "private")
    return tiers


def strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "//":
                yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def references(body: dict[str, Any], known: set[str]) -> set[tuple[str, str]]:
    """(target address, kind) of every known address `body` refers to."""
    found = {(addr, "depends_on") for addr in body.get("depends_on", []) if addr in known}
    for text in strings({k: v for k, v in body.items() if k != "depends_on"}):
        if "${" in text:
            for match in _ADDRESS.finditer(text):
                address = f"{match.group(1) or ''}{match.group(2)}.{match.group(3)}"
                if address in known:
                    found.add((address, "ref"))
    return found


def build_graph(config: dict[str, Any]) -> Graph:
    """The graph of one synthesized stack."""
    groups = _groups(config)
    default_group = groups.get("aws", "aws")
    raw: dict[str, tuple[str, str, str | None]] = {}
    bodies: dict[str, dict[str, Any]] = {}
    for address, rtype, body in _blocks(config):
        full_path = body.get("//", {}).get("metadata", {}).get("path", address)
        path = full_path.split("/", 1)[-1]
        raw[address] = (rtype, path, own_tier(rtype, path))
        bodies[address] = body
    tiers = _inherit(raw)
    nodes = tuple(Node(a, rtype, path, tiers[a], groups.get(bodies[a].get("provider", ""), default_group))
                  for a, (rtype, path, _) in sorted(raw.items()))
    edges = set()
    for address, body in bodies.items():
        for target, kind in references(body, set(raw)):
            if target != address and (address, target, "ref") not in edges:
                edges.discard((address, target, "depends_on"))
                edges.add((address, target, kind))
    return Graph(nodes, tuple(sorted(edges)))

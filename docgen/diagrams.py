"""Architecture diagrams with the `diagrams` library (AWS icon set): Graphviz source, then SVG and PNG.

`workload_source(architecture, title)` and `overview_source({workload: architecture})` build the picture with
`diagrams` and return its Graphviz source, normalized so that it is deterministic and machine-independent: node ids
come from the resource addresses (not random), icon paths are relative to the library's `resources/` folder. That
source is what the docs generator commits (`docs/workloads/<w>.dot`) and what the freshness test compares.

`render(dot_path)` draws it: `dot -Tsvg` (icons found through `imagepath`), icons embedded into the SVG as data
URIs (so it shows anywhere), then `rsvg-convert` to PNG. Both files carry the SHA-256 of the source they were drawn
from (an SVG comment, a PNG `tEXt` chunk), so a stale picture is detected without comparing image bytes (Graphviz
and librsvg versions differ between machines). Defaults: left-to-right, spline edges; solid edges are data flow,
bold red ones replication between regions or stores, dashed grey ones control (logs, health checks, alarms, image
pulls, backup).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import diagrams
from diagrams import Cluster, Diagram, Edge, Node
from diagrams.aws import compute, database, general, integration, management, network, security, storage

from docgen.arch import TIERS, Architecture, Service

RESOURCES = Path(diagrams.__file__).resolve().parent.parent / "resources"
ICONS: dict[str, type[Node]] = {
    "alb": network.ALB,
    "fargate": compute.Fargate,
    "aurora": database.Aurora,
    "rds": database.RDS,
    "dynamodb": database.Dynamodb,
    "replica": database.Dynamodb,
    "lambda": compute.Lambda,
    "sqs": integration.SQS,
    "sns": integration.SNS,
    "apigw": network.APIGateway,
    "route53": network.Route53,
    "waf": security.WAF,
    "backup": storage.Backup,
    "elasticache": database.ElasticacheForRedis,
    "s3": storage.S3,
    "ecr": compute.ECR,
    "cloudfront": network.CloudFront,
    "cloudwatch": management.Cloudwatch,
    "nat": network.NATGateway,
    "users": general.Users,
    "email": general.User,
}
EDGE_STYLES = {
    "flow": {"color": "#2D3436", "penwidth": "1.6"},
    "replication": {
        "color": "#C92A2A",
        "penwidth": "2.6",
        "style": "bold",
        "fontcolor": "#C92A2A",
        "constraint": "false",
    },
    "back": {"color": "#2D3436", "penwidth": "1.6", "constraint": "false"},
    "control": {"color": "#8C98A4", "style": "dashed", "fontcolor": "#6C7883"},
}
TIER_LABELS = {"public": "public subnets", "private": "private subnets", "data": "data (private subnets)"}
TIER_COLORS = {"public": "#EAF6EA", "private": "#E8F1FB", "data": "#F3ECFA"}
GRAPH = {
    "pad": "0.4",
    "nodesep": "0.45",
    "ranksep": "0.9",
    "fontsize": "22",
    "labelloc": "t",
    "splines": "spline",
    "newrank": "true",
}
NODE = {"fontsize": "12"}
EDGE = {"fontsize": "11"}
SOURCE_MARK = "source sha256"


class _Source(Diagram):
    """A Diagram that only builds the graph: leaving the context renders nothing and writes no file."""

    def __exit__(self, *exc: Any) -> None:
        diagrams.setdiagram(None)


class _Cluster(Cluster):
    """A Cluster with an explicit id (diagrams derives it from the label, which repeats: "public subnets")."""

    def __init__(self, label: str, ident: str, graph_attr: dict[str, str] | None = None) -> None:
        super().__init__(label, graph_attr=graph_attr or {})
        self.dot.name = f"cluster_{ident}"


def node_id(key: str) -> str:
    """A Graphviz-safe, deterministic node id from a service key."""
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", key)


def _node(service: Service, prefix: str = "") -> Node:
    icon = ICONS.get(service.kind, general.General)
    return icon(service.label, nodeid=node_id(prefix + service.key))


def _normalize(source: str) -> str:
    """Icon paths relative to the library's resources/ folder (they are absolute, machine-specific, otherwise)."""
    return re.sub(r'image="[^"]*/resources/', 'image="', source).rstrip("\n") + "\n"


def _draw_vpc(vpc: str, label: str, members: list[Service], prefix: str) -> dict[str, Node]:
    """One VPC cluster with a cluster per tier."""
    nodes: dict[str, Node] = {}
    with _Cluster(label, node_id(prefix + vpc), {"bgcolor": "#F7F9FA", "fontsize": "13"}):
        for tier in TIERS:
            tiered = [s for s in members if s.tier == tier]
            if tiered:
                with _Cluster(
                    TIER_LABELS[tier],
                    node_id(f"{prefix}{vpc}_{tier}"),
                    {"bgcolor": TIER_COLORS[tier], "pencolor": "#C5CDD3"},
                ):
                    for service in tiered:
                        nodes[service.key] = _node(service, prefix)
        for service in members:
            if not service.tier:
                nodes[service.key] = _node(service, prefix)
    return nodes


def _draw(architecture: Architecture, prefix: str = "") -> dict[str, Node]:
    """Nodes inside region / VPC / tier clusters of the current diagram; returns them by service key."""
    nodes: dict[str, Node] = {}
    notes = dict(architecture.notes)
    for region, label in architecture.regions:
        with _Cluster(
            f"region {label}",
            node_id(prefix + "region_" + region),
            {"fontsize": "15", "bgcolor": "#FFFFFF", "pencolor": "#5C6770", "style": "rounded,dashed"},
        ):
            for vpc, vpc_region, vpc_label in architecture.vpcs:
                members = [s for s in architecture.services if s.vpc == vpc]
                if vpc_region == region and members:
                    nodes.update(_draw_vpc(vpc, vpc_label, members, prefix))
            for service in architecture.services:
                if service.region == region and not service.vpc:
                    nodes[service.key] = _node(service, prefix)
            if region in notes:
                Node(
                    notes[region],
                    nodeid=node_id(f"{prefix}note_{region}"),
                    shape="note",
                    style="filled",
                    fillcolor="#FFF8DB",
                    color="#D9C98A",
                    fontsize="11",
                    width="1.3",
                    height="0.4",
                    fixedsize="false",
                    labelloc="c",
                )
    for service in architecture.services:  # global nodes: between the regions
        if not service.region:
            nodes[service.key] = _node(service, prefix)
    return nodes


def _connect(architecture: Architecture, nodes: dict[str, Node], labels: bool = True) -> None:
    """Edges; without labels (the overview, top to bottom) replication ranks too, so replicas sit below."""
    for flow in architecture.flows:
        if flow.source in nodes and flow.target in nodes:
            attrs = dict(EDGE_STYLES.get(flow.style, EDGE_STYLES["flow"]))
            if not labels and flow.style == "replication":
                attrs.pop("constraint", None)
            nodes[flow.source].connect(
                nodes[flow.target], Edge(label=flow.label if labels else "", forward=True, **attrs)
            )


def workload_source(architecture: Architecture, title: str) -> str:
    """The Graphviz source of one workload's diagram."""
    with _Source(
        title,
        filename="unused",
        show=False,
        direction="LR",
        curvestyle="curved",
        graph_attr=GRAPH,
        node_attr=NODE,
        edge_attr=EDGE,
    ) as diagram:
        _connect(architecture, _draw(architecture))
    return _normalize(diagram.dot.source)


def overview(architecture: Architecture) -> Architecture:
    """The architecture for the overview: no VPCs, tiers or notes; nodes only reached by control edges left out."""
    flows = tuple(f for f in architecture.flows if f.style != "control")
    used = {f.source for f in flows} | {f.target for f in flows}
    services = tuple(
        dataclasses.replace(s, vpc="", tier="")
        for s in architecture.services
        if s.key in used or not any(s.key in (f.source, f.target) for f in architecture.flows)
    )
    services = tuple(s for s in services if s.kind not in ("nat", "cloudwatch"))
    return Architecture(architecture.regions, (), services, flows)


def overview_source(architectures: dict[str, Architecture], title: str) -> str:
    """All workloads in one picture: one cluster per workload, its regions inside, edges without labels."""
    with _Source(
        title,
        filename="unused",
        show=False,
        direction="TB",
        curvestyle="curved",
        graph_attr={**GRAPH, "ranksep": "0.5", "nodesep": "0.25"},
        node_attr=NODE,
        edge_attr=EDGE,
    ) as diagram:
        for workload, architecture in sorted(architectures.items()):
            with _Cluster(workload, node_id("w_" + workload), {"fontsize": "18", "bgcolor": "#FBFCFD"}):
                nodes = _draw(overview(architecture), prefix=f"{workload}:")
            _connect(overview(architecture), nodes, labels=False)
    return _normalize(diagram.dot.source)


def source_hash(source: str) -> str:
    """The hash the rendered images carry."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"`{name}` is not installed: run `make system-tools` (Debian: graphviz, librsvg2-bin)")
    return path


def _embed(svg: str) -> str:
    """Replace every referenced icon file by a data URI."""

    def inline(match: re.Match[str]) -> str:
        path = Path(match.group(2))
        if not path.is_absolute():
            path = RESOURCES / path
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        return f'{match.group(1)}="data:image/png;base64,{data}"'

    return re.sub(r'(xlink:href|href)="([^"]+\.png)"', inline, svg)


def png_with_text(png: bytes, key: str, value: str) -> bytes:
    """`png` with a tEXt chunk (key, value) right after its header chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    ihdr_end = 8 + 12 + struct.unpack(">I", png[8:12])[0]
    data = key.encode("latin-1") + b"\0" + value.encode("latin-1")
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    return png[:ihdr_end] + chunk + png[ihdr_end:]


def png_text(png: bytes) -> dict[str, str]:
    """The tEXt chunks of a PNG."""
    found, offset = {}, 8
    while offset + 8 <= len(png):
        length, kind = struct.unpack(">I4s", png[offset : offset + 8])
        if kind == b"tEXt":
            key, _, value = png[offset + 8 : offset + 8 + length].partition(b"\0")
            found[key.decode("latin-1")] = value.decode("latin-1")
        offset += 12 + length
    return found


def svg_hash(svg: str) -> str:
    """The source hash an SVG of ours carries ('' when none)."""
    match = re.search(rf"<!-- {SOURCE_MARK}: ([0-9a-f]{{64}}) -->", svg)
    return match.group(1) if match else ""


def render(dot_path: Path) -> list[Path]:
    """Draw `x.dot` into `x.svg` and `x.png` next to it (rewritten only when their source changed)."""
    source = dot_path.read_text(encoding="utf-8")
    digest = source_hash(source)
    svg_path, png_path = dot_path.with_suffix(".svg"), dot_path.with_suffix(".png")
    if (
        svg_path.is_file()
        and svg_hash(svg_path.read_text(encoding="utf-8")) == digest
        and png_path.is_file()
        and png_text(png_path.read_bytes()).get(SOURCE_MARK) == digest
    ):
        return []
    svg = subprocess.run(
        [_tool("dot"), "-Tsvg", f"-Gimagepath={RESOURCES}"], input=source, capture_output=True, text=True, check=True
    ).stdout
    svg = _embed(svg)
    svg = re.sub(r"(<svg\b)", f"<!-- {SOURCE_MARK}: {digest} -->\n\\1", svg, count=1)
    svg_path.write_text(svg, encoding="utf-8")
    png = subprocess.run(
        [_tool("rsvg-convert"), "-f", "png", "-b", "white", str(svg_path)], capture_output=True, check=True
    ).stdout
    png_path.write_bytes(png_with_text(png, SOURCE_MARK, digest))
    return [svg_path, png_path]

"""A plain, deterministic SVG of a Graph: columns by tier, bands by provider group, rows sorted by address.

Pure Python (no Graphviz): integer coordinates, no timestamps, nodes and edges in sorted order, so the same graph
always gives the same bytes. Edges are drawn under the boxes: solid for references, dashed for depends_on.
"""
from __future__ import annotations

from xml.sax.saxutils import escape

from tools.docgen_graph import TIERS, Graph, Node

BOX_W, BOX_H, ROW_H, COL_GAP, MARGIN, HEADER, BAND_LABEL = 230, 32, 40, 70, 20, 64, 26
COLORS = {"edge": "#fde2c8", "public": "#fff3b0", "private": "#d7ecff", "data": "#dff3d8", "global": "#eadcf8"}
CHAR_W = 6.6  # monospace at 11 px


def _fit(text: str, width: int = BOX_W - 12, char_w: float = CHAR_W) -> str:
    limit = int(width / char_w)
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def layout(graph: Graph) -> tuple[dict[str, tuple[int, int]], list[tuple[str, int]], list[str], int]:
    """Top-left corner of every node, band labels with their y, the columns' tiers, and the height."""
    tiers = [t for t in TIERS if any(n.tier == t for n in graph.nodes)]
    groups = sorted({n.group for n in graph.nodes})
    places: dict[str, tuple[int, int]] = {}
    bands: list[tuple[str, int]] = []
    y = HEADER
    for group in groups:
        bands.append((group, y))
        y += BAND_LABEL
        rows = 0
        for column, tier in enumerate(tiers):
            members = sorted((n for n in graph.nodes if n.group == group and n.tier == tier), key=lambda n: n.address)
            for row, node in enumerate(members):
                places[node.address] = (MARGIN + column * (BOX_W + COL_GAP), y + row * ROW_H)
            rows = max(rows, len(members))
        y += rows * ROW_H + 10
    return places, bands, tiers, y


def _edge(source: tuple[int, int], target: tuple[int, int], kind: str) -> str:
    (sx, sy), (tx, ty) = source, target
    sy, ty = sy + BOX_H // 2, ty + BOX_H // 2
    if sx == tx:  # same column: a loop out to the right
        bulge = min(COL_GAP - 14, 18 + abs(ty - sy) // 12)
        x = sx + BOX_W
        path = f"M{x},{sy} C{x + bulge},{sy} {x + bulge},{ty} {x + 4},{ty}"
    else:
        forward = tx > sx
        x1, x2 = (sx + BOX_W, tx - 4) if forward else (sx, tx + BOX_W + 4)
        mid = (x1 + x2) // 2
        path = f"M{x1},{sy} C{mid},{sy} {mid},{ty} {x2},{ty}"
    dash = ' stroke-dasharray="5,4"' if kind == "depends_on" else ""
    return f'<path class="{kind}" d="{path}"{dash} marker-end="url(#arrow)"/>'


def _box(node: Node, x: int, y: int) -> list[str]:
    kind = node.type.removeprefix("aws_")
    return [
        f"<g><title>{escape(node.address)}</title>",
        f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{BOX_H}" rx="5" fill="{COLORS.get(node.tier, "#eee")}" '
        'stroke="#666"/>',
        f'<text x="{x + 6}" y="{y + 13}" font-weight="bold">{escape(_fit(kind))}</text>',
        f'<text x="{x + 6}" y="{y + 26}" fill="#333">{escape(_fit(node.path))}</text>',
        "</g>",
    ]


def _legend(y: int, tiers: list[str]) -> list[str]:
    parts = [f'<text x="{MARGIN}" y="{y + 16}" fill="#333">tiers:</text>']
    for index, tier in enumerate(tiers):
        x = MARGIN + 60 + index * 90
        parts.append(f'<rect x="{x}" y="{y + 5}" width="14" height="14" fill="{COLORS[tier]}" stroke="#666"/>')
        parts.append(f'<text x="{x + 20}" y="{y + 16}">{tier}</text>')
    x = MARGIN + 60 + len(tiers) * 90
    parts.append(f'<text x="{x}" y="{y + 16}" fill="#333">solid arrow: A refers to B; dashed: depends_on</text>')
    return parts


def render_svg(graph: Graph, title: str) -> str:
    """The SVG document of `graph`."""
    places, bands, tiers, height = layout(graph)
    width = max(MARGIN * 2 + max(len(tiers), 1) * (BOX_W + COL_GAP), 760)  # a gutter right of the last column
    height += 40
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="monospace" font-size="11">',
        f"<title>{escape(title)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker></defs>',
        '<style>path.ref,path.depends_on{fill:none;stroke:#555;stroke-opacity:0.55}</style>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{MARGIN}" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for column, tier in enumerate(tiers):
        x = MARGIN + column * (BOX_W + COL_GAP)
        out.append(f'<text x="{x}" y="{HEADER - 12}" font-size="13" font-weight="bold">{tier}</text>')
    for label, y in bands:
        out.append(f'<line x1="{MARGIN}" y1="{y + 2}" x2="{width - MARGIN}" y2="{y + 2}" stroke="#bbb"/>')
        out.append(f'<text x="{MARGIN}" y="{y + 17}" fill="#555">{escape(label)}</text>')
    out += [_edge(places[s], places[t], kind) for s, t, kind in graph.edges]
    for node in graph.nodes:
        out += _box(node, *places[node.address])
    out += _legend(height - 34, tiers)
    out.append("</svg>")
    return "\n".join(out) + "\n"

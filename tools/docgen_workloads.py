"""One page and one diagram per workload, from its dev stack's synthesized JSON and its stack class (via `ast`)."""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path
from typing import Any

from tools.docgen_graph import TIERS, build_graph
from tools.docgen_modules import BANNER, cell, code, table
from tools.docgen_svg import render_svg

ROOT = Path(__file__).resolve().parent.parent


def stack_info(target: str, root: Path = ROOT) -> tuple[str, str, str]:
    """(source file, `description`, class docstring) of a registry entry like "stacks.bootstrap:BootstrapStack"."""
    module, _, name = target.partition(":")
    source = Path(*module.split(".")).with_suffix(".py")
    if not (root / source).is_file():  # registered before its file exists: synth reports it
        return source.as_posix(), "", ""
    tree = ast.parse((root / source).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            description = next((s.value.value for s in node.body if isinstance(s, ast.Assign)
                                and any(isinstance(t, ast.Name) and t.id == "description" for t in s.targets)
                                and isinstance(s.value, ast.Constant)), "")
            return source.as_posix(), str(description), ast.get_docstring(node) or ""
    return source.as_posix(), "", ""


def workload_page(workload: str, target: str, stack: str, config: dict[str, Any]) -> str:
    """The Markdown page of one workload (its diagram is `<workload>.svg` next to it)."""
    source, description, docstring = stack_info(target)
    graph = build_graph(config)
    lines = [BANNER.format(source=f"{source} and the synthesized {stack} stack"), "", f"# `{workload}`", ""]
    lines += [f"{description}." if description and not description.endswith(".") else description, ""]
    if docstring:
        lines += [" ".join(docstring.split()), ""]
    lines += [f"Stack class: `{target}` ([`{source}`](../../{source})). Synthesized stack shown: `{stack}`.", "",
              "## Diagram", "", f"![{workload} architecture]({workload}.svg)", "",
              "Resources are grouped by network tier (columns) and by provider alias and region (bands); an arrow "
              "A -> B means A's configuration refers to B (dashed: an explicit `depends_on`).", ""]
    outputs = config.get("output", {})
    lines += ["## Outputs", ""]
    lines += table(("name", "description", "sensitive"),
                   [(code(name), cell(str(body.get("description", ""))), "yes" if body.get("sensitive") else "no")
                    for name, body in sorted(outputs.items())]) if outputs else ["No outputs."]
    counts = Counter(n.type if not n.address.startswith("data.") else f"data.{n.type}" for n in graph.nodes)
    tiers = Counter(n.tier for n in graph.nodes)
    lines += ["", "## Resources", "",
              f"{sum(counts.values())} in total; by tier: "
              + ", ".join(f"{t} {tiers[t]}" for t in TIERS if tiers[t]) + ".", ""]
    lines += table(("type", "count"), [(code(t), str(c)) for t, c in sorted(counts.items())])
    return "\n".join(lines) + "\n"


def render_workloads(registry: dict[str, str], configs: dict[str, dict[str, Any]],
                     environment: str = "dev") -> dict[str, str]:
    """{relative path under docs/: content}: page + diagram per workload in `configs`, and the index (of every
    workload in `registry`)."""
    pages: dict[str, str] = {}
    for workload in sorted(configs):
        stack = f"{workload}-{environment}"
        pages[f"workloads/{workload}.md"] = workload_page(workload, registry[workload], stack, configs[workload])
        pages[f"workloads/{workload}.svg"] = render_svg(build_graph(configs[workload]), f"{workload} ({stack})")
    rows = [(f"[`{w}`]({w}.md)", cell(stack_info(registry[w])[1]), f"[diagram]({w}.svg)") for w in sorted(registry)]
    index = [BANNER.format(source="stacks/*.py and the synthesized dev stacks"), "", "# Workloads", ""]
    pages["workloads/README.md"] = "\n".join(index + table(("workload", "description", "diagram"), rows)) + "\n"
    return pages

"""One page and one architecture diagram per workload, from its synthesized stacks and its stack class (via `ast`).

The page describes the dev stack; the diagram is drawn from the environment that shows the most (pick_environment:
most regions, then nodes, then edges; ties go to the environment listed last in environments.toml, i.e. prod).
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path
from typing import Any

from docgen.arch import Architecture, build_architecture
from docgen.diagrams import overview_source, workload_source
from docgen.modules import BANNER, cell, code, table

ROOT = Path(__file__).resolve().parent.parent
OVERVIEW_SKIP = ("bootstrap",)  # only the state bucket: not a workload people read about


def stack_info(target: str, root: Path = ROOT) -> tuple[str, str, str]:
    """(source file, `description`, class docstring) of a registry entry like "stacks.bootstrap:BootstrapStack"."""
    module, _, name = target.partition(":")
    source = Path(*module.split(".")).with_suffix(".py")
    if not (root / source).is_file():  # registered before its file exists: synth reports it
        return source.as_posix(), "", ""
    tree = ast.parse((root / source).read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            description = next(
                (
                    s.value.value
                    for s in node.body
                    if isinstance(s, ast.Assign)
                    and any(isinstance(t, ast.Name) and t.id == "description" for t in s.targets)
                    and isinstance(s.value, ast.Constant)
                ),
                "",
            )
            return source.as_posix(), str(description), ast.get_docstring(node) or ""
    return source.as_posix(), "", ""


LEGEND = (
    "Solid arrows: data flow (labels: listener, port, trigger); bold red: replication between regions or "
    "stores; dashed grey: control (access logs, health checks, alarms, image pulls, backup). Low-level "
    "resources (security groups, roles, policies, log groups, listeners, routes, subnets) are folded into "
    "the node they serve; KMS keys are counted in a note per region."
)


def pick_environment(workload: str, configs: dict[str, dict[str, Any]]) -> str:
    """The environment whose diagram shows the most (regions, then nodes, then edges); ties: the one listed last."""

    def score(item: tuple[int, str]) -> tuple[int, int, int, int]:
        index, environment = item
        arch = build_architecture(configs[environment], workload, environment)
        return len(arch.regions), len(arch.services), len(arch.flows), index

    return max(enumerate(configs), key=score)[1]


def _folded_rows(arch: Architecture, config: dict[str, Any]) -> list[tuple[str, str, str]]:
    types = {f"{t}.{n}": t for t, items in config.get("resource", {}).items() for n in items}
    rows = []
    for service in arch.services:
        counts = Counter(types[a] for a in service.folded if a in types)
        folded = ", ".join(f"`{t}`" + (f" x{n}" if n > 1 else "") for t, n in sorted(counts.items()))
        rows.append((cell(service.label.replace("\n", " ")), service.region or "global", folded))
    return rows


def workload_page(
    workload: str, target: str, stack: str, config: dict[str, Any], diagram_stack: str, diagram_config: dict[str, Any]
) -> str:
    """The Markdown page of one workload (its diagram is `<workload>.svg` next to it)."""
    source, description, docstring = stack_info(target)
    lines = [BANNER.format(source=f"{source} and the synthesized {stack} stack"), "", f"# `{workload}`", ""]
    lines += [f"{description}." if description and not description.endswith(".") else description, ""]
    if docstring:
        lines += [" ".join(docstring.split()), ""]
    lines += [
        f"Stack class: `{target}` ([`{source}`](../../{source})). Synthesized stack shown: `{stack}`.",
        "",
        "## Diagram",
        "",
        f"![{workload} architecture]({workload}.svg)",
        "",
        f"Drawn from the synthesized `{diagram_stack}` stack (the environment that shows the most; "
        f"[PNG]({workload}.png), [Graphviz source]({workload}.dot)). {LEGEND}",
        "",
    ]
    outputs = config.get("output", {})
    lines += ["## Outputs", ""]
    lines += (
        table(
            ("name", "description", "sensitive"),
            [
                (code(name), cell(str(body.get("description", ""))), "yes" if body.get("sensitive") else "no")
                for name, body in sorted(outputs.items())
            ],
        )
        if outputs
        else ["No outputs."]
    )
    arch = build_architecture(diagram_config, workload, diagram_stack.removeprefix(f"{workload}-"))
    lines += ["", f"## Nodes of the diagram and what they fold (`{diagram_stack}`)", ""]
    lines += table(("node", "region", "resources folded in"), _folded_rows(arch, diagram_config))
    if arch.unplaced:
        lines += ["", "Not drawn (no node to fold into): " + ", ".join(f"`{a}`" for a in arch.unplaced) + "."]
    counts = Counter(t for t, items in config.get("resource", {}).items() for _ in items)
    counts.update(f"data.{t}" for t, items in config.get("data", {}).items() for _ in items)
    lines += ["", f"## Resources (`{stack}`)", "", f"{sum(counts.values())} in total.", ""]
    lines += table(("type", "count"), [(code(t), str(c)) for t, c in sorted(counts.items())])
    return "\n".join(lines) + "\n"


def diagram_title(workload: str, stack: str) -> str:
    """The title of a workload's diagram."""
    return f"{workload} (synthesized {stack} stack)"


def render_workloads(
    registry: dict[str, str], configs: dict[str, dict[str, dict[str, Any]]], environment: str = "dev"
) -> dict[str, str]:
    """{relative path under docs/: content}: page + diagram source per workload in `configs` ({workload:
    {environment: cdk.tf.json}}, which must hold `environment`), the overview diagram and the index (of every
    workload in `registry`). The diagrams' SVG and PNG are drawn from the `.dot` files by docgen.diagrams.render."""
    pages: dict[str, str] = {}
    overview = {}
    for workload in sorted(configs):
        shown = pick_environment(workload, configs[workload])
        stack, diagram_stack = f"{workload}-{environment}", f"{workload}-{shown}"
        arch = build_architecture(configs[workload][shown], workload, shown)
        pages[f"workloads/{workload}.md"] = workload_page(
            workload, registry[workload], stack, configs[workload][environment], diagram_stack, configs[workload][shown]
        )
        pages[f"workloads/{workload}.dot"] = workload_source(arch, diagram_title(workload, diagram_stack))
        if workload not in OVERVIEW_SKIP:
            overview[workload] = arch
    if overview:
        pages["workloads/overview.dot"] = overview_source(overview, "The workloads (synthesized stacks)")
    rows = [(f"[`{w}`]({w}.md)", cell(stack_info(registry[w])[1]), f"[diagram]({w}.svg)") for w in sorted(registry)]
    index = [
        BANNER.format(source="stacks/*/stack.py and the synthesized stacks"),
        "",
        "# Workloads",
        "",
        "![all workloads](overview.svg)",
        "",
    ]
    pages["workloads/README.md"] = "\n".join(index + table(("workload", "description", "diagram"), rows)) + "\n"
    return pages

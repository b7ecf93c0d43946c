"""The committed reference docs (docs/modules, docs/workloads, docs/environments.md) are what the code generates now.

Regenerates everything into a temporary folder from the session's synthesized dev stacks and compares bytes. When
TEST_WORKLOADS narrows the session, only the synthesized workloads' pages and diagrams are compared (and files of
removed workloads are not looked for); CI runs every workload.
"""
from __future__ import annotations

from pathlib import Path

from stacks import WORKLOADS
from tests.conftest import ROOT, Synth, selected_workloads
from tools import docgen


def test_committed_docs_match_the_code(synth: Synth, tmp_path: Path) -> None:
    workloads = selected_workloads()
    configs = docgen.load_configs(synth.outdir / "stacks", workloads)
    generated = tmp_path / "docs"
    docgen.write(docgen.render(configs), generated)
    problems = docgen.stale(generated, ROOT / "docs", complete=set(workloads) == set(WORKLOADS))
    assert not problems, f"{docgen.STALE_MESSAGE}\n" + "\n".join(f"  {p}" for p in problems)


def test_regeneration_is_byte_identical(synth: Synth, tmp_path: Path) -> None:
    configs = docgen.load_configs(synth.outdir / "stacks", selected_workloads())
    first, second = tmp_path / "first", tmp_path / "second"
    docgen.write(docgen.render(configs), first)
    docgen.write(docgen.render(configs), second)
    assert not docgen.stale(first, second)
    assert (first / "environments.md").is_file() and (first / "modules" / "README.md").is_file()

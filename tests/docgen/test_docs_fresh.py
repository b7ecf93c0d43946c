"""The committed reference docs (docs/modules, docs/workloads, docs/environments.md) are what the code generates now.

Regenerates everything into a temporary folder from the session's synthesized stacks and compares bytes; the
diagrams' SVG and PNG must carry the hash of the regenerated Graphviz source (their bytes are not compared). When
TEST_WORKLOADS narrows the session, only the synthesized workloads' pages and diagrams are compared (and files of
removed workloads are not looked for); CI runs every workload.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import docgen
from docgen.arch import build_architecture
from stacks import WORKLOADS
from tests.conftest import ROOT, Synth, selected_workloads


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
    assert not docgen.stale(first, second, images=False)
    assert (first / "environments.md").is_file() and (first / "modules" / "README.md").is_file()
    assert sorted(p.name for p in (first / "workloads").glob("*.dot")) == sorted(
        [f"{w}.dot" for w in selected_workloads()]
        + (["overview.dot"] if set(selected_workloads()) - {"bootstrap"} else [])
    )


def test_disaster_recovery_diagram_shows_both_regions_and_the_replication(synth: Synth) -> None:
    if "disaster-recovery" not in selected_workloads():
        pytest.skip("TEST_WORKLOADS leaves disaster-recovery out")
    config = docgen.load_configs(synth.outdir / "stacks", ["disaster-recovery"])["disaster-recovery"]["prod"]
    arch = build_architecture(config, "disaster-recovery", "prod")
    kinds = {s.key: s.kind for s in arch.services}
    assert [r for r, _ in arch.regions] == ["us-east-1", "us-west-2"]
    assert sorted((kinds[f.source], kinds[f.target], f.label) for f in arch.flows if f.style == "replication") == [
        ("aurora", "aurora", "Aurora global database"),
        ("dynamodb", "replica", "global table replica"),
        ("s3", "s3", "S3 replication"),
    ]
    regions = {s.key: s.region for s in arch.services}
    assert sorted((f.label, regions[f.target]) for f in arch.flows if kinds[f.source] == "route53") == [
        ("failover primary", "us-east-1"),
        ("failover secondary", "us-west-2"),
    ]
    domains = {f.target for f in arch.flows if kinds[f.source] == "route53"}  # each region's custom domain
    assert sorted((regions[f.source], regions[f.target]) for f in arch.flows if f.source in domains) == [
        ("us-east-1", "us-east-1"),
        ("us-west-2", "us-west-2"),
    ]
    assert [(f.source, kinds[f.target]) for f in arch.flows if f.source == "users"] == [("users", "route53")]

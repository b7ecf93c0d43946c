"""The docs generator's pieces: props tables and attributes (ast), reference edges and tiers, the SVG, the
environment matrix and the staleness comparison. No provider bindings are needed here."""
from __future__ import annotations

import dataclasses
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from tools import docgen
from tools.docgen_ast import read_module
from tools.docgen_envs import render_environments
from tools.docgen_graph import build_graph, references
from tools.docgen_modules import field_rows, render_modules
from tools.docgen_svg import render_svg

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
    assert rows["`retention_days`"][1:] == ("required", "retention: retention_days (required: it differs per "
                                                        "environment)")  # module "Defaults:"
    assert rows["`kms_key_arn`"] == ("`str \\| None`", "`None`", "encryption with kms_key_arn")
    assert rows["`extra`"] == ("`list[str]`", "`list()`", "")


def test_public_attributes_from_init_and_its_helpers(tmp_path: Path) -> None:
    _, classes = read_module(_sample(tmp_path))
    construct = next(c for c in classes if c.name == "Sample")
    found = {a.name: (a.type, a.construct_id) for a in construct.attributes}
    assert found == {
        "thing": ("Thing", "Thing"), "maybe": ("Other | None", "Other"), "parts": ("list[Part]", "Part{i}"),
        "alias": ("Thing", "Thing"), "size": ("int", ""), "named": ("Named", "(computed)"),
        "items": ("list[Item]", "Item0"), "store": ("Bucket", ""), "url": ("str", "(property)"),
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
'''


def test_attributes_built_by_imported_helpers_get_their_return_type_and_id(tmp_path: Path) -> None:
    package = tmp_path / "modules"
    package.mkdir()
    (package / "helpers.py").write_text(HELPERS, encoding="utf-8")
    (package / "user.py").write_text(USER, encoding="utf-8")
    _, classes = read_module(package / "user.py")
    found = {a.name: (a.type, a.construct_id) for a in classes[0].attributes}
    # untyped helpers keep the old guess (the called name); helpers with no construct give no id
    assert found == {"guard": ("Guard", "Guard"), "plain": ("untyped", ""), "count": ("int", "")}


def test_module_pages_discover_new_modules(tmp_path: Path) -> None:
    _sample(tmp_path)
    (tmp_path / "modules" / "__init__.py").write_text('"""Package."""\n', encoding="utf-8")
    pages = render_modules(tmp_path / "modules")
    assert sorted(pages) == ["modules/README.md", "modules/sample.md"]
    page = pages["modules/sample.md"]
    assert "## Defaults\n\n- retention: `retention_days` (required: it differs per environment)\n" in page
    assert "### `SampleProps`" in page and "| `thing` | `Thing` | `Thing` |" in page
    assert "[`sample`](sample.md) | A sample construct for the docs generator. |" in pages["modules/README.md"]


CONFIG: dict[str, Any] = {
    "provider": {"aws": [{"region": "us-east-1"}, {"alias": "replica", "region": "eu-west-1"}]},
    "data": {"aws_iam_policy_document": {"Doc": {"//": {"metadata": {"path": "s/Fn/Doc"}}}}},
    "resource": {
        "aws_lb": {"Alb": {"//": {"metadata": {"path": "s/Lb/Alb"}}, "subnets": ["${aws_subnet.Public0.id}"]}},
        "aws_security_group": {"Sg": {"//": {"metadata": {"path": "s/Lb/Sg"}}, "vpc_id": "${aws_vpc.Vpc.id}"}},
        "aws_subnet": {"Public0": {"//": {"metadata": {"path": "s/Net/Public0"}}, "vpc_id": "${aws_vpc.Vpc.id}"}},
        "aws_vpc": {"Vpc": {"//": {"metadata": {"path": "s/Net/Vpc"}}}},
        "aws_iam_role": {"Role": {"//": {"metadata": {"path": "s/Fn/Role", "note": "${aws_vpc.Vpc.id}"}},
                                  "inline_policy": [{"policy": "${data.aws_iam_policy_document.Doc.json}"}],
                                  "name": "${aws_iam_role.Role.id}-${aws_nothing.Unknown.id}"}},
        "aws_s3_bucket": {"Copy": {"//": {"metadata": {"path": "s/Copy"}}, "provider": "aws.replica",
                                   "depends_on": ["aws_iam_role.Role", "aws_vpc.Vpc"],
                                   "tags": {"Role": "${jsonencode({a = aws_iam_role.Role.arn})}"}}},
    },
}


def test_reference_edges_from_a_small_json() -> None:
    graph = build_graph(CONFIG)
    assert graph.edges == (
        ("aws_iam_role.Role", "data.aws_iam_policy_document.Doc", "ref"),  # nested, data source; not itself
        ("aws_lb.Alb", "aws_subnet.Public0", "ref"),
        ("aws_s3_bucket.Copy", "aws_iam_role.Role", "ref"),  # a reference wins over depends_on
        ("aws_s3_bucket.Copy", "aws_vpc.Vpc", "depends_on"),
        ("aws_security_group.Sg", "aws_vpc.Vpc", "ref"),
        ("aws_subnet.Public0", "aws_vpc.Vpc", "ref"),
    )
    assert references({"x": "aws_vpc.Vpc.id"}, {"aws_vpc.Vpc"}) == set()  # not inside ${...}


def test_tiers_and_groups() -> None:
    nodes = {n.address: (n.tier, n.group, n.path) for n in build_graph(CONFIG).nodes}
    assert nodes["aws_lb.Alb"] == ("edge", "aws (us-east-1)", "Lb/Alb")
    assert nodes["aws_security_group.Sg"][0] == "edge"  # takes its sibling's tier
    assert nodes["aws_subnet.Public0"][0] == "public"
    assert nodes["aws_vpc.Vpc"][0] == "private"
    assert nodes["aws_iam_role.Role"][0] == "global"
    assert nodes["data.aws_iam_policy_document.Doc"][0] == "global"
    assert nodes["aws_s3_bucket.Copy"][:2] == ("data", "aws.replica (eu-west-1)")


def test_svg_is_deterministic_and_well_formed() -> None:
    shuffled = json.loads(json.dumps(CONFIG))
    shuffled["resource"] = dict(reversed(list(shuffled["resource"].items())))
    first = render_svg(build_graph(CONFIG), "sample <dev>")
    assert first == render_svg(build_graph(CONFIG), "sample <dev>")
    assert first == render_svg(build_graph(shuffled), "sample <dev>")
    root = ET.fromstring(first)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "sample &lt;dev&gt;" in first and first.count("<rect ") >= 7
    assert first.count('class="depends_on"') == 1 and first.count('class="ref"') == 5


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
    records = {"dev": _Record("dev", "us-east-1", _Part(1, ["a", "b"])),
               "prod": _Record("prod", "us-east-1", _Part(3, ["a", "b"]))}
    text = render_environments(records)["environments.md"]
    assert "| `region` | `us-east-1` |" in text and "`name`" not in text
    assert "## `part`: the part" in text
    assert "| `size` | `1` | `3` | how big |" in text and "| `zones` | `a, b` |  |" in text


def test_stale_lists_differing_missing_and_leftover_files(tmp_path: Path) -> None:
    generated, committed = tmp_path / "generated", tmp_path / "committed"
    docgen.write({"environments.md": "a\n", "modules/x.md": "x\n", "workloads/w.svg": "<svg/>\n"}, generated)
    docgen.write({"environments.md": "b\n", "modules/old.md": "old\n"}, committed)
    assert docgen.stale(generated, committed) == [
        "environments.md (differs)", "modules/x.md (missing)", "workloads/w.svg (missing)",
        "modules/old.md (no longer generated)"]
    assert docgen.stale(generated, committed, complete=False)[-1] == "workloads/w.svg (missing)"
    changed = docgen.write({"environments.md": "a\n", "modules/x.md": "x\n", "workloads/w.svg": "<svg/>\n"},
                           committed)
    assert changed == ["environments.md", "modules/x.md", "workloads/w.svg", "modules/old.md (removed)"]
    assert not docgen.stale(generated, committed)
    unchanged = docgen.write({"environments.md": "a\n", "modules/x.md": "x\n", "workloads/w.svg": "<svg/>\n"},
                             generated)
    assert not unchanged  # unchanged files are not rewritten

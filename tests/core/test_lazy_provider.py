"""core/lazy_provider.js, the jsii runtime's preload: the provider's lib/index.js requires each submodule when it is
first read, enumerates as published, and any other file (or an index.js of another shape) is compiled as published;
the real 20.1.0 index.js has that shape; main.py, the CLI and the test session start their runtime with it and leave
no NODE_OPTIONS behind. Byte identity of every stack: tests/core/test_bindings.py."""

from __future__ import annotations

import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from core import bindings
from tests.conftest import python_json

# A package shaped like @cdktf/provider-aws: lib/index.js of `exports.<name> = require("./<dir>");` lines; each
# submodule notes in globalThis.loaded that it ran.
SUBMODULE = 'globalThis.loaded = (globalThis.loaded || []).concat("{name}"); exports.Thing = "{name}-thing";\n'
INDEX = (
    '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.b = exports.a = void 0;\n'
)
PROBE = """
const index = require(process.argv[1]);
const seen = { atRequire: [...(globalThis.loaded || [])], keys: Object.keys(index).filter((k) => k !== "__esModule") };
seen.afterKeys = [...(globalThis.loaded || [])];
seen.thing = index.a.Thing;
seen.again = index.a.Thing;
seen.afterA = [...globalThis.loaded];
seen.plain = "value" in Object.getOwnPropertyDescriptor(index, "a");
console.log(JSON.stringify(seen));
"""


def fixture_package(root: Path, name: str, extra: str = "") -> Path:
    """A package `name` with submodules a and b; returns its lib/index.js."""
    lib = root / "node_modules" / name / "lib"
    for sub in ("a", "b"):
        (lib / sub).mkdir(parents=True)
        (lib / sub / "index.js").write_text(SUBMODULE.format(name=sub), encoding="utf-8")
    (lib.parent / "package.json").write_text(json.dumps({"name": name, "main": "lib/index.js"}), encoding="utf-8")
    lines = [f'exports.{sub} = require("./{sub}");' for sub in ("a", "b")]
    (lib / "index.js").write_text(INDEX + "\n".join(lines) + "\n" + extra, encoding="utf-8")
    return lib / "index.js"


def probe(index: Path, *, preload: bool = True) -> dict[str, object]:
    """What PROBE saw requiring `index` in node (with the preload, or as published)."""
    args = ["node", *(["--require", str(bindings.NODE_PRELOAD)] if preload else []), "-e", PROBE, str(index)]
    env = {k: v for k, v in os.environ.items() if k != "NODE_OPTIONS"}
    done = subprocess.run(args, capture_output=True, text=True, check=True, env=env, timeout=60)
    found: dict[str, object] = json.loads(done.stdout)
    return found


def test_the_provider_index_requires_each_submodule_when_first_read(tmp_path: Path) -> None:
    seen = probe(fixture_package(tmp_path, "@cdktf/provider-aws"))
    assert seen == {
        "atRequire": [],
        "keys": [
            "a",
            "b",
        ],  # the same names in the same order as published (`exports.b = exports.a = void 0` runs right to left)
        "afterKeys": [],
        "thing": "a-thing",
        "again": "a-thing",
        "afterA": ["a"],  # b never ran; a ran once
        "plain": True,  # the getter replaced itself with the value
    }


def test_without_the_preload_every_submodule_runs_at_once(tmp_path: Path) -> None:
    seen = probe(fixture_package(tmp_path, "@cdktf/provider-aws"), preload=False)
    assert (seen["atRequire"], seen["keys"]) == (["a", "b"], ["a", "b"])


@pytest.mark.parametrize(
    ("name", "extra"),
    [
        ("other-package", ""),  # another package's index.js is never touched
        ("@cdktf/provider-aws", 'exports.c = require("./a").Thing;\n'),  # a line of another shape: as published
    ],
)
def test_anything_else_is_compiled_as_published(tmp_path: Path, name: str, extra: str) -> None:
    assert probe(fixture_package(tmp_path, name, extra))["atRequire"] == ["a", "b"]


def test_the_published_index_has_the_shape_for_every_submodule(tmp_path: Path) -> None:
    import cdktf_cdktf_provider_aws  # pylint: disable=import-outside-toplevel

    tarball = Path(cdktf_cdktf_provider_aws.__file__).parent / "_jsii" / "provider-aws@20.1.0.jsii.tgz"
    wanted = {"package/package.json", "package/lib/index.js"}
    with tarfile.open(tarball, "r|gz") as archive:  # read as a stream up to the two files (not all 34 MB)
        for member in archive:
            if member.name in wanted:
                archive.extract(member, tmp_path, filter="data")
                wanted.discard(member.name)
                if not wanted:
                    break
    assert not wanted
    index = tmp_path / "package" / "lib" / "index.js"
    script = (
        f"const {{ lazySource, PACKAGE }} = require({json.dumps(str(bindings.NODE_PRELOAD))});"
        "const fs = require('fs'); const source = fs.readFileSync(process.argv[1], 'utf8');"
        "const lazy = lazySource(source) || '';"
        "console.log(JSON.stringify({ name: require(process.argv[2]).name, package: PACKAGE,"
        " getters: (lazy.match(/get\\(\\) \\{ const value = require\\(/g) || []).length }));"
    )
    done = subprocess.run(
        ["node", "-e", script, str(index), str(tmp_path / "package" / "package.json")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    found = json.loads(done.stdout)
    assert found["name"] == found["package"]
    assert found["getters"] == 2135


REPORT = """
import json, os
from core import bindings
print(json.dumps({"preloaded": bindings.runtime_preloaded(), "left": os.environ.get("NODE_OPTIONS")}))
"""


@pytest.mark.parametrize(
    "entry",
    [
        "import main\nassert main.main(['--workloads=bootstrap', '--environments=dev']) == 0\n",
        "from tools import cli\nassert cli.main(['synth', '--workloads=bootstrap', '--environments=dev', "
        "'--outdir', __import__('os').environ['CDKTF_OUTDIR']]) == 0\n",
    ],
    ids=["main.py", "the CLI"],
)
def test_main_and_the_cli_start_the_runtime_with_the_preload(entry: str, tmp_path: Path) -> None:
    found = python_json(entry + REPORT, env={"CDKTF_OUTDIR": str(tmp_path), "NODE_OPTIONS": "--no-warnings"})
    assert found == {"preloaded": True, "left": "--no-warnings"}  # the user's own options kept, ours gone


def test_a_runtime_started_before_load_has_no_preload() -> None:
    found = python_json("import constructs\n" + REPORT)  # the runtime starts with the first assembly loaded
    assert found == {"preloaded": False, "left": None}


def test_the_test_session_started_its_runtime_with_the_preload() -> None:
    assert bindings.runtime_preloaded() is True
    assert str(bindings.NODE_PRELOAD) not in os.environ.get("NODE_OPTIONS", "")


def test_node_options_keep_the_users_own() -> None:
    preload = f'--require "{bindings.NODE_PRELOAD}"'
    assert bindings.node_options(None) == preload
    assert bindings.node_options("--max-old-space-size=100") == f"--max-old-space-size=100 {preload}"

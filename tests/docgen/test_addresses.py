"""docs/modules/addresses.md finds every synthesized address's building file in one step."""

from __future__ import annotations

from pathlib import Path

from docgen.addresses import COMPUTED, builders, render_addresses
from tests.conftest import Synth, all_stack_names

ROOT = Path(__file__).resolve().parents[2]


def unplaced(found: dict[tuple[str, str], list[str]], configs: dict[str, dict[str, object]]) -> list[str]:
    """`<stack>: <type>.<logical id> (<path>)` for every resource or data source no row of `found` places."""
    missing = []
    for stack, config in configs.items():
        for kind, prefix in (("resource", ""), ("data", "data.")):
            for rtype, bodies in dict(config.get(kind, {})).items():  # type: ignore[call-overload]
                for logical_id, body in bodies.items():
                    leaf = body["//"]["metadata"]["path"].rsplit("/", 1)[-1]
                    if not {(prefix + rtype, leaf), (prefix + rtype, COMPUTED)} & set(found):
                        missing.append(f"{stack}: {prefix}{rtype}.{logical_id} ({leaf})")
    return missing


def test_every_synthesized_address_has_its_building_file(synth: Synth) -> None:
    configs = {name: synth.json(name) for name in all_stack_names()}
    assert not unplaced(builders(ROOT), configs)


def test_an_address_no_source_builds_is_reported(synth: Synth) -> None:
    found = {k: v for k, v in builders(ROOT).items() if k[0] != "aws_vpc"}
    assert unplaced(found, {"flask-api-dev": synth.json("flask-api-dev")}) == [
        f"flask-api-dev: aws_vpc.{logical_id} (Vpc)" for logical_id in synth.resources("flask-api-dev", "aws_vpc")
    ]


def test_rows_name_the_construct_id_and_the_file(tmp_path: Path) -> None:
    (tmp_path / "modules").mkdir()
    (tmp_path / "modules" / "thing.py").write_text(
        "from cdktf_cdktf_provider_aws.sqs_queue import SqsQueue\n"
        "from cdktf_cdktf_provider_aws.data_aws_caller_identity import DataAwsCallerIdentity\n"
        "def build(scope, id_):\n"
        '    SqsQueue(scope, "Queue")\n    SqsQueue(scope, id_)\n    DataAwsCallerIdentity(scope, "Me")\n',
        encoding="utf-8",
    )
    assert builders(tmp_path) == {
        ("aws_sqs_queue", "(computed)"): ["modules/thing.py"],
        ("aws_sqs_queue", "Queue"): ["modules/thing.py"],
        ("data.aws_caller_identity", "Me"): ["modules/thing.py"],
    }
    assert "| `aws_sqs_queue` | `Queue` | [`modules/thing.py`](../../modules/thing.py) |" in render_addresses(tmp_path)

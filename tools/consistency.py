"""Environment consistency: compare each workload's synthesized stacks across environments, attribute by attribute.

Strings are normalized first (account ids -> <account>, environment names -> <env>, ephemeral suffixes dropped), so
only real differences remain. JSON policy strings are compared inside. Each difference is classified:
- intended: a field of the environment records that differs between the environments explains it. A value
  difference is explained when, in every environment, the value equals the field's value (also as a string, a
  token inside a string, a list element, a boolean (also spelled Enabled/Disabled) or its negation, or minutes/
  hours/days/milliseconds converted to seconds). Field values are normalized like the stacks.
  A presence difference (a resource or attribute only some environments have) is explained by a field that is
  unset where it is missing, a list or `*count` field that is larger wherever it is present, or a field whose
  values split the environments exactly as presence does.
  A numeric value that is the same whole multiple of a field in every environment (a queue's visibility timeout
  of 6 x the function timeout) is explained too. A difference between Terraform references (`${...}`) is treated
  like a presence difference (which NAT gateway a route uses follows the network layout).
- unintended: nothing in the records explains it (drift between environments). Exit code 1 when any exists.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from stacks import WORKLOADS
from tools.consistency_rules import MISSING, explain, partition
from tools.drift import leaves
from tools.progress import say

REPORT = Path(__file__).resolve().parent.parent / "reports" / "consistency.json"


@dataclass
class Difference:
    """One attribute (or whole resource, attribute "") that differs between environments."""

    workload: str
    address: str
    attribute: str
    values: dict[str, Any]
    intended: bool
    fields: list[str]


def record_fields(record: Any, workload: str) -> dict[str, Any]:
    """{dotted field path: value} of every record field (the workload's own section first)."""
    flat: dict[str, Any] = {}

    def walk(value: Any, path: str) -> None:
        if dataclasses.is_dataclass(value):
            for fld in dataclasses.fields(value):
                walk(getattr(value, fld.name), f"{path}.{fld.name}" if path else fld.name)
        else:
            flat[path] = value

    section = workload.replace("-", "_")
    names = [f.name for f in dataclasses.fields(record) if f.name not in ("name", "account_id")]  # normalized away
    for name in sorted(names, key=lambda n: n != section):
        walk(getattr(record, name), name)
    return flat


def normalizer(records: Mapping[str, Any], suffix: str | None) -> Any:
    """A function normalizing the strings of one environment's stack."""
    accounts = sorted({r.account_id for r in records.values()}, key=len, reverse=True)

    def normalize(value: Any, env: str) -> Any:
        if isinstance(value, str):
            for account in accounts:
                value = value.replace(account, "<account>")
            if suffix:
                value = value.replace(f"{env}-{suffix}", env)
            return re.sub(rf"(?<![A-Za-z0-9]){re.escape(env)}(?![A-Za-z0-9])", "<env>", value)
        return value

    return normalize


def _expand(value: Any) -> Any:
    """JSON documents inside strings (policies) become structures, so their differences show per statement."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return _expand(json.loads(value))
        except ValueError:
            return value
    if isinstance(value, dict):
        return {k: _expand(v) for k, v in value.items() if k != "//"}
    if isinstance(value, list):
        return [_expand(v) for v in value]
    return value


def addresses(stack: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(address, body) of every block of a synthesized stack, `//` metadata dropped."""
    for section in ("resource", "data"):
        for rtype, items in stack.get(section, {}).items():
            for name, body in items.items():
                yield (f"data.{rtype}.{name}" if section == "data" else f"{rtype}.{name}"), _expand(body)
    for name, body in stack.get("output", {}).items():
        yield f"output.{name}", _expand(body)
    for name, body in stack.get("provider", {}).items():
        yield f"provider.{name}", _expand(body)
    yield "terraform", _expand(stack.get("terraform", {}))


def compare(
    workload: str, stacks: Mapping[str, dict[str, Any]], records: Mapping[str, Any], suffix: str | None = None
) -> list[Difference]:
    """Every difference between the environments' stacks of one workload (env -> synthesized JSON)."""
    normalize = normalizer(records, suffix)
    flat: dict[str, dict[str, dict[str, Any]]] = {}  # address -> env -> {attribute: value}
    for env, stack in stacks.items():
        for address, body in addresses(stack):
            flat.setdefault(address, {})[env] = {p: normalize(v, env) for p, v in leaves(body)}
    per_field: dict[str, dict[str, Any]] = {}
    for env in stacks:
        for path, value in record_fields(records[env], workload).items():  # "dr-dev.example.com" -> "dr-<env>..."
            per_field.setdefault(path, {})[env] = (
                tuple(normalize(v, env) for v in value) if isinstance(value, (list, tuple)) else normalize(value, env)
            )
    fields = {p: v for p, v in per_field.items() if len(partition(v)) > 1}
    others = {w.replace("-", "_") for w in WORKLOADS} - {workload.replace("-", "_")}
    own = {p: v for p, v in fields.items() if p.split(".")[0] not in others}  # before other workloads' sections
    found = []
    for address in sorted(flat):
        by_env = flat[address]
        if len(by_env) < len(stacks):
            values = {env: "<present>" if env in by_env else MISSING for env in stacks}
            found.append(_difference(workload, address, "", values, own, fields))
            continue
        for attribute in sorted(set().union(*(a.keys() for a in by_env.values()))):
            values = {env: by_env[env].get(attribute, MISSING) for env in stacks}
            if len(partition(values)) > 1:
                found.append(_difference(workload, address, attribute, values, own, fields))
    return found


def _difference(
    workload: str,
    address: str,
    attribute: str,
    values: dict[str, Any],
    own: Mapping[str, Mapping[str, Any]],
    fields: Mapping[str, Mapping[str, Any]],
) -> Difference:
    reasons = explain(values, own) or explain(values, fields)  # the workload's own and shared fields first
    return Difference(workload, address, attribute, values, bool(reasons), reasons)


def load_stacks(outdir: Path, workload: str, environments: list[str], suffix: str | None) -> dict[str, Any]:
    """{env: synthesized JSON} of one workload's stacks in `outdir`/stacks."""
    tail = f"-{suffix}" if suffix else ""
    return {
        env: json.loads((outdir / "stacks" / f"{workload}-{env}{tail}" / "cdk.tf.json").read_text("utf-8"))
        for env in environments
    }


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= 28 else text[:25] + "..."


def table(differences: list[Difference], environments: list[str]) -> str:
    """One line per difference: where, the value per environment, and the verdict with the explaining fields."""
    rows = [["address / attribute", *environments, "verdict"]]
    for diff in differences:
        verdict = (
            f"intended ({', '.join(diff.fields[:3])}{', ...' if len(diff.fields) > 3 else ''})"
            if diff.intended
            else "UNINTENDED"
        )
        where = f"{diff.workload}: {diff.address}" + (f" {diff.attribute}" if diff.attribute else " (resource)")
        rows.append([where, *(_cell(diff.values[e]) for e in environments), verdict])
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1] for r in rows)


def check(
    outdir: Path,
    workloads: list[str],
    records: Mapping[str, Any],
    suffix: str | None = None,
    report: Path | None = None,
) -> int:
    """Compare every workload across the environments of `records`; print, write the report; exit code."""
    environments, found, report = list(records), [], report or REPORT
    for index, workload in enumerate(workloads, 1):
        diffs = compare(workload, load_stacks(outdir, workload, environments, suffix), records, suffix)
        bad = sum(not d.intended for d in diffs)
        say(f"[{index}/{len(workloads)}] {workload}: {len(diffs)} difference(s), {bad} unintended")
        found.extend(diffs)
    unintended = [d for d in found if not d.intended]
    report.parent.mkdir(parents=True, exist_ok=True)
    plain = sorted(env for env, record in records.items() if getattr(record, "allow_plain_http", False) is True)
    report.write_text(
        json.dumps(
            {
                "environments": environments,
                "unintended": len(unintended),
                "plain_http_environments": plain,
                "differences": [asdict(d) for d in found],
            },
            indent=2,
            default=str,
        )
        + "\n",
        encoding="utf-8",
    )
    print(table(found, environments))
    print(f"plain HTTP allowed (allow_plain_http): {', '.join(plain) or 'nowhere'}")
    print(f"{len(found)} difference(s): {len(found) - len(unintended)} intended, {len(unintended)} unintended")
    say(f"consistency report: {report}")
    return 1 if unintended else 0


def command(args: Any) -> int:
    """`python -m tools consistency`: synthesize the workloads for every environment, then compare."""
    from config import load_environments  # pylint: disable=import-outside-toplevel
    from tools import cli  # pylint: disable=import-outside-toplevel

    args.environments = None  # every environment, always: that is the comparison
    selection, _ = cli.synth(args)
    records = load_environments()
    return check(Path(args.outdir), list(selection.workloads), records, selection.suffix)

"""How the consistency report classifies a difference between environments (tools/consistency.py): which
differing fields of the environment records explain it. The rules are described in tools/consistency.py."""

from __future__ import annotations

import json
import math
import re
from typing import Any, Mapping

MISSING = "<absent>"
FACTORS = (60, 3600, 86400, 0.001, 1048576)  # minutes, hours, days -> seconds; ms -> s; MiB -> bytes


def _match(value: Any, wanted: Any) -> bool:
    if isinstance(wanted, bool) and value in ("Enabled", "Disabled"):
        value = value == "Enabled"  # AWS's spelling of a boolean
    if value == MISSING:
        return wanted in (None, False, 0, (), [], "")
    if isinstance(wanted, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(wanted, bool)  # equal or negated: both are booleans
    if isinstance(wanted, (list, tuple)):
        return value == list(wanted) or value in wanted
    forms = [wanted, *(wanted * f for f in FACTORS)] if isinstance(wanted, (int, float)) else [wanted]
    if isinstance(value, (int, float)) and isinstance(wanted, (int, float)):
        return any(math.isclose(value, form) for form in forms)
    texts = [str(int(f)) if isinstance(f, float) and f.is_integer() else str(f) for f in forms if f not in (None, "")]
    left = r"(?<![A-Za-z0-9.])" if isinstance(wanted, (int, float)) else r"(?<![A-Za-z0-9])"  # 2 is not in 1.2
    tokens = [rf"{left}{re.escape(t)}(?![A-Za-z0-9]|\.\d)" for t in texts]
    return str(value) in texts or (isinstance(value, str) and any(re.search(t, value) for t in tokens))


def partition(values: Mapping[str, Any]) -> set[frozenset[str]]:
    """The environments grouped by equal value."""
    groups: dict[str, set[str]] = {}
    for env, value in values.items():
        groups.setdefault(json.dumps(value, sort_keys=True, default=str), set()).add(env)
    return {frozenset(g) for g in groups.values()}


def explain(values: Mapping[str, Any], fields: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The differing record fields that explain this difference (empty: unintended)."""
    presence = {env: value != MISSING for env, value in values.items()}
    found = [
        path
        for path, per_env in fields.items()
        if all(_match(values[env], per_env[env]) for env in values)
        and not (isinstance(per_env[next(iter(values))], bool) and _bool_mismatch(values, per_env))
    ]
    if not found:
        found = [path for path, per_env in fields.items() if _proportional(values, per_env)]
    split = (
        partition(presence)
        if len(set(presence.values())) > 1
        else partition(values)
        if all("${" in str(v) for v in values.values())
        else None
    )
    if not found and split:
        found = [
            path
            for path, per_env in fields.items()
            if partition(per_env) == split or (len(set(presence.values())) > 1 and _grows_with(presence, path, per_env))
        ]
    return found or plain_http(values, fields)


PLAIN_HTTP = "allow_plain_http"


def plain_http(values: Mapping[str, Any], fields: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """An HTTP listener's action that is a redirect exactly where the record's allow_plain_http is off (the
    environments serving plain HTTP are reported under that field: tools/consistency.py lists them)."""
    per_env = fields.get(PLAIN_HTTP)
    if per_env is None or "redirect" not in values.values():
        return []
    return [PLAIN_HTTP] if all((values[e] == "redirect") == (per_env[e] is False) for e in values) else []


def _proportional(values: Mapping[str, Any], per_env: Mapping[str, Any]) -> bool:
    """True when every value is the same whole multiple (2-100) of the field's value."""
    pairs = [(values[e], per_env[e]) for e in values]
    if not all(type(v) is int and type(f) is int and f > 0 for v, f in pairs):  # pylint: disable=unidiomatic-typecheck
        return False
    ratios = {v / f for v, f in pairs}
    return len(ratios) == 1 and float(ratios.pop()).is_integer() and 2 <= pairs[0][0] // pairs[0][1] <= 100


def _grows_with(presence: Mapping[str, bool], path: str, per_env: Mapping[str, Any]) -> bool:
    """A list (its length) or a `*count*` field that is larger wherever the thing is present: one more replica
    region, one more provider; one more zone, one more subnet; one more instance."""
    if all(isinstance(v, (list, tuple)) for v in per_env.values()):
        size = {e: len(v) for e, v in per_env.items()}
    elif "count" in path.rsplit(".", 1)[-1] and all(type(v) is int for v in per_env.values()):  # pylint: disable=unidiomatic-typecheck
        size = dict(per_env)
    else:
        return False
    present = [size[e] for e, here in presence.items() if here]
    return min(present) > max(size[e] for e, here in presence.items() if not here)


def _bool_mismatch(values: Mapping[str, Any], per_env: Mapping[str, Any]) -> bool:
    """A boolean attribute must follow a boolean field (or its negation) in every environment alike."""
    same = {values[e] == per_env[e] for e in values if values[e] != MISSING}
    return len(same) > 1

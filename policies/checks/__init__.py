"""The project's own Checkov checks (IDs CKV_APP_001...), one per file, plus the helpers they share.

Checkov loads every `.py` file of this folder (never `__init__.py` / `__main__.py`) with `--external-checks-dir`.
The checks are `BaseResourceCheck`s of the `terraform` framework; Checkov applies them to cdktf's Terraform JSON
too (`--framework terraform_json`), where every attribute value arrives wrapped in a list (`{"engine": ["mysql"]}`)
and a `tags` map as `[{"Key": "value"}]`. Checks import `config.catalog` and `core.*`: policies/scan.py runs
Checkov with PYTHONPATH set to the repository root.

`python -m policies.checks` regenerates taggable_types.txt from the provider bindings.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from core.tags import REQUIRED_TAG_KEYS

TAGGABLE_TYPES_FILE = Path(__file__).with_name("taggable_types.txt")
METADATA_KEY = "//"
# cdktf token text left in the output when a string token was changed before synth (.upper(), .lower(), slicing,
# .replace(), .format() of a mangled token, ...): `${TfToken[TOKEN.12]}`, `#{TfToken[TOKEN.3]}`, `Token[...]`.
# Compared case-insensitively: `.upper()` of a token gives `${TFTOKEN[TOKEN.3]}`, slicing gives `TfToken[TOKEN.4]}`.
TOKEN_MARKERS = ("tftoken[", "token[")

__all__ = [
    "REQUIRED_TAG_KEYS",
    "TAGGABLE_TYPES_FILE",
    "env_id",
    "first",
    "is_reference",
    "is_taggable",
    "known_environments",
    "literal_text",
    "tags_of",
    "walk",
]


def first(conf: dict[str, Any], key: str, default: Any = None) -> Any:
    """The value of `key` in a Checkov resource conf, unwrapped from the list Checkov puts it in."""
    value = conf.get(key, default)
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, list) and not value:
        return default
    return value


def is_reference(value: Any) -> bool:
    """True for a value that is a single Terraform expression, e.g. `${aws_kms_key.Key_1A2B.arn}`."""
    return isinstance(value, str) and value.startswith("${") and value.endswith("}")


def literal_text(value: str) -> str:
    """`value` with every `${...}` interpolation removed (what is written literally)."""
    return re.sub(r"\$\{[^}]*\}", "", value)


def walk(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    """Every (path, scalar) in a nested conf, dict keys included as scalars; the `//` metadata is skipped."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == METADATA_KEY or (isinstance(key, str) and key.startswith("__") and key.endswith("__")):
                continue
            here = f"{path}.{key}" if path else str(key)
            yield here, key
            yield from walk(item, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")
    else:
        yield path, value


def tags_of(conf: dict[str, Any]) -> dict[str, Any] | None:
    """The resource's `tags` map, or None when it has no `tags` argument."""
    if "tags" not in conf:
        return None
    tags = first(conf, "tags", {})
    return tags if isinstance(tags, dict) else {}


def known_environments() -> tuple[str, ...]:
    """Names of the configured environments (config/environments.toml)."""
    return _known_environments()


@lru_cache(maxsize=1)
def _known_environments() -> tuple[str, ...]:
    import tomllib  # pylint: disable=import-outside-toplevel

    from config.loader import ENVIRONMENTS_FILE  # pylint: disable=import-outside-toplevel

    data = tomllib.loads(Path(ENVIRONMENTS_FILE).read_text(encoding="utf-8"))
    return tuple(data.get("environments", {}))


def env_id(conf: dict[str, Any]) -> str | None:
    """The environment id (`dev`, or `dev-pr42` for an ephemeral copy) the resource belongs to.

    From the `Environment` and `Ephemeral` tags (core.tags.required_tags) when the resource has them; otherwise from
    the stack name in the resource's `//` metadata path (`<workload>-<env>[-<suffix>]`, core.naming.Namer), found by
    the last segment that names a configured environment.
    """
    tags = tags_of(conf) or {}
    environment = tags.get("Environment")
    if isinstance(environment, str) and environment and not is_reference(environment):
        suffix = tags.get("Ephemeral")
        return f"{environment}-{suffix}" if isinstance(suffix, str) and suffix else environment
    metadata = conf.get(METADATA_KEY)
    path = metadata.get("metadata", {}).get("path", "") if isinstance(metadata, dict) else ""
    segments = str(path).split("/", 1)[0].split("-")
    envs = known_environments()
    for index in range(len(segments) - 1, 0, -1):
        if segments[index] in envs:
            return "-".join(segments[index:])
    return None


@lru_cache(maxsize=1)
def taggable_types() -> frozenset[str]:
    """Resource types whose provider schema has a `tags` argument (generated from the bindings)."""
    lines = TAGGABLE_TYPES_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def is_taggable(resource_type: str, conf: dict[str, Any]) -> bool:
    """A resource must carry the required tags when its type takes `tags` or it has a `tags` argument."""
    return resource_type in taggable_types() or "tags" in conf


def taggable_types_from_bindings() -> list[str]:
    """Every resource type of the AWS provider bindings with a `tags` argument, as core.stack.RequiredTags sees it
    (a `tags_input` property and a `reset_tags` method). Imports the bindings (slow)."""
    import sys  # pylint: disable=import-outside-toplevel

    from core import bindings  # pylint: disable=import-outside-toplevel

    bindings.load_all()  # every submodule: the package itself is loaded lazily
    import cdktf  # pylint: disable=import-outside-toplevel

    found: set[str] = set()
    for name, module in list(sys.modules.items()):
        if not name.startswith("cdktf_cdktf_provider_aws.") or name.count(".") != 1:
            continue
        for cls in vars(module).values():
            if (
                isinstance(cls, type)
                and issubclass(cls, cdktf.TerraformResource)
                and cls.__module__ == name
                and hasattr(cls, "tags_input")
                and hasattr(cls, "reset_tags")
            ):
                found.add(str(getattr(cls, "TF_RESOURCE_TYPE")))
    return sorted(found)

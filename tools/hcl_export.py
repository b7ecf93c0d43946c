"""HCL export, the exit ramp from CDKTF: every synthesized stack as plain Terraform HCL (hcl.out/stacks/<stack>/).

`cdktf synth --hcl` (cdktf-cli 0.21.0) was tried first and is not used: it mangles every string that mixes JSON
and a reference (the bucket and IAM policies come out as `"{" Statement ": ...`). This converter renders the
synthesized Terraform JSON instead, with the provider's own schema (`terraform providers schema -json`, cached in
.cache/terraform/) deciding which keys are nested blocks and which are attributes. JSON strings keep their meaning
as HCL templates (`${...}` stays an interpolation); `depends_on`, `provider` and `lifecycle.ignore_changes`
become references; suppressions become `# checkov:skip=` comments. Assets (Lambda packages) are copied along, so
relative paths still hold. Each export is formatted (`terraform fmt`) and validated (`terraform validate`,
batched: terraform.validate_all; --jobs / JOBS batches side by side).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

from tools import terraform
from tools.progress import ToolError, say, step

OUTDIR = terraform.ROOT / "hcl.out"
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_WHOLE_REF = re.compile(r"\$\{([^{}\"]*)\}")
REFERENCE_KEYS = {"depends_on", "provider", "ignore_changes", "replace_triggered_by"}
Tree = dict[str, Any]  # block type name -> Tree of its nested block types


def _reduce(block: dict[str, Any]) -> Tree:
    return {name: _reduce(spec["block"]) for name, spec in block.get("block_types", {}).items()}


def provider_schema(required_providers: dict[str, Any]) -> dict[str, dict[str, Tree]]:
    """{"resource"|"data"|"ephemeral"|"provider": {type: block tree}} for the stack's providers (cached by their
    pins)."""
    digest = hashlib.sha256(json.dumps(required_providers, sort_keys=True).encode()).hexdigest()[:16]
    cache = terraform.CACHE / f"schema-v2-{digest}.json"  # v2: with ephemeral resources
    if cache.exists():
        cached: dict[str, dict[str, Tree]] = json.loads(cache.read_text(encoding="utf-8"))
        return cached
    work = terraform.CACHE / f"schema-{digest}"
    work.mkdir(parents=True, exist_ok=True)
    (work / "main.tf.json").write_text(
        json.dumps({"terraform": {"required_providers": required_providers}}), encoding="utf-8"
    )
    terraform.init(work, backend=False)
    raw = json.loads(terraform.run(work, ["providers", "schema", "-json"], env=terraform.offline_env(work)).stdout)
    tree: dict[str, dict[str, Tree]] = {"resource": {}, "data": {}, "ephemeral": {}, "provider": {}}
    for address, schema in raw.get("provider_schemas", {}).items():
        tree["provider"][address.rsplit("/", 1)[-1]] = _reduce(schema["provider"]["block"])
        tree["resource"].update({k: _reduce(v["block"]) for k, v in schema.get("resource_schemas", {}).items()})
        tree["data"].update({k: _reduce(v["block"]) for k, v in schema.get("data_source_schemas", {}).items()})
        tree["ephemeral"].update(
            {k: _reduce(v["block"]) for k, v in schema.get("ephemeral_resource_schemas", {}).items()}
        )
    cache.write_text(json.dumps(tree), encoding="utf-8")
    return tree


def _whole_interpolation(value: str) -> str | None:
    """The expression inside `value` when `value` is exactly one `${...}` interpolation (braces balanced outside
    string literals), else None: `"${jsonencode({a = "b"})}"` is `jsonencode({a = "b"})` in native syntax, where
    escaping its quotes as a JSON string would break it."""
    if not (value.startswith("${") and value.endswith("}")):
        return None
    depth, quoted, escaped = 1, False, False
    for index, char in enumerate(value[2:], 2):
        if quoted:
            escaped, quoted = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            quoted = True
        elif char in "{}":
            depth += 1 if char == "{" else -1
            if depth == 0:
                return value[2:-1] if index == len(value) - 1 else None
    return None


def expression(value: Any, indent: int = 0) -> str:
    """A Terraform-JSON value as an HCL expression with the same meaning."""
    pad, close = "  " * (indent + 1), "  " * indent
    if isinstance(value, str) and (_WHOLE_REF.fullmatch(value) or _whole_interpolation(value) is not None):
        return value[2:-1]  # "${x}" is x
    if value is None or isinstance(value, (str, bool, int, float)):
        return json.dumps(value, ensure_ascii=False)  # JSON escapes are HCL escapes; ${ } and %{ } keep meaning
    if isinstance(value, list):
        return "[\n" + "".join(f"{pad}{expression(v, indent + 1)},\n" for v in value) + close + "]" if value else "[]"
    if isinstance(value, dict):
        items = "".join(f"{pad}{_key(k)} = {expression(v, indent + 1)}\n" for k, v in value.items())
        return "{\n" + items + close + "}" if value else "{}"
    raise ToolError(f"cannot express {value!r} in HCL")


def _key(key: str) -> str:
    return key if _IDENT.fullmatch(key) else json.dumps(key)


def reference(value: Any) -> str:
    """depends_on / provider / ignore_changes entries: written as strings in JSON, bare references in HCL."""
    if isinstance(value, list):
        return "[" + ", ".join(reference(v) for v in value) + "]"
    text = str(value)
    whole = _WHOLE_REF.fullmatch(text)
    return whole.group(1) if whole else text


def body(content: dict[str, Any], tree: Tree, indent: int) -> list[str]:
    """The lines inside a block: attributes, nested blocks (per the schema tree), meta-arguments."""
    pad, lines = "  " * indent, []
    for key, value in content.items():
        if key == "//":
            lines += [
                f"{pad}# checkov:skip={s['id']}: {s.get('reason', '')}"
                for s in (value.get("suppressions", []) if isinstance(value, dict) else [])
            ]
        elif key in REFERENCE_KEYS:
            lines.append(f"{pad}{key} = {reference(value)}")
        elif key in tree or key == "lifecycle":
            sub = tree.get(key, {})
            for item in value if isinstance(value, list) else [value]:
                lines += [f"{pad}{key} {{", *body(item, sub, indent + 1), f"{pad}}}"]
        else:
            lines.append(f"{pad}{_key(key)} = {expression(value, indent)}")
    return lines


def _terraform_block(settings: dict[str, Any]) -> list[str]:
    lines = ["terraform {"]
    for key, value in settings.items():
        if key == "backend":
            for kind, config in value.items():
                lines += [f'  backend "{kind}" {{', *body(config, {}, 2), "  }"]
        elif key == "required_providers":
            lines += ["  required_providers {", *body(value, {}, 2), "  }"]
        else:
            lines.append(f"  {key} = {expression(value, 1)}")
    return lines + ["}", ""]


def render(stack: dict[str, Any], schema: dict[str, dict[str, Tree]]) -> str:
    """The whole stack as one HCL file."""
    unknown = set(stack) - {"//", "terraform", "provider", "ephemeral", "resource", "data", "output"}
    if unknown:
        raise ToolError(f"HCL export does not handle top-level {sorted(unknown)} yet: extend tools/hcl_export.py")
    lines = _terraform_block(stack.get("terraform", {}))
    for name, configs in stack.get("provider", {}).items():
        for config in configs if isinstance(configs, list) else [configs]:
            lines += [f'provider "{name}" {{', *body(config, schema["provider"].get(name, {}), 1), "}", ""]
    for section in ("ephemeral", "resource", "data"):
        for rtype, items in stack.get(section, {}).items():
            if rtype not in schema[section]:
                raise ToolError(f"{section} type {rtype} is not in the provider schema")
            for name, content in items.items():
                lines += [f'{section} "{rtype}" "{name}" {{', *body(content, schema[section][rtype], 1), "}", ""]
    for name, content in stack.get("output", {}).items():
        lines += [f'output "{name}" {{', *body(content, {}, 1), "}", ""]
    return "\n".join(lines)


def export_stack(stack_dir: Path, target_dir: Path) -> Path:
    """Write `target_dir`/main.tf (+ the stack's assets), formatted; returns the file."""
    stack = json.loads((stack_dir / "cdk.tf.json").read_text(encoding="utf-8"))
    schema = provider_schema(stack.get("terraform", {}).get("required_providers", {}))
    if target_dir.exists():
        shutil.rmtree(target_dir)
    target_dir.mkdir(parents=True)
    if (stack_dir / "assets").is_dir():
        shutil.copytree(stack_dir / "assets", target_dir / "assets")
    main = target_dir / "main.tf"
    main.write_text(render(stack, schema), encoding="utf-8")
    terraform.run(target_dir, ["fmt", "-no-color", main.name])
    return main


def export(stack_dirs: list[Path], outdir: Path | None = None, *, check: bool = True, jobs: int = 2) -> int:
    """Export (and validate, `jobs` batches side by side: terraform.validate_all) every stack; returns 1 when any
    export is invalid."""
    invalid, outdir = 0, outdir or OUTDIR
    with step(f"export {len(stack_dirs)} stack(s) as HCL to {outdir}/stacks"):
        mains = [export_stack(stack_dir, outdir / "stacks" / stack_dir.name) for stack_dir in stack_dirs]
        verdicts = terraform.validate_all([m.parent for m in mains], jobs=jobs) if check else {}
        for index, main in enumerate(mains, 1):
            verdict: dict[str, Any] = verdicts.get(main.parent, {"valid": True})
            invalid += verdict.get("valid") is not True
            lines = [
                f"[{index}/{len(mains)}] {main.parent.name}: {main} "
                f"{'' if not check else 'valid' if verdict.get('valid') else 'INVALID'}"
            ]
            lines += [
                f"    {d.get('severity')}: {d.get('summary')} {d.get('detail', '')}"
                for d in verdict.get("diagnostics", [])
            ]
            say("\n".join(lines))
    return 1 if invalid else 0


def command(args: Any) -> int:
    """`python -m tools export-hcl`: synthesize the selection, export each stack as HCL and validate it."""
    from tools import cli  # pylint: disable=import-outside-toplevel

    from tools import parallel  # pylint: disable=import-outside-toplevel

    _, names = cli.synth(args)
    return export(
        [Path(args.outdir) / "stacks" / n for n in names],
        jobs=parallel.jobs_setting(getattr(args, "jobs", None), len(names)),
    )

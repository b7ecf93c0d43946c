"""Entry point: build one stack per selected workload x environment and synthesize them to cdktf.out/.

    python main.py [--workloads a,b] [--environments dev,prod] [--suffix pr42]

The same selection can come from WORKLOADS / ENVIRONMENTS / ENVIRONMENT_SUFFIX (what `cdktf synth` uses).
Configuration is validated before anything is imported or built: on any problem, every problem is printed to
stderr and the exit code is 2, with nothing synthesized.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any, Sequence

from config import Catalog, ConfigError, EnvironmentRecord, Selection, load_catalog, load_environments
from config.selection import parse_selection
from stacks import WORKLOADS


def resolve(
    argv: Sequence[str] | None = None, environ: dict[str, str] | None = None
) -> tuple[Selection, dict[str, EnvironmentRecord], Catalog]:
    """Parse and validate the selection and the records; raises ConfigError with every problem."""
    environ = dict(os.environ if environ is None else environ)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", default=environ.get("WORKLOADS"), help="comma-separated (default: all)")
    parser.add_argument("--environments", default=environ.get("ENVIRONMENTS"), help="comma-separated (default: all)")
    parser.add_argument("--suffix", default=environ.get("ENVIRONMENT_SUFFIX"), help="ephemeral copy, e.g. pr42")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    records = load_environments(catalog=catalog)
    selection = parse_selection(
        workloads=args.workloads,
        environments=args.environments,
        suffix=args.suffix,
        known_workloads=WORKLOADS,
        known_environments=records,
    )
    return selection, records, catalog


def build_app(
    selection: Selection, records: dict[str, EnvironmentRecord], catalog: Catalog, outdir: str = "cdktf.out"
) -> Any:
    """An App holding one stack per selected workload x environment (not yet synthesized)."""
    from core import bindings  # pylint: disable=import-outside-toplevel

    bindings.load()
    from cdktf import App  # pylint: disable=import-outside-toplevel

    target = Path(outdir).resolve()
    created = next((p for p in reversed((target, *target.parents)) if not p.exists()), None)
    target.parent.mkdir(parents=True, exist_ok=True)  # cdktf creates only the last folder of the path
    try:
        app = App(outdir=str(target))
        add_stacks(app, selection, records, catalog)
    except ConfigError:
        if created is not None:  # a props or naming problem leaves nothing written
            shutil.rmtree(created, ignore_errors=True)
        raise
    return app


def add_stacks(app: Any, selection: Selection, records: dict[str, EnvironmentRecord], catalog: Catalog) -> list[Any]:
    """Add one stack per selected workload x environment to `app`; returns them. A module's props check or a name
    that cannot be built raises ConfigError naming the environment's table in config/environments.toml (the loader
    checks every value first, so this is the last line of defence, never a traceback)."""
    from core.naming import NamingError  # pylint: disable=import-outside-toplevel
    from core.props import PropsError  # pylint: disable=import-outside-toplevel
    from stacks import stack_class  # pylint: disable=import-outside-toplevel

    built = []
    for env_name in selection.environments:
        for workload in selection.workloads:
            try:
                built.append(
                    stack_class(workload)(app, env=records[env_name], catalog=catalog, suffix=selection.suffix)
                )
            except (PropsError, NamingError) as exc:
                text = str(exc).replace("\n  - ", "; ").replace(":; ", ": ")
                raise ConfigError(
                    [
                        f"config/environments.toml [environments.{env_name}] ({workload}"
                        f"{' with suffix ' + selection.suffix if selection.suffix else ''}): {text}; "
                        "fix the value named (see docs/modules/)"
                    ]
                ) from exc
    return built


def main(argv: Sequence[str] | None = None) -> int:
    """Synthesize the selection; returns the process exit code."""
    outdir = os.environ.get("CDKTF_OUTDIR", "cdktf.out")
    try:
        selection, records, catalog = resolve(argv)
        from core.bindings import paused_gc  # pylint: disable=import-outside-toplevel

        with paused_gc():
            app = build_app(selection, records, catalog, outdir)
            app.synth()
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    count = len(selection.workloads) * len(selection.environments)
    print(f"synthesized {count} stack(s) to {outdir}/stacks")
    return 0


if __name__ == "__main__":
    sys.exit(main())

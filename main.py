"""Entry point: build one stack per selected workload x environment and synthesize them to cdktf.out/.

    python main.py [--workloads a,b] [--environments dev,prod] [--suffix pr42]

The same selection can come from WORKLOADS / ENVIRONMENTS / ENVIRONMENT_SUFFIX (what `cdktf synth` uses).
Configuration is validated before anything is imported or built: on any problem, every problem is printed to
stderr and the exit code is 2, with nothing synthesized.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from config import Catalog, ConfigError, EnvironmentRecord, Selection, load_catalog, load_environments
from config.selection import parse_selection
from stacks import WORKLOADS


def resolve(argv: Sequence[str] | None = None,
            environ: dict[str, str] | None = None) -> tuple[Selection, dict[str, EnvironmentRecord], Catalog]:
    """Parse and validate the selection and the records; raises ConfigError with every problem."""
    environ = dict(os.environ if environ is None else environ)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workloads", default=environ.get("WORKLOADS"), help="comma-separated (default: all)")
    parser.add_argument("--environments", default=environ.get("ENVIRONMENTS"), help="comma-separated (default: all)")
    parser.add_argument("--suffix", default=environ.get("ENVIRONMENT_SUFFIX"), help="ephemeral copy, e.g. pr42")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    records = load_environments(catalog=catalog)
    selection = parse_selection(workloads=args.workloads, environments=args.environments, suffix=args.suffix,
                                known_workloads=WORKLOADS, known_environments=records)
    return selection, records, catalog


def build_app(selection: Selection, records: dict[str, EnvironmentRecord], catalog: Catalog,
              outdir: str = "cdktf.out") -> Any:
    """An App holding one stack per selected workload x environment (not yet synthesized)."""
    from core import bindings  # pylint: disable=import-outside-toplevel
    bindings.load()
    from cdktf import App  # pylint: disable=import-outside-toplevel

    Path(outdir).mkdir(parents=True, exist_ok=True)  # cdktf creates only the last folder of the path
    app = App(outdir=str(Path(outdir).resolve()))
    add_stacks(app, selection, records, catalog)
    return app


def add_stacks(app: Any, selection: Selection, records: dict[str, EnvironmentRecord], catalog: Catalog) -> list[Any]:
    """Add one stack per selected workload x environment to `app`; returns them."""
    from stacks import stack_class  # pylint: disable=import-outside-toplevel

    return [stack_class(workload)(app, env=records[env_name], catalog=catalog, suffix=selection.suffix)
            for env_name in selection.environments for workload in selection.workloads]


def main(argv: Sequence[str] | None = None) -> int:
    """Synthesize the selection; returns the process exit code."""
    try:
        selection, records, catalog = resolve(argv)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    outdir = os.environ.get("CDKTF_OUTDIR", "cdktf.out")
    from core.bindings import paused_gc  # pylint: disable=import-outside-toplevel
    with paused_gc():
        app = build_app(selection, records, catalog, outdir)
        app.synth()
    count = len(selection.workloads) * len(selection.environments)
    print(f"synthesized {count} stack(s) to {outdir}/stacks")
    return 0


if __name__ == "__main__":
    sys.exit(main())

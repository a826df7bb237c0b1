"""`seasonctl loadtest`: the season's k6 peak test, as a script or as in-cluster k6-operator manifests."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer
import yaml

from freshfoodz_seasonal.adapters.catalog_files import load_catalog
from freshfoodz_seasonal.adapters.text_files import write_text_atomically
from freshfoodz_seasonal.cli.clock import read_clock
from freshfoodz_seasonal.cli.exits import EXIT_INVALID, fail, note
from freshfoodz_seasonal.cli.options import ProjectDirOption, StackArgument, checked_output_file, flag
from freshfoodz_seasonal.cli.stacks import load_stack, plan_loaded
from freshfoodz_seasonal.config.model import EXAMPLE_API_BASE_URL
from freshfoodz_seasonal.content.loadtest.k6_operator import in_cluster_manifests
from freshfoodz_seasonal.content.loadtest.k6_script import k6_script


def loadtest(
    stack: StackArgument,
    out: Annotated[Path | None, typer.Option(help="write the script (or the manifests) here instead of stdout")] = None,
    in_cluster: Annotated[
        bool, flag("--in-cluster", "a ConfigMap and a k6-operator TestRun instead of a script")
    ] = False,
    api_base_url: Annotated[
        str | None, typer.Option(help="the API's URL as the in-cluster runners reach it (with --in-cluster)")
    ] = None,
    project_dir: ProjectDirOption = Path("."),
) -> None:
    """The season's k6 peak test: baseline to the season's multiplier, with the business thresholds."""
    catalog = load_catalog()
    loaded = load_stack(stack, project_dir, catalog)
    # A bad stack is reported before a missing flag, a missing flag before an infeasible plan.
    if in_cluster and not api_base_url:
        fail(EXIT_INVALID, [f"--in-cluster needs --api-base-url, e.g. {EXAMPLE_API_BASE_URL}"])
    if api_base_url and not in_cluster:
        # A script takes its URL from the environment when k6 runs it; a URL given here would be silently lost.
        fail(EXIT_INVALID, ["--api-base-url goes with --in-cluster; a script reads API_BASE_URL when k6 runs it"])
    checked_output_file("--out", out)
    planned = plan_loaded(loaded, catalog, read_clock().today)
    settings, plan = planned.settings, planned.plan
    try:
        if in_cluster:
            manifests = in_cluster_manifests(
                plan, settings.business_kpis, settings.load_test, api_base_url or "", settings.peak_controls.namespace
            )
            text = yaml.safe_dump_all(manifests, sort_keys=False)
        else:
            text = k6_script(plan, settings.business_kpis, settings.load_test)
    except ValueError as error:
        fail(EXIT_INVALID, [f"{planned.path}: {error}"])
    if out is None:
        sys.stdout.write(text)
    else:
        try:
            write_text_atomically(out, text)
        except OSError as error:
            fail(EXIT_INVALID, [f"--out: cannot write {out}: {error}"])
        if in_cluster:
            note(f"wrote {out}; start it with `kubectl apply -f {shlex.quote(str(out))}`")
        else:
            note(
                f"wrote {out}; run it with `k6 run {shlex.quote(str(out))}`, API_BASE_URL and API_TOKEN set in the "
                "environment (the API's base URL, no trailing slash, and its bearer token)"
            )

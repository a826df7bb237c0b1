"""Wall time of `seasonctl plan STACK`, interpreter start-up included (target: under 1 s).

Run from the project root: `.venv/bin/python bench/plan_wall_time.py [--runs 5]`.
Each run is a fresh process, as an operator would start it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STACKS = ("spargel", "oktoberfest", "weihnachten")
TARGET_S = 1.0


def time_plan(stack: str, output_format: str) -> float:
    seasonctl = Path(sys.executable).parent / "seasonctl"
    started = time.perf_counter()
    subprocess.run([seasonctl, "plan", stack, "--format", output_format], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    arguments = parser.parse_args()
    time_plan("weihnachten", "table")  # warm the file cache and the bytecode
    figures = {}
    for stack in STACKS:
        for output_format in ("table", "json", "markdown"):
            runs = [time_plan(stack, output_format) for _ in range(arguments.runs)]
            figures[f"{stack}/{output_format}"] = {
                "median_s": round(statistics.median(runs), 3),
                "max_s": round(max(runs), 3),
            }
    worst = max(f["max_s"] for f in figures.values())
    if arguments.json:
        print(json.dumps({"runs": arguments.runs, "target_s": TARGET_S, "figures": figures}, indent=2))
    else:
        for name, figure in figures.items():
            print(f"{name:24} median {figure['median_s']:.3f} s   max {figure['max_s']:.3f} s")
        print(f"worst run {worst:.3f} s; target {TARGET_S} s: {'met' if worst < TARGET_S else 'MISSED'}")
    sys.exit(0 if worst < TARGET_S else 1)


if __name__ == "__main__":
    main()

"""Wall time of `seasonctl preview STACK` (targets: one stack under 3 s, all three under 6 s).

Run from the project root: `.venv/bin/python bench/preview_wall_time.py [--runs 3]`. Each run is a
fresh process, interpreter and Pulumi start-up included.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STACKS = ("spargel", "oktoberfest", "weihnachten")
ONE_STACK_TARGET_S = 3.0
ALL_STACKS_TARGET_S = 6.0


def time_preview(stack: str) -> float:
    seasonctl = Path(sys.executable).parent / "seasonctl"
    started = time.perf_counter()
    subprocess.run([seasonctl, "preview", stack], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    time_preview("spargel")  # warm the file cache and the bytecode
    worst_one = 0.0
    totals = []
    for _ in range(arguments.runs):
        times = {stack: time_preview(stack) for stack in STACKS}
        worst_one = max(worst_one, *times.values())
        totals.append(sum(times.values()))
        print("  ".join(f"{stack} {seconds:.2f} s" for stack, seconds in times.items()))
    worst_all = max(totals)
    print(f"one stack: worst {worst_one:.2f} s (target {ONE_STACK_TARGET_S} s)")
    print(
        f"all three: median {statistics.median(totals):.2f} s, worst {worst_all:.2f} s (target {ALL_STACKS_TARGET_S} s)"
    )
    sys.exit(0 if worst_one < ONE_STACK_TARGET_S and worst_all < ALL_STACKS_TARGET_S else 1)


if __name__ == "__main__":
    main()

"""Wall time of `seasonctl preview` (targets: one stack under 3 s, all three under 6 s).

All three are timed twice: as three separate commands, and as one `seasonctl preview spargel
oktoberfest weihnachten`, which pays Python's and Pulumi's start-up once.

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


def time_preview(*stacks: str) -> float:
    seasonctl = Path(sys.executable).parent / "seasonctl"
    started = time.perf_counter()
    subprocess.run([seasonctl, "preview", *stacks], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    time_preview("spargel")  # warm the file cache and the bytecode
    worst_one = 0.0
    separate, together = [], []
    for _ in range(arguments.runs):
        times = {stack: time_preview(stack) for stack in STACKS}
        worst_one = max(worst_one, *times.values())
        separate.append(sum(times.values()))
        together.append(time_preview(*STACKS))
        each = "  ".join(f"{stack} {seconds:.2f} s" for stack, seconds in times.items())
        print(f"{each}  all three in one command {together[-1]:.2f} s")
    print(f"one stack: worst {worst_one:.2f} s (target {ONE_STACK_TARGET_S} s)")
    print(f"all three, one command: median {statistics.median(together):.2f} s, worst {max(together):.2f} s")
    print(f"all three, three commands: median {statistics.median(separate):.2f} s, worst {max(separate):.2f} s")
    print(f"target for all three: {ALL_STACKS_TARGET_S} s")
    sys.exit(0 if worst_one < ONE_STACK_TARGET_S and max(together) < ALL_STACKS_TARGET_S else 1)


if __name__ == "__main__":
    main()

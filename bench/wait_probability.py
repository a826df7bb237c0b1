"""How often an arrival waits in M/G/k, simulated, against Erlang C and the model's delay probability.

Run from the repository root (it imports the simulator from `tests/`):

    .venv/bin/python -m bench.wait_probability                    # the whole sweep, about 15 minutes
    .venv/bin/python -m bench.wait_probability --slots 8 --requests 200000

The sweep behind `capacity.queueing.delay_probability`'s envelope: lognormal service of CV 1.5 to 4 and
mixtures of a fast route (15 ms, CV 0.5; 5 ms for the most extreme) with a slow one (700 ms to 1 s,
CV 2 to 4), on 4 to 64 slots at 0.4 to 0.8 load per slot. Each point is simulated on `--seeds`
independent streams of `--requests` requests after a warm-up (tests/support/des.py, exact for FCFS);
the standard error is the spread between the streams. "model / sim" below 1 would mean the model
thinks waiting rarer than it is; the envelope is meant to stay at or above 1 within the checked cs^2.
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from capacity.queueing import VARIABILITY_CHECKED_SCV, delay_probability, erlang_c
from capacity.service_time import ServiceTime, mixture_moments
from tests.support.des import ArrivalStream, SimRoute, fcfs_waits

WARMUP = 50_000

# (name, routes as (share, mean s, CV))
SERVICES: tuple[tuple[str, tuple[tuple[float, float, float], ...]], ...] = (
    ("CV 1.5", ((1.0, 0.05, 1.5),)),
    ("CV 2.2", ((1.0, 0.05, 2.2),)),
    ("CV 3", ((1.0, 0.05, 3.0),)),
    ("CV 4", ((1.0, 0.05, 4.0),)),
    ("50 % 15 ms + 700 ms CV 2.2", ((0.5, 0.015, 0.5), (0.5, 0.7, 2.2))),
    ("5 % 15 ms + 700 ms CV 2.2", ((0.048, 0.015, 0.5), (0.952, 0.7, 2.2))),
    ("95 % 15 ms + 700 ms CV 2.2", ((0.95, 0.015, 0.5), (0.05, 0.7, 2.2))),
    ("95 % 15 ms + 700 ms CV 4", ((0.95, 0.015, 0.5), (0.05, 0.7, 4.0))),
    ("99 % 5 ms + 1 s CV 2", ((0.99, 0.005, 0.5), (0.01, 1.0, 2.0))),
)
SLOTS = (4, 8, 16, 32, 64)
LOADS = (0.4, 0.5, 0.6, 0.7, 0.8)


@dataclass(frozen=True)
class Point:
    slots: int
    load: float
    service: str
    scv: float
    simulated: float
    stderr: float
    erlang_c: float
    model: float


def simulate(slots: int, load: float, service: str, requests: int, seeds: int) -> Point:
    routes = dict(SERVICES)[service]
    mean_s, scv = mixture_moments([(share, ServiceTime(mean, cv)) for share, mean, cv in routes])
    rate = load * slots / mean_s
    shares = []
    for seed in range(1, seeds + 1):
        stream = ArrivalStream(
            routes=tuple(SimRoute(f"r{i}", share, mean, cv) for i, (share, mean, cv) in enumerate(routes)),
            seed=seed,
        )
        stream.ensure(WARMUP + requests)
        waits = fcfs_waits(stream.unit_epochs, stream.service_s, slots, seconds_per_unit=1.0 / rate)[WARMUP:]
        shares.append(sum(wait > 0.0 for wait in waits) / len(waits))
    offered = load * slots
    return Point(
        slots=slots,
        load=load,
        service=service,
        scv=scv,
        simulated=statistics.fmean(shares),
        stderr=statistics.stdev(shares) / len(shares) ** 0.5 if len(shares) > 1 else float("nan"),
        erlang_c=erlang_c(slots, offered),
        model=delay_probability(slots, offered, scv),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slots", type=int, nargs="*", default=list(SLOTS))
    parser.add_argument("--requests", type=int, default=1_000_000, help="measured requests per stream")
    parser.add_argument("--seeds", type=int, default=4, help="independent streams per point")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    jobs = [(k, load, name) for k in args.slots for load in LOADS for name, _ in SERVICES]
    started = time.perf_counter()
    print(f"{'k':>3} {'load':>5} {'service':28} {'cs^2':>7} {'simulated':>17} {'Erlang C':>9} {'model':>8} model/sim")
    checked_ratios: list[float] = []
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = [pool.submit(simulate, k, load, name, args.requests, args.seeds) for k, load, name in jobs]
        for future in futures:
            p = future.result()
            ratio = p.model / p.simulated
            if p.scv <= VARIABILITY_CHECKED_SCV and p.simulated > 1e-3:
                checked_ratios.append(ratio)
            print(
                f"{p.slots:>3} {p.load:>5} {p.service:28} {p.scv:>7.1f} {p.simulated:>9.5f} ±{p.stderr:.5f} "
                f"{p.erlang_c:>9.5f} {p.model:>8.5f} {ratio:>6.3f}",
                flush=True,
            )
    print()
    print(
        f"within cs^2 <= {VARIABILITY_CHECKED_SCV:g} and P(wait) > 0.001: model / sim from {min(checked_ratios):.3f} "
        f"to {max(checked_ratios):.3f} over {len(checked_ratios)} points; {time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()

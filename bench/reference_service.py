"""A reference HTTP service that behaves as the capacity model assumes: N pods with k FCFS slots each.

Every request to `/r/<route>` is sent uniformly at random to one of N pods (a Kubernetes Service with
random load balancing), waits in that pod's strict FIFO queue for one of its k slots, and holds the
slot for a lognormal service time (each route's mean and CV, through `capacity.service_time.ServiceTime`)
spent in `asyncio.sleep`. The JSON answer says what the server saw: the pod, the wait for a slot, the
realised service time and the service time it drew, so a client can tell queueing, service, sleep
overshoot and transport apart. Listens on 127.0.0.1 only.

Run it on its own; it prints `port <n>` once it listens and stops on SIGTERM or Ctrl-C:

    .venv/bin/python -m bench.reference_service --pods 4 --slots 2 --route read=0.05:1.0 --route write=0.2:1.5

From Python: `serve_in_subprocess(config)` runs it in a child process (its own event loop and, on a
multi-core machine, its own core) and yields the port; `await run_server(config)` serves from the
caller's event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import select
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from capacity.service_time import ServiceTime

LOOPBACK = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 5.0


@dataclass(frozen=True)
class ServiceConfig:
    """N pods (`pods`) of k slots (`slots_per_pod`); each route's service time by route name."""

    pods: int
    slots_per_pod: int
    routes: Mapping[str, ServiceTime]
    seed: int | None = None

    def __post_init__(self) -> None:
        if self.pods < 1 or self.slots_per_pod < 1:
            raise ValueError(f"need at least one pod and one slot, got {self.pods} x {self.slots_per_pod}")
        if not self.routes:
            raise ValueError("need at least one route")

    def to_args(self) -> list[str]:
        """The command-line arguments that `parse_config` turns back into this config."""
        args = ["--pods", str(self.pods), "--slots", str(self.slots_per_pod)]
        for name, service_time in self.routes.items():
            args += ["--route", f"{name}={service_time.mean_s!r}:{service_time.cv!r}"]
        if self.seed is not None:
            args += ["--seed", str(self.seed)]
        return args


class FifoSlots:
    """k slots handed out strictly in the order they were asked for.

    A released slot goes straight to the oldest waiter instead of back to a free count, so a request
    arriving between the release and the waiter's wake-up cannot take it first.
    """

    def __init__(self, slots: int) -> None:
        self._free = slots
        self._waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if not waiter.cancelled():  # the slot was handed over just before the cancellation: pass it on
                self.release()
            raise

    def release(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():  # a cancelled waiter no longer wants the slot
                waiter.set_result(None)
                return
        self._free += 1


def require_loopback_host(host: str) -> None:
    if host != LOOPBACK:
        raise ValueError(f"the reference service listens on {LOOPBACK} only, not {host!r}")


def make_app(config: ServiceConfig) -> web.Application:
    """The service: `GET /r/<route>` queues at a random pod, sleeps one service time and says how long."""
    rng = random.Random(config.seed)
    pods = [FifoSlots(config.slots_per_pod) for _ in range(config.pods)]

    async def serve(request: web.Request) -> web.Response:
        route = request.match_info["route"]
        service_time = config.routes.get(route)
        if service_time is None:
            raise web.HTTPNotFound(text=f"no route {route!r}")
        pod = rng.randrange(config.pods)
        requested_s = rng.lognormvariate(service_time.mu, service_time.sigma)
        loop = asyncio.get_running_loop()
        arrived = loop.time()
        await pods[pod].acquire()
        started = loop.time()
        try:
            await asyncio.sleep(requested_s)
            finished = loop.time()
        finally:
            pods[pod].release()
        return web.json_response(
            {
                "route": route,
                "pod": pod,
                "wait_s": started - arrived,
                "service_s": finished - started,
                "requested_service_s": requested_s,
            }
        )

    app = web.Application()
    app.router.add_get("/r/{route}", serve)
    return app


@dataclass(frozen=True)
class RunningServer:
    port: int
    runner: web.AppRunner

    async def close(self) -> None:
        await self.runner.cleanup()


async def run_server(config: ServiceConfig, host: str = LOOPBACK, port: int = 0) -> RunningServer:
    """Start serving from the running event loop; port 0 picks a free port, reported as `.port`."""
    require_loopback_host(host)
    # No access log: formatting a line per request would cost the event loop more than the request.
    runner = web.AppRunner(make_app(config), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound_port = runner.addresses[0][1]
    return RunningServer(port=bound_port, runner=runner)


async def serve_until_stopped(config: ServiceConfig, host: str, port: int) -> None:
    server = await run_server(config, host, port)
    print(f"port {server.port}", flush=True)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(stop_signal, stopped.set)
    await stopped.wait()
    await server.close()


@contextmanager
def serve_in_subprocess(config: ServiceConfig) -> Iterator[int]:
    """Run the service in a child process for the duration of the block; yields its port."""
    command = [sys.executable, "-m", "bench.reference_service", *config.to_args()]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        yield _read_port(process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _read_port(process: subprocess.Popen[str]) -> int:
    """The port from the child's `port <n>` line; fails if it dies or stays silent too long."""
    assert process.stdout is not None
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while (remaining := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([process.stdout], [], [], remaining)
        if not readable:
            break
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the reference service exited with code {process.wait()} before listening")
        if line.startswith("port "):
            return int(line.split()[1])
    raise RuntimeError(f"the reference service did not report its port within {STARTUP_TIMEOUT_S} s")


def _route_arg(text: str) -> tuple[str, ServiceTime]:
    """`NAME=MEAN_S:CV`, e.g. `read=0.05:1.0`."""
    try:
        name, shape = text.split("=", 1)
        mean_s, cv = shape.split(":", 1)
        return name, ServiceTime(float(mean_s), float(cv))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected NAME=MEAN_S:CV, got {text!r} ({error})") from error


def parse_config(argv: list[str] | None = None) -> tuple[ServiceConfig, int]:
    """The service config and the port to listen on, from command-line arguments."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pods", type=int, required=True, help="pods the requests are spread over")
    parser.add_argument("--slots", type=int, required=True, help="FCFS slots per pod")
    parser.add_argument(
        "--route", type=_route_arg, action="append", required=True, help="NAME=MEAN_S:CV; repeat for more routes"
    )
    parser.add_argument("--seed", type=int, default=None, help="seed for routing and service times")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    args = parser.parse_args(argv)
    config = ServiceConfig(pods=args.pods, slots_per_pod=args.slots, routes=dict(args.route), seed=args.seed)
    return config, args.port


def main(argv: list[str] | None = None) -> int:
    config, port = parse_config(argv)
    asyncio.run(serve_until_stopped(config, LOOPBACK, port))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A real Prometheus on 127.0.0.1 holding backfilled history, for the baseline tests and benchmark.

`promtool tsdb create-blocks-from openmetrics` turns the synthetic traffic into TSDB blocks
(at most 72 h each, so old data is not one giant block), and `prometheus` serves them with a
retention long enough to keep them. The server scrapes nothing and stops when the block ends.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.support.prometheus_data import SyntheticTraffic, write_openmetrics
from tests.support.tools import PROMETHEUS_INSTALL, required_tool

READY_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def backfill(traffic: SyntheticTraffic, workdir: Path) -> Path:
    """A TSDB folder holding `traffic`."""
    promtool = required_tool("promtool", "the baseline tests against a real Prometheus", PROMETHEUS_INSTALL)
    source, tsdb = workdir / "traffic.om", workdir / "tsdb"
    write_openmetrics(traffic, source)
    result = subprocess.run(
        [promtool, "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=72h", str(source), str(tsdb)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    source.unlink()
    if result.returncode != 0:
        raise RuntimeError(f"promtool could not backfill:\n{result.stdout}\n{result.stderr}")
    return tsdb


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/-/ready", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


@contextlib.contextmanager
def running_prometheus(tsdb: Path, workdir: Path) -> Iterator[str]:
    """Serves `tsdb` on 127.0.0.1; yields the base URL, stops the server afterwards."""
    binary = required_tool("prometheus", "the baseline tests against a real Prometheus", PROMETHEUS_INSTALL)
    config, log = workdir / "prometheus.yml", workdir / "prometheus.log"
    config.write_text("global:\n  scrape_interval: 1h\nscrape_configs: []\n", encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        binary,
        f"--config.file={config}",
        f"--storage.tsdb.path={tsdb}",
        "--storage.tsdb.retention.time=100y",
        f"--web.listen-address=127.0.0.1:{port}",
        "--log.level=warn",
    ]
    with log.open("w", encoding="utf-8") as log_file:
        server = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not _ready(url):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"prometheus did not become ready:\n{log.read_text(encoding='utf-8')[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)

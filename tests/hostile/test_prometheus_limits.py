"""A server in Prometheus's place that answers too slowly or too deeply: the query ends, with words.

The socket timeout only bounds each read, so a server sending a byte at a time held a query for
ever; a deeply nested JSON answer made Python's decoder raise RecursionError, a traceback.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from freshfoodz_seasonal.adapters.prometheus_http import PrometheusClient, PrometheusUnavailable
from freshfoodz_seasonal.baseline.measure import MAX_WARNING_CHARS, answer_warnings, instant_vector

Serve = Callable[[socket.socket], None]


def _read_request(connection: socket.socket) -> None:
    """The whole request, head and body: closing with unread bytes would reset the connection."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += connection.recv(65536)
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")
    )
    while len(body) < length:
        body += connection.recv(65536)


def _raw_server(serve: Serve) -> Iterator[str]:
    """A server on 127.0.0.1 that hands each connection to `serve` after reading the request head."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                _read_request(connection)
                # The client may give up first: that is what some tests wait for.
                with contextlib.suppress(OSError):
                    serve(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


def _drip(connection: socket.socket) -> None:
    """Headers at once, then the body a byte every 50 ms: each read succeeds, the answer never ends."""
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
    for _ in range(200):
        connection.sendall(b" ")
        time.sleep(0.05)


def _answer(status: str, body: bytes) -> Serve:
    def serve(connection: socket.socket) -> None:
        head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        connection.sendall(head.encode() + body)

    return serve


@pytest.fixture
def dripping() -> Iterator[str]:
    yield from _raw_server(_drip)


def test_an_answer_that_never_finishes_stops_at_the_deadline(dripping: str) -> None:
    client = PrometheusClient(dripping, timeout_s=1.0)
    started = time.monotonic()
    with pytest.raises(PrometheusUnavailable, match=r"did not finish within 1 s \(--timeout\)"):
        client.query("up", 0.0)
    # The deadline, plus at most one read the socket timeout bounds (here each read gets a byte at once).
    assert time.monotonic() - started < 2.0


@pytest.mark.parametrize("status", ["200 OK", "500 Internal Server Error"])
def test_json_nested_too_deeply_is_refused_in_words(status: str) -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    for url in _raw_server(_answer(status, deep)):
        client = PrometheusClient(url, timeout_s=5.0)
        with pytest.raises(PrometheusUnavailable) as refused:
            client.query("up", 0.0)
        message = str(refused.value)
        assert ("nested too deeply" in message) if status == "200 OK" else ("HTTP 500" in message), message
        assert len(message) <= 1000


def test_label_values_and_warnings_reach_tables_without_terminal_escapes() -> None:
    answer = {
        "status": "success",
        "warnings": ["\x1b[2Jpartial\u202e" + "w" * 2000],
        "data": {
            "resultType": "vector",
            "result": [{"metric": {"uri": "/x\x1b]8;;http://evil\x07"}, "value": [0, "1"]}],
        },
    }
    (sample,) = instant_vector(answer)
    (warning,) = answer_warnings(answer)
    for text in (sample.labels["uri"], warning):
        assert text.isprintable(), text
    assert sample.labels["uri"] == "/x\\x1b]8;;http://evil\\x07"
    assert warning.startswith("\\x1b[2Jpartial\\u202e") and len(warning) == MAX_WARNING_CHARS


def _drip_headers(connection: socket.socket) -> None:
    """The status line, then a header a byte every 50 ms: the body's deadline never gets a chance."""
    connection.sendall(b"HTTP/1.1 200 OK\r\n")
    for _ in range(400):
        connection.sendall(b"X")
        time.sleep(0.05)


def _too_large(connection: socket.socket) -> None:
    size = 33 * 1024 * 1024
    connection.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n".encode())
    chunk = b" " * (1024 * 1024)
    for _ in range(33):
        connection.sendall(chunk)


def test_headers_that_never_finish_stop_at_the_deadline() -> None:
    for url in _raw_server(_drip_headers):
        started = time.monotonic()
        with pytest.raises(PrometheusUnavailable, match=r"no whole answer within 1 s \(--timeout\)"):
            PrometheusClient(url, timeout_s=1.0).query("up", 0.0)
        assert time.monotonic() - started < 3.0


def test_an_answer_over_the_size_cap_is_refused_in_words() -> None:
    for url in _raw_server(_too_large):
        with pytest.raises(PrometheusUnavailable, match="larger than 32 MiB"):
            PrometheusClient(url, timeout_s=20.0).query("up", 0.0)

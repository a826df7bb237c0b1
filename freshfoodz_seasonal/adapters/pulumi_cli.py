"""Runs the Pulumi CLI for a stack, shows its output as it comes, and says plainly what went wrong.

An update of an RDS class can take an hour: the CLI's output is passed through line by line, so
the operator sees progress. Stopping it (Ctrl-C, SIGTERM, SIGHUP or the time limit) sends Pulumi one
SIGINT and waits, which lets Pulumi cancel gracefully and release the stack's lock; killing it would
leave the lock and pending operations behind.
"""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

# A whole update of the season's resources, an RDS class change included, fits in this.
UPDATE_TIMEOUT_S = 3 * 3600
# How long Pulumi gets to cancel gracefully after SIGINT.
CANCEL_GRACE_S = 120
_TAIL_LINES = 40
# Pulumi can print one huge line (a resource's whole state): shown cut at this many characters, the
# rest drained and counted, so rendering never stalls the pipe.
MAX_LINE_CHARS = 4000


class PulumiFailed(RuntimeError):
    """The CLI is missing, or a command exited non-zero or was stopped; the message carries its last lines."""


@dataclass(frozen=True)
class PulumiCli:
    executable: str
    project_dir: Path

    @classmethod
    def find(cls, project_dir: Path) -> PulumiCli:
        executable = shutil.which("pulumi")
        if executable is None:
            raise PulumiFailed(
                "the Pulumi CLI is not on PATH; install it (https://www.pulumi.com/docs/install/) and log in"
            )
        return cls(executable, project_dir)

    def _command(self, args: tuple[str, ...]) -> list[str]:
        # No colours: every line is shown with its control characters escaped, which would garble them.
        return [self.executable, *args, "--cwd", str(self.project_dir), "--non-interactive", "--color", "never"]

    def _start(self, args: tuple[str, ...], stderr: int) -> subprocess.Popen[str]:
        """Pulumi in a session (process group) of its own, its output read as text; PulumiFailed if it cannot start."""
        try:
            # An argument list, no shell.
            return subprocess.Popen(  # noqa: S603
                self._command(args),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                # Pulumi prints resource state as it is: a byte that is not UTF-8 must not end the update.
                encoding="utf-8",
                errors="replace",
                bufsize=1,
                start_new_session=True,
            )
        except OSError as error:
            raise PulumiFailed(f"cannot run {self.executable}: {error}") from None

    def run(self, *args: str, timeout_s: float = 300) -> str:
        """A short command's stdout (stderr apart, so warnings do not spoil JSON); PulumiFailed if it fails.

        Like `stream`, Pulumi runs in a process group of its own and a Ctrl-C, SIGTERM or SIGHUP becomes
        one SIGINT to it and a wait, then PulumiFailed: the caller's clean-up runs either way.
        """
        shown = " ".join(["pulumi", *args])
        process = self._start(args, stderr=subprocess.PIPE)
        stop = _Stop(process, lambda _: None, timeout_s)
        with stop.on_signals():
            try:
                stdout, stderr = process.communicate(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                stop.for_time()
                stdout, stderr = process.communicate()
        if stop.reason is not None:
            raise PulumiFailed(f"`{shown}` {stop.reason}")
        if process.returncode != 0:
            said = [line for line in (stdout + "\n" + stderr).splitlines() if line.strip()]
            raise PulumiFailed(f"`{shown}` failed (exit {process.returncode}):\n" + "\n".join(said[-_TAIL_LINES:]))
        return stdout

    def stream(self, *args: str, show: Callable[[str], None], timeout_s: float = UPDATE_TIMEOUT_S) -> None:
        """Runs a long command (an update), passing each output line to `show` as it arrives.

        Pulumi runs in a process group of its own, so the terminal's Ctrl-C reaches seasonctl only. The
        first Ctrl-C, SIGTERM or SIGHUP becomes exactly one SIGINT to Pulumi, which then cancels the
        update gracefully (finishing what is in flight and releasing the stack's lock); seasonctl waits
        for it. A second Ctrl-C is passed on too, and Pulumi then stops at once. PulumiFailed if the
        command fails, is interrupted or runs out of time.
        """
        shown = " ".join(["pulumi", *args])
        # stderr joins stdout so the lines keep their order.
        process = self._start(args, stderr=subprocess.STDOUT)
        stop = _Stop(process, _quiet(show), timeout_s)
        timer = threading.Timer(timeout_s, stop.for_time)
        timer.start()
        tail: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        try:
            with stop.on_signals():
                assert process.stdout is not None  # PIPE was asked for
                for line in bounded_lines(process.stdout, MAX_LINE_CHARS):
                    tail.append(line)
                    stop.show(line)
                process.wait()
        finally:
            timer.cancel()
        if stop.reason is not None:
            raise PulumiFailed(f"`{shown}` {stop.reason}")
        if process.returncode != 0:
            said = "\n".join(line for line in tail if line.strip())
            raise PulumiFailed(f"`{shown}` failed (exit {process.returncode}):\n{said}")


def bounded_lines(stream: IO[str], limit: int) -> Iterator[str]:
    """The stream's lines without their ends, each cut at `limit` characters with a note of how many more
    there were; a long line is read in pieces of `limit`, never whole."""
    while piece := stream.readline(limit):
        if piece.endswith("\n") or len(piece) < limit:
            yield piece.rstrip()
            continue
        dropped = 0
        while (more := stream.readline(limit)) and not more.endswith("\n"):
            dropped += len(more)
        dropped += len(more.rstrip("\n"))
        yield piece.rstrip() + (f" [... {dropped} more characters]" if dropped else "")


def _quiet(show: Callable[[str], None]) -> Callable[[str], None]:
    """`show` that stops showing once the terminal or pipe is gone, so Pulumi's output is still drained."""
    gone = threading.Event()

    def safe(line: str) -> None:
        if gone.is_set():
            return
        try:
            show(line)
        except (OSError, SystemExit):
            # A closed terminal or pipe (rich turns a broken pipe into SystemExit): stop showing, keep
            # draining Pulumi's output, so it neither blocks nor dies of SIGPIPE mid-update.
            gone.set()

    return safe


class _Stop:
    """Why and how an update is being stopped: signals and the time limit, each passed on to Pulumi once."""

    def __init__(self, process: subprocess.Popen[str], show: Callable[[str], None], timeout_s: float) -> None:
        self.process = process
        self.show = show
        self.timeout_s = timeout_s
        self.reason: str | None = None
        self._stopped_at_once = False

    def _signal_pulumi(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def for_time(self) -> None:
        if self.reason is None:
            self.reason = (
                f"did not finish within {self.timeout_s:g} s; Pulumi was asked to cancel it and finished cancelling"
            )
            self._signal_pulumi()
            # Nobody may be watching: a Pulumi that does not finish cancelling is killed after a grace time.
            killer = threading.Timer(CANCEL_GRACE_S, self._kill)
            killer.daemon = True
            killer.start()

    def _kill(self) -> None:
        if self.process.poll() is None:
            self.reason = (
                f"did not finish within {self.timeout_s:g} s, nor cancel within {CANCEL_GRACE_S} s, so it was killed; "
                "the stack may be locked: check with `pulumi stack` and release it with `pulumi cancel`"
            )
            # Pulumi leads a process group of its own (its plugins are in it): stop them all.
            os.killpg(self.process.pid, signal.SIGKILL)

    def handle(self, signum: int, _frame: object) -> None:
        name = signal.Signals(signum).name
        if self.reason is None:
            self.reason = f"was stopped ({name}); Pulumi was asked to cancel the update and finished cancelling"
            self._signal_pulumi()
            self.show(
                f"{name}: Pulumi is cancelling the update gracefully (it finishes what is in flight); "
                "waiting for it. Ctrl-C again stops it at once, which may leave the stack locked."
            )
        elif signum == signal.SIGINT and not self._stopped_at_once:
            # Cancelling already (a signal or the time limit): a Ctrl-C now means "stop at once".
            self._stopped_at_once = True
            self.reason = (
                "was stopped at once on a second Ctrl-C; the stack may be locked and operations left pending: "
                "check with `pulumi stack` and release it with `pulumi cancel`"
            )
            self._signal_pulumi()
            self.show("Ctrl-C again: Pulumi was told to stop at once.")

    @contextlib.contextmanager
    def on_signals(self) -> Iterator[None]:
        """Ctrl-C, SIGTERM and SIGHUP handled as above while the update runs (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        previous = {signum: signal.signal(signum, self.handle) for signum in handled}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

"""Runs the Pulumi CLI for a stack, shows its output as it comes, and says plainly what went wrong.

An update of an RDS class can take an hour: the CLI's output is passed through line by line, so
the operator sees progress. Stopping it (Ctrl-C, or the time limit) sends SIGINT and waits, which
lets Pulumi cancel gracefully and release the stack's lock; killing it would leave the lock and
pending operations behind.
"""

from __future__ import annotations

import collections
import shutil
import signal
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# A whole update of the season's resources, an RDS class change included, fits in this.
UPDATE_TIMEOUT_S = 3 * 3600
# How long Pulumi gets to cancel gracefully after SIGINT.
CANCEL_GRACE_S = 120
_TAIL_LINES = 40


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
        return [self.executable, *args, "--cwd", str(self.project_dir), "--non-interactive"]

    def run(self, *args: str, timeout_s: float = 300) -> str:
        """A short command's stdout (stderr apart, so warnings do not spoil JSON); PulumiFailed if it fails."""
        shown = " ".join(["pulumi", *args])
        try:
            # An argument list, no shell.
            done = subprocess.run(  # noqa: S603
                self._command(args), capture_output=True, text=True, timeout=timeout_s, check=False
            )
        except subprocess.TimeoutExpired:
            raise PulumiFailed(f"`{shown}` did not finish within {timeout_s:g} s") from None
        except OSError as error:
            raise PulumiFailed(f"cannot run {self.executable}: {error}") from None
        if done.returncode != 0:
            said = [line for line in (done.stdout + "\n" + done.stderr).splitlines() if line.strip()]
            raise PulumiFailed(f"`{shown}` failed (exit {done.returncode}):\n" + "\n".join(said[-_TAIL_LINES:]))
        return done.stdout

    def stream(self, *args: str, show: Callable[[str], None], timeout_s: float = UPDATE_TIMEOUT_S) -> None:
        """Runs a long command (an update), passing each output line to `show` as it arrives.

        PulumiFailed if it fails, is interrupted or runs out of time; in the last two cases Pulumi
        first gets SIGINT and time to cancel the update cleanly.
        """
        shown = " ".join(["pulumi", *args])
        try:
            # An argument list, no shell; stderr joins stdout so the lines keep their order.
            process = subprocess.Popen(  # noqa: S603
                self._command(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1
            )
        except OSError as error:
            raise PulumiFailed(f"cannot run {self.executable}: {error}") from None
        timed_out = threading.Event()

        def stop_for_time() -> None:
            timed_out.set()
            process.send_signal(signal.SIGINT)

        timer = threading.Timer(timeout_s, stop_for_time)
        timer.start()
        tail: collections.deque[str] = collections.deque(maxlen=_TAIL_LINES)
        try:
            assert process.stdout is not None  # PIPE was asked for
            for line in process.stdout:
                tail.append(line.rstrip())
                show(line.rstrip())
            process.wait()
        except KeyboardInterrupt:
            process.send_signal(signal.SIGINT)
            _wait_for_cancel(process)
            raise PulumiFailed(f"`{shown}` was interrupted; Pulumi was asked to cancel the update") from None
        finally:
            timer.cancel()
        if timed_out.is_set():
            _wait_for_cancel(process)
            raise PulumiFailed(f"`{shown}` did not finish within {timeout_s:g} s; Pulumi was asked to cancel it")
        if process.returncode != 0:
            said = "\n".join(line for line in tail if line.strip())
            raise PulumiFailed(f"`{shown}` failed (exit {process.returncode}):\n{said}")


def _wait_for_cancel(process: subprocess.Popen[str]) -> None:
    try:
        process.wait(timeout=CANCEL_GRACE_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()

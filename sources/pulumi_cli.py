"""Runs the Pulumi CLI for a stack, and says plainly what went wrong when it does not work."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# A whole update of the season's resources, an RDS class change included, fits in this.
UPDATE_TIMEOUT_S = 3 * 3600


class PulumiFailed(RuntimeError):
    """The CLI is missing, or a command exited non-zero; the message carries its last lines."""


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

    def run(self, *args: str, timeout_s: float = 300) -> str:
        """The command's stdout; PulumiFailed if it exits non-zero or runs out of time."""
        command = [self.executable, *args, "--cwd", str(self.project_dir), "--non-interactive"]
        try:
            # An argument list, no shell.
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)  # noqa: S603
        except subprocess.TimeoutExpired:
            raise PulumiFailed(f"`pulumi {' '.join(args)}` did not finish within {timeout_s:g} s") from None
        except OSError as error:
            raise PulumiFailed(f"cannot run {self.executable}: {error}") from None
        if done.returncode != 0:
            said = "\n".join(line for line in (done.stderr or done.stdout).splitlines() if line.strip())[-1500:]
            raise PulumiFailed(f"`pulumi {' '.join(args)}` failed (exit {done.returncode}):\n{said}")
        return done.stdout

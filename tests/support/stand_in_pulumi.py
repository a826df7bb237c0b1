"""A stand-in for the Pulumi CLI, for testing `seasonctl rollback` where the real CLI cannot be installed.

It records each call (arguments, working folder, and the stack file's phase at that moment) as a
JSON line in $STAND_IN_PULUMI_LOG, lists the stacks named in $STAND_IN_PULUMI_STACKS, and fails
the call numbered $STAND_IN_PULUMI_FAIL_AT (1-based) the way the CLI does: a message on stderr and
exit code 255. With $STAND_IN_PULUMI_HANG set, an update hangs until SIGINT, which it records as a
graceful cancel.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

import yaml


def _option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv and argv.index(name) + 1 < len(argv) else None


def main() -> int:
    argv = sys.argv[1:]
    log = Path(os.environ["STAND_IN_PULUMI_LOG"])
    calls = len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0
    folder = Path(_option(argv, "--cwd") or ".")
    stack = _option(argv, "--stack")
    phase = None
    # `org/name` is read from Pulumi.name.yaml, as the CLI does.
    stack_file = folder / f"Pulumi.{(stack or '').rpartition('/')[2]}.yaml"
    if stack is not None and stack_file.is_file():
        config = yaml.safe_load(stack_file.read_text(encoding="utf-8"))["config"]
        phase = config.get("freshfoodz-seasonal:phase")
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"argv": argv, "cwd": str(folder), "phase": phase}) + "\n")
    if os.environ.get("STAND_IN_PULUMI_FAIL_AT") == str(calls + 1):
        print("error: update failed: 1 resource failed to update (stand-in failure)", file=sys.stderr)
        return 255
    if argv[:2] == ["stack", "ls"]:
        names = [name for name in os.environ.get("STAND_IN_PULUMI_STACKS", "").split(",") if name]
        print(json.dumps([{"name": f"freshfoodz/{name}", "current": False} for name in names]))
    elif argv[:1] == ["up"]:
        print(f"Updating ({stack})", flush=True)
        if os.environ.get("STAND_IN_PULUMI_HANG"):
            signal.signal(signal.SIGINT, lambda *_: _cancelled(log))
            time.sleep(60)
            return 1
        print("Resources: done")
    return 0


def _cancelled(log: Path) -> None:
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"argv": ["cancelled"], "cwd": "", "phase": None}) + "\n")
    sys.exit(255)


if __name__ == "__main__":
    sys.exit(main())

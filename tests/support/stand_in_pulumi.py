"""A stand-in for the Pulumi CLI, for testing `seasonctl rollback` and `adopt` where the real CLI cannot be installed.

It records each call (arguments, working folder, the stack file's phase at that moment, its session id)
as a JSON line in $STAND_IN_PULUMI_LOG and lists the stacks named in $STAND_IN_PULUMI_STACKS.
- $STAND_IN_PULUMI_FAIL_AT (1-based) fails that call the way the CLI does: a message on stderr, exit 255.
- $STAND_IN_PULUMI_REVERT_AT flips the stack file's phase (baseline to peak, else peak to baseline)
  during that call, as a `git pull` during a long update would.
- `preview` prints $STAND_IN_PULUMI_PREVIEW (its --json document), or fails as an older engine does on
  an import mismatch when $STAND_IN_PULUMI_IMPORT_MISMATCH is set.
- With $STAND_IN_PULUMI_HUGE_LINE=N, an update prints one line of N+2 characters.
- With $STAND_IN_PULUMI_UPDATE_SECONDS, an update takes that long.
- With $STAND_IN_PULUMI_NOT_UTF8, every command first prints a line that is not UTF-8.
- With $STAND_IN_PULUMI_HANG, an update hangs (with $STAND_IN_PULUMI_HANG=preview, a preview does);
  like Pulumi, the first SIGINT starts a graceful cancel
  (recorded as `cancelling`, then `cancelled` half a second later) and a second one stops it at once
  (recorded as `terminated`).
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
    if os.environ.get("STAND_IN_PULUMI_NOT_UTF8"):
        sys.stdout.buffer.write(b"resource \xff\xfe state\n")
        sys.stdout.flush()
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
        out.write(json.dumps({"argv": argv, "cwd": str(folder), "phase": phase, "sid": os.getsid(0)}) + "\n")
    if os.environ.get("STAND_IN_PULUMI_REVERT_AT") == str(calls + 1) and stack_file.is_file():
        # Someone pulls the stack file back to the other phase while this call runs.
        text = stack_file.read_text(encoding="utf-8")
        flipped = (
            text.replace("phase: baseline", "phase: peak")
            if "phase: baseline" in text
            else text.replace("phase: peak", "phase: baseline")
        )
        stack_file.write_text(flipped, encoding="utf-8")
    if os.environ.get("STAND_IN_PULUMI_FAIL_AT") == str(calls + 1):
        print("error: update failed: 1 resource failed to update (stand-in failure)", file=sys.stderr)
        return 255
    if argv[:2] == ["stack", "ls"]:
        names = [name for name in os.environ.get("STAND_IN_PULUMI_STACKS", "").split(",") if name]
        print(json.dumps([{"name": f"freshfoodz/{name}", "current": False} for name in names]))
    elif argv[:1] == ["preview"]:
        if os.environ.get("STAND_IN_PULUMI_HANG") == "preview":
            return _hang(log)
        if os.environ.get("STAND_IN_PULUMI_IMPORT_MISMATCH"):
            print("error: inputs to import do not match the existing resource", file=sys.stderr)
            return 255
        print(os.environ.get("STAND_IN_PULUMI_PREVIEW", '{"steps": []}'))
    elif argv[:1] == ["up"]:
        return _update(stack, log)
    return 0


def _update(stack: str | None, log: Path) -> int:
    print(f"Updating ({stack})", flush=True)
    if os.environ.get("STAND_IN_PULUMI_HUGE_LINE"):
        print("{" + "x" * int(os.environ["STAND_IN_PULUMI_HUGE_LINE"]) + "}", flush=True)
    if os.environ.get("STAND_IN_PULUMI_HANG") not in {None, "", "preview"}:
        return _hang(log)
    time.sleep(float(os.environ.get("STAND_IN_PULUMI_UPDATE_SECONDS") or 0))
    print("Resources: done")
    return 0


def _hang(log: Path) -> int:
    """Like Pulumi: a first SIGINT cancels gracefully (half a second), a second stops at once."""
    interrupts: list[int] = []
    signal.signal(signal.SIGINT, lambda *_: interrupts.append(1))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if len(interrupts) >= 2:
            _record(log, "terminated")
            return 1
        if interrupts and not _cancelling(log):
            _record(log, "cancelling")
            deadline = time.monotonic() + 0.5
        time.sleep(0.02)
    if interrupts:
        _record(log, "cancelled")
        return 255
    return 1


def _record(log: Path, what: str) -> None:
    with log.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"argv": [what], "cwd": "", "phase": None, "sid": os.getsid(0)}) + "\n")


def _cancelling(log: Path) -> bool:
    return any(json.loads(line)["argv"] == ["cancelling"] for line in log.read_text(encoding="utf-8").splitlines())


if __name__ == "__main__":
    sys.exit(main())

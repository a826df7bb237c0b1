"""A stand-in for the Pulumi CLI, for testing `seasonctl rollback` where the real CLI cannot be installed.

It records each call (arguments, working folder, and the stack file's phase at that moment) as a
JSON line in $STAND_IN_PULUMI_LOG, lists the stacks named in $STAND_IN_PULUMI_STACKS, and fails
the call numbered $STAND_IN_PULUMI_FAIL_AT (1-based) the way the CLI does: a message on stderr and
exit code 255.
"""

from __future__ import annotations

import json
import os
import sys
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
    if stack is not None and (folder / f"Pulumi.{stack}.yaml").is_file():
        config = yaml.safe_load((folder / f"Pulumi.{stack}.yaml").read_text(encoding="utf-8"))["config"]
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
        print(f"Updating ({stack})\nResources: done")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The repository's Pulumi program (`__main__.py` at the root), run as if it lived in this folder.

The program reads the season calendar from the stack files beside it: run from here, that is the frozen
stacks, whatever the shipped ones say. So this folder is a whole project for `--project-dir` and for
`run_program`. It holds no logic of its own: it compiles the root program with this file's globals.
"""

from pathlib import Path

_PROGRAM = Path(__file__).resolve().parents[4] / "__main__.py"
exec(compile(_PROGRAM.read_text(encoding="utf-8"), str(_PROGRAM), "exec"))

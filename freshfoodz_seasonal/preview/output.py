"""Writes a folder of files all at once (a preview's, a season report's): into a temporary folder beside the
target, then renamed."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from freshfoodz_seasonal.adapters.text_files import NotWritable, check_writable

MARKER = ".seasonctl-preview"


class OutputRefused(ValueError):
    """The target folder holds files this tool did not write, or a file would land outside it."""


def check_target(out_dir: Path, marker: str = MARKER, writer: str = "seasonctl preview") -> None:
    """OutputRefused unless `out_dir` is free for `writer`: absent, an empty folder, or one it wrote (marked).
    Cheap: commands call it before their slow work, and write_tree again before writing."""
    out_dir = out_dir.resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputRefused(f"{out_dir} is a file, not a folder; choose a folder")
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / marker).is_file():
        raise OutputRefused(f"{out_dir} exists and was not written by {writer}; choose an empty folder")
    try:
        check_writable(out_dir)
    except NotWritable as error:
        raise OutputRefused(f"{out_dir} cannot be written: {error}; choose another folder") from None


def write_tree(
    out_dir: Path, files: Mapping[str, str | bytes], marker: str = MARKER, writer: str = "seasonctl preview"
) -> None:
    """`files` maps relative paths to text or bytes. A failure leaves `out_dir` as it was.

    An existing `out_dir` is replaced only if an earlier run of `writer` wrote it (it has the `marker`
    file): a mistyped `--out .` must not delete a project.
    """
    out_dir = out_dir.resolve()
    check_target(out_dir, marker, writer)
    for relative in files:
        # Names come from stack names: whatever they hold, every file stays inside the folder.
        path = Path(relative)
        if path.is_absolute() or ".." in path.parts or not path.parts:
            raise OutputRefused(f"{relative!r} would be written outside {out_dir}; nothing written")
    files = {**files, marker: f"written by {writer}; the whole folder is replaced on the next run\n"}
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}-", dir=out_dir.parent))
    # mkdtemp makes the folder private (0700); the folder is for the team, as the umask says.
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)
    try:
        for relative, content in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        if out_dir.exists():
            previous = out_dir.with_name(f".{out_dir.name}-previous")
            shutil.rmtree(previous, ignore_errors=True)
            out_dir.rename(previous)
            staging.rename(out_dir)
            shutil.rmtree(previous)
        else:
            staging.rename(out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise

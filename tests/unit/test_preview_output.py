"""`seasonctl preview --out` writes whole folders, and only inside the folder it is given."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from freshfoodz_seasonal.preview.output import OutputRefused, write_tree


@pytest.mark.parametrize("relative", ["../escape.json", "/etc/passwd", "a/../../b", ""])
def test_preview_files_never_land_outside_their_folder(tmp_path: Path, relative: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(OutputRefused, match="outside"):
        write_tree(out, {relative: "x", "resources.json": "{}"})
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == []


def test_the_folder_follows_the_umask_not_mkdtemps_private_mode(tmp_path: Path) -> None:
    out = tmp_path / "out"
    previous = os.umask(0o022)
    try:
        write_tree(out, {"a.txt": "x"})
    finally:
        os.umask(previous)
    assert stat.S_IMODE(out.stat().st_mode) == 0o755

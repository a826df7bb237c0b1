"""`seasonctl preview --out` writes whole folders, and only inside the folder it is given."""

from __future__ import annotations

from pathlib import Path

import pytest

from freshfoodz_seasonal.preview.output import OutputRefused, write_tree


@pytest.mark.parametrize("relative", ["../escape.json", "/etc/passwd", "a/../../b", ""])
def test_preview_files_never_land_outside_their_folder(tmp_path: Path, relative: str) -> None:
    out = tmp_path / "out"
    with pytest.raises(OutputRefused, match="outside"):
        write_tree(out, {relative: "x", "resources.json": "{}"})
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == []

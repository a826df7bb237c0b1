"""A stack file is a small YAML file: anything else beside the program is refused quickly, not read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from freshfoodz_seasonal.adapters.stack_file import MAX_STACK_FILE_BYTES, read_stack_file
from freshfoodz_seasonal.config.problems import ConfigError
from tests.support.project import ROOT


def refusal(path: Path) -> str:
    with pytest.raises(ConfigError) as refused:
        read_stack_file(path)
    return " ".join(str(problem) for problem in refused.value.problems)


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "Pulumi.fifo.yaml"
    os.mkfifo(fifo)
    assert "not a regular file" in refusal(fifo)


def test_a_link_to_a_device_is_not_read(tmp_path: Path) -> None:
    link = tmp_path / "Pulumi.zero.yaml"
    link.symlink_to("/dev/zero")
    assert "not a regular file" in refusal(link)


def test_a_link_to_a_stack_file_is_read(tmp_path: Path) -> None:
    link = tmp_path / "Pulumi.linked.yaml"
    link.symlink_to(ROOT / "Pulumi.weihnachten.yaml")
    assert "freshfoodz-seasonal:season" in read_stack_file(link)


def test_a_huge_file_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "Pulumi.huge.yaml"
    huge.write_bytes(b"config: {}\n" + b"#" * MAX_STACK_FILE_BYTES)
    assert f"larger than {MAX_STACK_FILE_BYTES} bytes" in refusal(huge)


def test_aliases_are_refused_before_they_expand(tmp_path: Path) -> None:
    bomb = tmp_path / "Pulumi.bomb.yaml"
    levels = ['  a: &a ["x","x","x","x","x","x","x","x","x"]']
    levels += [f"  {chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)]
    bomb.write_text("config:\n" + "\n".join(levels) + "\n", encoding="utf-8")
    assert "found an alias" in refusal(bomb)

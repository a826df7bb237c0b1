"""Hostile stack files and done-files: refused quickly, by key and position, never read whole or expanded.

Every stack file beside the program is read by every command that knows the season calendar, and pull
requests can add one: a FIFO, a device, a huge file, an alias bomb, deep nesting, merge keys or a
5,000-digit number must give a clean refusal, not a hang, a MemoryError or a traceback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from freshfoodz_seasonal.adapters.playbook_files import load_done_ids
from freshfoodz_seasonal.adapters.stack_file import read_stack_file
from freshfoodz_seasonal.adapters.strict_yaml import MAX_DEPTH, MAX_INTEGER_DIGITS
from freshfoodz_seasonal.adapters.text_files import MAX_SMALL_FILE_BYTES
from freshfoodz_seasonal.config.problems import ConfigError
from tests.support.project import frozen_stack


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
    link.symlink_to(frozen_stack("weihnachten"))
    assert "freshfoodz-seasonal:season" in read_stack_file(link)


def test_a_huge_file_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "Pulumi.huge.yaml"
    huge.write_bytes(b"config: {}\n" + b"#" * MAX_SMALL_FILE_BYTES)
    assert f"larger than {MAX_SMALL_FILE_BYTES} bytes" in refusal(huge)


def test_aliases_are_refused_before_they_expand(tmp_path: Path) -> None:
    bomb = tmp_path / "Pulumi.bomb.yaml"
    levels = ['  a: &a ["x","x","x","x","x","x","x","x","x"]']
    levels += [f"  {chr(98 + i)}: &{chr(98 + i)} [{','.join([f'*{chr(97 + i)}'] * 9)}]" for i in range(8)]
    bomb.write_text("config:\n" + "\n".join(levels) + "\n", encoding="utf-8")
    assert "found an alias" in refusal(bomb)


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    deep = tmp_path / "Pulumi.deep.yaml"
    deep.write_text("config:\n  x: " + "[" * 900 + "]" * 900 + "\n", encoding="utf-8")
    assert f"nested deeper than {MAX_DEPTH} levels" in refusal(deep)


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    merged = tmp_path / "Pulumi.merged.yaml"
    merged.write_text("config:\n  a: {x: 1}\n  b:\n    <<: {x: 2}\n", encoding="utf-8")
    assert "merge key" in refusal(merged)


def test_a_huge_integer_is_refused(tmp_path: Path) -> None:
    number = tmp_path / "Pulumi.number.yaml"
    number.write_text("config:\n  freshfoodz-seasonal:x: " + "9" * 5000 + "\n", encoding="utf-8")
    assert f"at most {MAX_INTEGER_DIGITS}" in refusal(number)


@pytest.mark.parametrize(
    "text",
    ["- a\n- &x b\n- *x\n", "[" * 900 + "]" * 900 + "\n", "- " + "9" * 5000 + "\n"],
)
def test_a_hostile_done_file_is_a_clean_refusal(tmp_path: Path, text: str) -> None:
    done = tmp_path / "done.yaml"
    done.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read a list of done steps"):
        load_done_ids(done)

"""Writes a text file all at once: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

# A file a person writes (a stack file, a list of done steps) is a few kilobytes; one far larger is a
# mistake or an attack.
MAX_SMALL_FILE_BYTES = 1024 * 1024


class NotASmallFile(ValueError):
    """Not a regular file, or larger than the limit: refused before it is read."""


def read_small_text(path: Path, limit: int = MAX_SMALL_FILE_BYTES) -> str:
    """A regular file's UTF-8 text (a link to one is followed), at most `limit` bytes; a FIFO, a device or
    a huge file raises NotASmallFile instead of hanging or exhausting memory. OSError and
    UnicodeDecodeError as reading raises them."""
    if not stat.S_ISREG(path.stat().st_mode):
        raise NotASmallFile("is not a regular file")
    with path.open("rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise NotASmallFile(f"is larger than {limit} bytes")
    return data.decode("utf-8")


class NotWritable(OSError):
    """Nothing can be written where a file or folder would go."""


def check_writable(target: Path) -> None:
    """NotWritable unless a file can be created beside `target` (a file or folder, which may not exist yet),
    or in the nearest folder above it that exists, where the missing ones would be made: the place every
    write here stages its temporary file. Tried by creating and removing a file, since permission bits
    say nothing for root, on a read-only file system or under /proc. Cheap: commands call it before
    their slow work."""
    place = target.resolve().parent
    while not place.exists():
        place = place.parent
    if not place.is_dir():
        raise NotWritable(f"{place} is a file, not a folder")
    try:
        handle, probe = tempfile.mkstemp(prefix=".seasonctl-probe-", dir=place)
    except OSError as error:
        raise NotWritable(f"no file can be created in {place} ({error.strerror})") from None
    os.close(handle)
    os.unlink(probe)


def check_new_file(path: Path) -> None:
    """NotWritable unless `path` can be written as a file: not a folder, in a folder that exists and takes
    files. Cheap: commands call it before their slow work."""
    if path.is_dir():
        raise NotWritable(f"{path} is a folder; accepted: a file path")
    check_writable(path)  # names a file on the way (`peak.js/x.js`) as the file it is
    if not path.parent.is_dir():
        raise NotWritable(f"the folder {path.parent} does not exist")


class FileChanged(OSError):
    """The file changed on disk between reading it and writing the new version."""


def write_text_atomically(path: Path, text: str, expected: bytes | None = None) -> None:
    """Writes `text` into a temporary file beside `path`, flushes it to disk, then renames it over `path`.

    The file keeps its permissions. With `expected`, the file must still hold exactly those bytes,
    so an edit made while the new text was being computed is not silently lost. On any failure
    `path` is untouched and the temporary file is removed. A symbolic link stays one: the file it
    points to is replaced (a rename over the link would put a regular file in the link's place).
    """
    path = path.resolve()
    mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
    handle, staging_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    staging = Path(staging_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        if mode is not None:
            staging.chmod(mode)
        if expected is not None and path.read_bytes() != expected:
            raise FileChanged(f"{path} changed on disk while it was being updated; run again")
        staging.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            staging.unlink()
        raise

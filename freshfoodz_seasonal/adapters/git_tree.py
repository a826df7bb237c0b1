"""The project as it was at a git commit, exported into a folder: the work tree is never touched.

`git archive` writes the commit's files as a tar stream, which is unpacked into a temporary
folder; nothing is checked out, stashed or switched.
"""

from __future__ import annotations

import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

GIT_TIMEOUT_S = 120


class GitError(RuntimeError):
    """git is missing, the folder is not a repository, or the ref names no commit."""


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        # An argument list, no shell; git comes from PATH like every git tool's.
        done = subprocess.run(  # noqa: S603
            ["git", *args],  # noqa: S607
            cwd=cwd,
            capture_output=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {' '.join(args)} took longer than {GIT_TIMEOUT_S} s") from None
    if done.returncode != 0:
        raise GitError(done.stderr.decode("utf-8", "replace").strip() or f"git {' '.join(args)} failed")
    return done.stdout


@dataclass(frozen=True)
class ProjectAtCommit:
    ref: str
    commit: str
    # The project folder's path inside the repository ('' at the top).
    prefix: str


def resolve(ref: str, project_dir: Path) -> ProjectAtCommit:
    """The commit `ref` names, for the repository holding `project_dir`; GitError otherwise."""
    if not project_dir.is_dir():
        raise GitError(f"{project_dir} is not a folder")
    try:
        _git(["rev-parse", "--git-dir"], project_dir)
    except GitError:
        raise GitError(f"{project_dir.resolve()} is not inside a git repository") from None
    if ref.startswith("-"):
        raise GitError(f"{ref!r} is not a git ref")
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"], project_dir)
    except GitError:
        raise GitError(f"{ref!r} names no commit in this repository (try a branch, a tag or a commit hash)") from None
    prefix = _git(["rev-parse", "--show-prefix"], project_dir).decode().strip()
    return ProjectAtCommit(ref, commit.decode().strip(), prefix)


def _regular_files(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    """Folders and files that stay inside the destination; links and devices are left out (the program
    needs none, and a link could point anywhere)."""
    members = []
    for member in tar.getmembers():
        parts = PurePosixPath(member.name).parts
        if member.name.startswith("/") or ".." in parts:
            raise GitError(f"the archive holds a path outside its folder: {member.name!r}")
        if member.isfile() or member.isdir():
            member.mode &= 0o755  # no setuid, setgid or world-writable bits from the archive
            members.append(member)
    return members


def export(project: ProjectAtCommit, project_dir: Path, destination: Path) -> Path:
    """Unpacks the commit's project folder into `destination`; returns the project folder inside it.

    Only the project's folder is archived, written to a file rather than held in memory.
    """
    archive = destination / ".commit.tar"
    paths = ["--", project.prefix] if project.prefix else []
    _git(["archive", "--format=tar", "-o", str(archive), project.commit, *paths], project_dir)
    try:
        with tarfile.open(archive) as tar:
            members = _regular_files(tar)
            if hasattr(tarfile, "fully_trusted_filter"):
                # Checked above; saying so keeps Python 3.12+ from warning about the default filter.
                tar.extractall(destination, members=members, filter="fully_trusted")  # noqa: S202
            else:
                tar.extractall(destination, members=members)  # noqa: S202
    except (tarfile.TarError, OSError) as error:
        raise GitError(f"cannot unpack {project.ref}: {error}") from None
    finally:
        archive.unlink(missing_ok=True)
    return destination / project.prefix

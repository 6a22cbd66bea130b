"""git as CI sees a repository: the one place schemashift runs git (``migrate lint --since``,
``check``). CI checkouts are often shallow (``actions/checkout`` fetches one commit by default):
a ref that is missing there gets the advice to fetch the history, not git's bare message.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from schemashift.errors import SchemashiftError


class GitError(SchemashiftError):
    """git is missing, or a git command failed (the message says which and why)."""


def _output(args: list[str], cwd: Path, what: str) -> str:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError(f"{what} needs git, which was not found.") from None
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout


def run(args: list[str], cwd: Path, what: str = "this") -> list[str]:
    """The non-empty lines git prints for ``args`` in ``cwd``; a :class:`GitError` when it fails."""
    return [line for line in _output(args, cwd, what).splitlines() if line.strip()]


def toplevel(path: Path) -> Path | None:
    """The root of the work tree holding ``path`` (a folder); None outside a repository or without git."""
    try:
        lines = run(["rev-parse", "--show-toplevel"], path)
    except (GitError, OSError):  # OSError: the folder does not exist
        return None
    return Path(lines[0]).resolve() if lines else None


def is_shallow(cwd: Path) -> bool:
    try:
        return run(["rev-parse", "--is-shallow-repository"], cwd) == ["true"]
    except GitError:
        return False


def verify_ref(ref: str, cwd: Path, option: str = "--since") -> None:
    """Stop with advice when ``ref`` names no commit here: in a shallow clone, fetch the history."""
    if not cwd.is_dir():
        raise GitError(f"{option} {ref}: there is no folder {cwd}.")
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
            cwd=cwd, capture_output=True, text=True, check=False,
        )
    except FileNotFoundError:
        raise GitError(f"{option} needs git, which was not found.") from None
    if proc.returncode == 0:
        return
    if toplevel(cwd.resolve()) is None:
        raise GitError(f"{option} {ref}: {cwd} is not inside a git repository.")
    message = f"{option} {ref}: no such commit in this repository."
    if is_shallow(cwd):
        message += (
            "\nThis is a shallow clone (CI checkouts fetch only the last commit by default): fetch the "
            "history with `git fetch --unshallow`, or set `fetch-depth: 0` on actions/checkout."
        )
    else:
        message += "\nFetch it first, e.g. `git fetch origin main` for --since origin/main."
    raise GitError(message)


def uncommitted(directory: Path) -> list[tuple[str, str]]:
    """Files under ``directory`` that are untracked, modified, added or deleted but not committed,
    and the ignored ones (status ``!!``; a wholly ignored folder ends with ``/``): (git's
    two-letter status, path relative to the repository root)."""
    # -z: paths as they are (no C-style quoting), NUL-separated; a rename is followed by its old name
    fields = _output(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--ignored=matching", "--", "."],
                     directory, "the check").split("\0")
    out = []
    i = 0
    while i < len(fields):
        entry = fields[i]
        i += 1
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if "R" in status or "C" in status:
            i += 1  # the old name
        out.append((status, path))
    return out


def repo_root(cwd: Path | None = None) -> Path:
    """The root CI tools resolve paths against: the git work tree's root, else ``cwd``."""
    cwd = (cwd or Path.cwd()).resolve()
    return toplevel(cwd) or cwd


def repo_path(shown: str, root: Path, cwd: Path | None = None) -> str | None:
    """A finding's path (as shown: relative to ``cwd``, or absolute) relative to ``root``, with
    forward slashes; None when the file is outside ``root``."""
    absolute = Path(os.path.abspath(Path(cwd or Path.cwd()) / shown))
    try:
        return absolute.resolve().relative_to(root).as_posix()
    except ValueError:
        return None

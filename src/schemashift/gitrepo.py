"""git as CI sees a repository: the one place schemashift runs git (``migrate lint --since``,
``check``). CI checkouts are often shallow (``actions/checkout`` fetches one commit by default):
a ref that is missing there gets the advice to fetch the history, not git's bare message.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from schemashift.errors import SchemashiftError


class GitError(SchemashiftError):
    """git is missing, or a git command failed (the message says which and why)."""


def run(args: list[str], cwd: Path, what: str = "this") -> list[str]:
    """The non-empty lines git prints for ``args`` in ``cwd``; a :class:`GitError` when it fails."""
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitError(f"{what} needs git, which was not found.") from None
    if proc.returncode != 0:
        raise GitError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return [line for line in proc.stdout.splitlines() if line.strip()]


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
    lines = run(["status", "--porcelain=v1", "--untracked-files=all", "--ignored=matching", "--", "."],
                directory, "the check")
    out = []
    for line in lines:
        status, path = line[:2], line[3:]
        if " -> " in path:  # a rename: the new name
            path = path.split(" -> ", 1)[1]
        out.append((status, path.strip('"')))
    return out

"""``backup prune`` keeps labelled backups (and deploy's) unless named or past keep_labelled_days,
says what it keeps and why, and its dry run shows exactly the decision the real run carries out."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from schemashift.backup import create_backup, read_manifest
from schemashift.connectors import connect, parse_url


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "app.db"
    with connect(f"file:{db}") as conn:
        conn.execute('CREATE TABLE "T" (id INTEGER PRIMARY KEY)')
    return tmp_path / "bk"


def _take(folder: Path, when: datetime, label: str | None = None) -> str:
    return create_backup(parse_url(f"file:{folder.parent / 'app.db'}"), folder, label=label, now=when).file


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("keep", "delete"))]


def test_the_incident_labelled_backup_18_s_before_the_nightly_one(folder: Path, run_cli) -> None:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    midnight = now.replace(hour=0, minute=0, second=0)  # all of them on the same UTC day
    earlier = _take(folder, max(midnight, now - timedelta(hours=3)))
    labelled = _take(folder, max(midnight, now - timedelta(seconds=18)), "before_release_42")
    deploy = _take(folder, max(midnight, now - timedelta(seconds=10)), "before_deploy")
    nightly = _take(folder, now)

    dry = run_cli("backup", "prune", "-o", str(folder), "--dry-run")
    assert dry.exit_code == 0, dry.err
    assert "Dry run: nothing was deleted." in dry.out
    assert len(read_manifest(folder)) == 4 and (folder / earlier).exists()

    real = run_cli("backup", "prune", "-o", str(folder))
    assert real.exit_code == 0, real.err
    assert _lines(real.out) == _lines(dry.out)  # exactly the decision the dry run showed
    decided = {line.split()[1].rstrip(":"): line for line in _lines(real.out)}
    assert decided[labelled].startswith("keep") and "labelled `before_release_42`" in decided[labelled]
    assert decided[deploy].startswith("keep") and "labelled `before_deploy`" in decided[deploy]
    assert decided[nightly].startswith("keep") and f"the newest of {now.date().isoformat()}" in decided[nightly]
    assert decided[earlier].startswith("delete") and "not the newest" in decided[earlier]
    assert "3 kept, 1 deleted." in real.out
    assert {e.file for e in read_manifest(folder)} == {labelled, deploy, nightly}
    assert not (folder / earlier).exists() and not (folder / f"{earlier}.sha256").exists()
    assert (folder / labelled).exists() and (folder / deploy).exists()

    # named explicitly, a labelled backup goes
    r = run_cli("backup", "prune", "-o", str(folder), "--delete", str(folder / labelled))
    assert r.exit_code == 0, r.err
    assert f"delete  {labelled}: named with --delete" in r.out
    assert {e.file for e in read_manifest(folder)} == {deploy, nightly}


def test_keep_labelled_days_from_pyproject_and_the_option(folder: Path, run_cli) -> None:
    now = datetime.now(timezone.utc)
    old = _take(folder, now - timedelta(days=40), "before_release_1")
    young = _take(folder, now - timedelta(days=5), "before_release_2")
    _take(folder, now)
    (folder.parent / "pyproject.toml").write_text("[tool.schemashift]\nkeep_labelled_days = 30\n")

    r = run_cli("backup", "prune", "-o", str(folder), "--dry-run")
    decided = {line.split()[1].rstrip(":"): line for line in _lines(r.out)}
    assert decided[old].startswith("delete") and "older than keep_labelled_days = 30" in decided[old]
    assert decided[young].startswith("keep") and "keep_labelled_days = 30" in decided[young]

    r = run_cli("backup", "prune", "-o", str(folder), "--keep-labelled-days", "60")  # the option wins
    assert r.exit_code == 0 and "0 deleted" in r.out
    r = run_cli("backup", "prune", "-o", str(folder))
    assert r.exit_code == 0 and "1 deleted" in r.out
    assert old not in {e.file for e in read_manifest(folder)}

    (folder.parent / "pyproject.toml").write_text("[tool.schemashift]\nkeep_labelled_days = \"a month\"\n")
    r = run_cli("backup", "prune", "-o", str(folder))
    assert r.exit_code == 1 and "keep_labelled_days` must be a whole number of days" in r.err


def test_delete_of_an_unknown_name_deletes_nothing(folder: Path, run_cli) -> None:
    kept = _take(folder, datetime.now(timezone.utc) - timedelta(days=1))
    r = run_cli("backup", "prune", "-o", str(folder), "--delete", kept, "--delete", "nope.dump")
    assert r.exit_code == 1 and "nope.dump" in r.err and "Nothing was deleted" in r.err
    assert (folder / kept).exists()

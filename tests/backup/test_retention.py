"""The retention policy over two years of daily backups, with a fake clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from schemashift.backup import MANIFEST, BackupEntry, BackupError, plan_prune, prune, read_manifest, write_manifest
from schemashift.backup.retention import Policy, rotation, select_kept

START = datetime(2025, 1, 1, 2, 0, tzinfo=timezone.utc)


def expected(times: list[datetime], now: datetime, policy: Policy) -> set[datetime]:
    """An independent formulation: the max of each period's group, for the periods in each window."""
    today = now.date()
    groups: dict[tuple[str, object], datetime] = {}
    for t in times:
        d = t.date()
        for key in (("d", d), ("w", d.isocalendar()[:2]), ("m", (d.year, d.month))):
            groups[key] = max(groups.get(key, t), t)
    keep = set()
    for (kind, period), t in groups.items():
        d = t.date()
        if kind == "d" and (today - d).days < policy.daily:
            keep.add(t)
        monday = lambda x: x - timedelta(days=x.weekday())  # noqa: E731
        if kind == "w" and (monday(today) - monday(d)).days // 7 < policy.weekly:
            keep.add(t)
        if kind == "m" and (today.year * 12 + today.month) - (d.year * 12 + d.month) < policy.monthly:
            keep.add(t)
    keep.add(max(times))
    return keep


def test_one_shot_and_daily_pruning_agree_over_two_years() -> None:
    policy = Policy()
    kept: list[datetime] = []
    max_files = 0
    for day in range(730):
        now = START + timedelta(days=day)
        kept.append(now)  # the nightly backup (the guide's cron at 02:00)
        kept = select_kept([(t, t) for t in kept], now, policy)
        max_files = max(max_files, len(kept))
        assert set(kept) == expected(kept, now, policy)
    now = START + timedelta(days=729)
    all_times = [START + timedelta(days=d) for d in range(730)]
    assert set(kept) == set(select_kept([(t, t) for t in all_times], now, policy)) == expected(all_times, now, policy)
    # 7 daily + the newest of 4 weeks + the newest of 12 months, with overlaps
    assert 19 <= len(kept) <= 23 and max_files <= 24
    assert max(kept) == now
    months = {(t.year, t.month) for t in kept}
    assert len(months) == 12  # one per month of the last year
    assert all((now - t).days < 7 for t in sorted(kept)[-7:])


def test_several_backups_a_day_keep_the_newest_of_each_day() -> None:
    now = datetime(2026, 3, 10, 23, 0, tzinfo=timezone.utc)
    times = [now - timedelta(hours=h) for h in range(0, 24 * 3, 6)]
    kept = select_kept([(t, t) for t in times], now, Policy(daily=7, weekly=0, monthly=0))
    assert sorted(kept) == [max(t for t in times if t.date() == d) for d in sorted({t.date() for t in times})]


def test_empty_windows_still_keep_the_newest() -> None:
    now = datetime(2026, 3, 10, tzinfo=timezone.utc)
    times = [now - timedelta(days=400), now - timedelta(days=500)]
    assert select_kept([(t, t) for t in times], now) == [times[0]]


# ---------------------------------------------------------------- labelled backups and prune


def _entry(when: datetime, label: str | None = None, database: str = "shop") -> BackupEntry:
    stamp = when.strftime("%Y%m%dT%H%M%SZ")
    return BackupEntry(file=f"{database}_{stamp}{'_' + label if label else ''}.dump", provider="postgresql",
                       database=database, created_at=when.isoformat(), size=1, sha256="0" * 64, migration=None,
                       label=label)


def _write(directory: Path, entries: list[BackupEntry]) -> None:
    for e in entries:
        (directory / e.file).write_bytes(b"x")
        (directory / f"{e.file}.sha256").write_text(f"{'0' * 64}  {e.file}\n")
    write_manifest(directory, [*read_manifest(directory), *entries])


def test_labelled_and_deploy_backups_survive_two_years_of_nightly_pruning(tmp_path: Path) -> None:
    """Two years of the guide's cron (backup at 02:00, prune after it) with a labelled backup before
    each monthly release (taken 18 s before the nightly one, as in the incident), a deploy --backup
    on each release day and a restore --force copy now and then: none of the labelled backups is
    ever deleted, and the unlabelled ones follow the 7/4/12 rotation exactly as if alone."""
    policy = Policy()
    labelled: list[BackupEntry] = []
    nightly: list[datetime] = []
    for day in range(730):
        night = START + timedelta(days=day)
        new = [_entry(night)]
        nightly.append(night)
        if day % 30 == 3:
            new.append(_entry(night - timedelta(seconds=18), f"before_release_{day // 30}"))
            new.append(_entry(night + timedelta(hours=9), "before_deploy"))
        if day % 97 == 50:
            new.append(_entry(night + timedelta(hours=3), "before_restore"))
        labelled += [e for e in new if e.label]
        _write(tmp_path, new)
        decisions = prune(tmp_path, policy, now=night + timedelta(minutes=5))
        assert all(d.keep for d in decisions if d.entry.label)
        kept_nightly = {d.entry.created for d in decisions if d.keep and not d.entry.label}
        nightly = [t for t in nightly if t in kept_nightly]
        assert set(nightly) == set(select_kept([(t, t) for t in nightly], night + timedelta(minutes=5), policy))
    remaining = {e.file for e in read_manifest(tmp_path)}
    assert {e.file for e in labelled} <= remaining
    assert len(labelled) == 25 + 25 + 8
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [MANIFEST, *remaining, *(f"{f}.sha256" for f in remaining)]
    )
    assert 19 <= len(remaining) - len(labelled) <= 23  # the rotation alone, as before


def test_keep_labelled_days_and_delete_by_name(tmp_path: Path) -> None:
    now = datetime(2026, 6, 1, 12, tzinfo=timezone.utc)
    old = _entry(now - timedelta(days=100), "before_release_1")
    recent = _entry(now - timedelta(days=10), "before_deploy")
    plain = _entry(now - timedelta(days=1))
    _write(tmp_path, [old, recent, plain])

    dry = plan_prune(read_manifest(tmp_path), Policy(), now=now, keep_labelled_days=30)
    assert {d.entry.file: d.keep for d in dry} == {old.file: False, recent.file: True, plain.file: True}
    assert "older than keep_labelled_days = 30" in next(d.reason for d in dry if d.entry == old)
    assert prune(tmp_path, Policy(), now=now, keep_labelled_days=30, dry_run=True) == dry
    assert len(read_manifest(tmp_path)) == 3  # a dry run deletes nothing

    named = prune(tmp_path, Policy(), now=now, delete={recent.file})
    assert [(d.entry.file, d.keep, d.reason) for d in named if not d.keep] == [(recent.file, False, "named with --delete")]
    assert not (tmp_path / recent.file).exists() and not (tmp_path / f"{recent.file}.sha256").exists()
    assert {e.file for e in read_manifest(tmp_path)} == {old.file, plain.file}
    with pytest.raises(BackupError, match="Nothing was deleted"):
        prune(tmp_path, Policy(), now=now, delete={"nope.dump", plain.file})
    assert {e.file for e in read_manifest(tmp_path)} == {old.file, plain.file}


def test_rotation_reasons_name_the_period() -> None:
    now = datetime(2026, 3, 10, 23, 0, tzinfo=timezone.utc)
    times = [now - timedelta(days=d) for d in (0, 0.5, 9, 40, 400)]
    reasons = dict(rotation([(t, t) for t in times], now, Policy()))
    assert reasons[times[0]] == "the newest of 2026-03-10 (daily, last 7 days)"
    assert reasons[times[1]] is None  # an older backup of the same day
    assert reasons[times[2]] == "the newest of week 2026-W09 (weekly, last 4 weeks)"
    assert reasons[times[3]] == "the newest of 2026-01 (monthly, last 12 months)"
    assert reasons[times[4]] is None

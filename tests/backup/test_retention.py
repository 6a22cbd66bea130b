"""The retention policy over two years of daily backups, with a fake clock."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from schemashift.backup.retention import Policy, select_kept

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

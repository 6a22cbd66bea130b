"""The retention policy of the guide: keep 7 daily, 4 weekly and 12 monthly backups (pure).

A backup is kept when it is the newest backup of its UTC day among the last ``daily`` days, of
its ISO week among the last ``weekly`` weeks, or of its month among the last ``monthly`` months
(each window counted back from ``now``, the current period included). Everything else is pruned.
The newest backup is always kept, whatever the windows say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Policy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _week_start(d: date) -> date:
    return d - timedelta(days=d.isoweekday() - 1)


def select_kept(items: Sequence[tuple[datetime, T]], now: datetime, policy: Policy = Policy()) -> list[T]:
    """The items (each with its creation time) that the policy keeps, newest first."""
    if not items:
        return []
    today = now.astimezone(timezone.utc).date()
    ordered = sorted(items, key=lambda it: it[0], reverse=True)
    kept: dict[int, T] = {}
    seen_day: set[date] = set()
    seen_week: set[date] = set()
    seen_month: set[int] = set()
    for i, (when, item) in enumerate(ordered):
        d = when.astimezone(timezone.utc).date()
        if d > today:
            kept[i] = item  # from the future (clock skew): never delete it
            continue
        day_ok = (today - d).days < policy.daily and d not in seen_day
        week = _week_start(d)
        week_ok = (_week_start(today) - week).days // 7 < policy.weekly and week not in seen_week
        month = _month_index(d)
        month_ok = _month_index(today) - month < policy.monthly and month not in seen_month
        if day_ok or week_ok or month_ok or i == 0:
            kept[i] = item
        seen_day.add(d)
        seen_week.add(week)
        seen_month.add(month)
    return [kept[i] for i in sorted(kept)]

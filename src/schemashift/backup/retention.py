"""The retention policy of the guide: keep 7 daily, 4 weekly and 12 monthly backups (pure).

A backup is kept when it is the newest backup of its UTC day among the last ``daily`` days, of
its ISO week among the last ``weekly`` weeks, or of its month among the last ``monthly`` months
(each window counted back from ``now``, the current period included). Everything else is pruned.
The newest backup is always kept, whatever the windows say.

Labelled backups (``backup create --label``, and those taken by ``migrate deploy --backup``,
``migrate rollback --backup`` and ``backup restore --force``) are outside this rotation: kept until
deleted by name, or for ``keep_labelled_days`` days when that is set (see :func:`schemashift.backup.plan_prune`).
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


def rotation(items: Sequence[tuple[datetime, T]], now: datetime, policy: Policy = Policy()) -> list[tuple[T, str | None]]:
    """Each item (with its creation time), newest first, with the reason the policy keeps it, or
    None when it does not."""
    today = now.astimezone(timezone.utc).date()
    ordered = sorted(items, key=lambda it: it[0], reverse=True)
    out: list[tuple[T, str | None]] = []
    seen_day: set[date] = set()
    seen_week: set[date] = set()
    seen_month: set[int] = set()
    for i, (when, item) in enumerate(ordered):
        d = when.astimezone(timezone.utc).date()
        if d > today:
            out.append((item, "dated in the future (clock skew): never deleted"))
            continue
        week = _week_start(d)
        month = _month_index(d)
        why = None
        if (today - d).days < policy.daily and d not in seen_day:
            why = f"the newest of {d.isoformat()} (daily, last {policy.daily} days)"
        elif (_week_start(today) - week).days // 7 < policy.weekly and week not in seen_week:
            iso = d.isocalendar()
            why = f"the newest of week {iso[0]}-W{iso[1]:02d} (weekly, last {policy.weekly} weeks)"
        elif _month_index(today) - month < policy.monthly and month not in seen_month:
            why = f"the newest of {d.strftime('%Y-%m')} (monthly, last {policy.monthly} months)"
        elif i == 0:
            why = "the newest backup (always kept)"
        out.append((item, why))
        seen_day.add(d)
        seen_week.add(week)
        seen_month.add(month)
    return out


def select_kept(items: Sequence[tuple[datetime, T]], now: datetime, policy: Policy = Policy()) -> list[T]:
    """The items (each with its creation time) that the policy keeps, newest first."""
    return [item for item, why in rotation(items, now, policy) if why is not None]

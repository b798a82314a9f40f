"""Working time of state bodies: Monday–Friday, 7:30–17:00 Vietnam time (QĐ 188/1999/QĐ-TTg:
40 hours over five days), minus public holidays (``Holiday``, Bộ luật Lao động 2019 Art. 112).

SLA clocks of citizen feedback and dossier deadlines of public services count in this time:
a report received on Friday at 16:00 with a 4-hour SLA is due on Monday at 10:30.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

DAY_START = dt.time(7, 30)
DAY_END = dt.time(17, 0)
WORKDAYS = {0, 1, 2, 3, 4}  # Monday … Friday
HOURS_PER_DAY = 9.5
_MAX_DAYS = 3660


def _at(day: dt.date, time: dt.time, tz) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=tz)


def is_working_day(day: dt.date, holidays: set[dt.date]) -> bool:
    return day.weekday() in WORKDAYS and day not in holidays


def add_working_hours(
    start: dt.datetime, hours: float, holidays: Iterable[dt.date] = ()
) -> dt.datetime:
    """The moment ``hours`` of working time after ``start`` (an aware datetime)."""
    holidays = set(holidays)
    tz = timezone.get_default_timezone()
    cursor = timezone.localtime(start, tz)
    remaining = dt.timedelta(hours=hours)
    day = cursor.date()
    for _ in range(_MAX_DAYS):
        if is_working_day(day, holidays):
            opens, closes = _at(day, DAY_START, tz), _at(day, DAY_END, tz)
            cursor = max(cursor, opens)
            if cursor < closes:
                available = closes - cursor
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
        day += dt.timedelta(days=1)
        cursor = _at(day, dt.time(0), tz)
    raise ValueError("SLA vượt quá 10 năm làm việc")


def working_hours_between(
    start: dt.datetime, end: dt.datetime, holidays: Iterable[dt.date] = ()
) -> float:
    """Hours of working time between two aware datetimes (0 when ``end`` is before ``start``)."""
    if end <= start:
        return 0.0
    holidays = set(holidays)
    tz = timezone.get_default_timezone()
    start, end = timezone.localtime(start, tz), timezone.localtime(end, tz)
    total = dt.timedelta()
    day = start.date()
    while day <= end.date():
        if is_working_day(day, holidays):
            opens = max(_at(day, DAY_START, tz), start)
            closes = min(_at(day, DAY_END, tz), end)
            if closes > opens:
                total += closes - opens
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600


# Lunar-calendar days off as fixed by the Prime Minister's notices (Tết Nguyên đán and Giỗ Tổ
# Hùng Vương, with the weekend swaps); admins add later years in the back office.
_LUNAR_DAYS_OFF = {
    "Tết Nguyên đán": [
        ("2023-01-20", "2023-01-26"),
        ("2024-02-08", "2024-02-14"),
        ("2025-01-25", "2025-02-02"),
        ("2026-02-14", "2026-02-22"),
    ],
    "Giỗ Tổ Hùng Vương": [
        ("2023-05-02", "2023-05-03"),
        ("2024-04-18", "2024-04-18"),
        ("2025-04-07", "2025-04-07"),
        ("2026-04-27", "2026-04-27"),
    ],
    "Quốc khánh (ngày liền kề)": [("2024-09-03", "2024-09-03")],
}


def default_holidays(years: Iterable[int]) -> dict[dt.date, str]:
    """Public holidays of ``years``: the fixed-date ones for any year, the lunar ones for the
    years listed above."""
    years = set(years)
    days: dict[dt.date, str] = {}
    for year in years:
        days[dt.date(year, 1, 1)] = "Tết Dương lịch"
        days[dt.date(year, 4, 30)] = "Ngày Chiến thắng 30/4"
        days[dt.date(year, 5, 1)] = "Ngày Quốc tế Lao động"
        days[dt.date(year, 9, 1)] = "Quốc khánh (ngày liền kề)"
        days[dt.date(year, 9, 2)] = "Quốc khánh"
    for name, ranges in _LUNAR_DAYS_OFF.items():
        for first, last in ranges:
            day, last_day = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
            while day <= last_day:
                if day.year in years:
                    days[day] = name
                day += dt.timedelta(days=1)
    return dict(sorted(days.items()))

"""Working time: Monday–Friday 7:30–17:00 Vietnam time, minus the holidays an admin keeps."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from xaso.core.calendar import add_working_hours, default_holidays, working_hours_between
from xaso.core.models import Holiday
from xaso.core.services import sync_holidays

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*args):
    return dt.datetime(*args, tzinfo=VN)


def test_within_one_working_day():
    # Wednesday 25/11/2026 09:00 + 4 h = 13:00 the same day
    assert add_working_hours(at(2026, 11, 25, 9, 0), 4) == at(2026, 11, 25, 13, 0)


def test_clock_stops_overnight():
    # Wednesday 16:00 + 4 h: 1 h today, 3 h from 7:30 tomorrow
    assert add_working_hours(at(2026, 11, 25, 16, 0), 4) == at(2026, 11, 26, 10, 30)


def test_friday_afternoon_runs_into_monday():
    assert add_working_hours(at(2026, 11, 27, 16, 0), 4) == at(2026, 11, 30, 10, 30)


def test_received_at_night_or_on_a_weekend_starts_next_working_morning():
    assert add_working_hours(at(2026, 11, 25, 22, 0), 1) == at(2026, 11, 26, 8, 30)
    assert add_working_hours(at(2026, 11, 28, 10, 0), 2) == at(2026, 11, 30, 9, 30)


def test_holidays_are_skipped():
    # Thursday 30/4 and Friday 1/5/2026 are public holidays: Wednesday 16:00 + 2 h → Monday 4/5
    holidays = {dt.date(2026, 4, 30), dt.date(2026, 5, 1)}
    assert add_working_hours(at(2026, 4, 29, 16, 0), 2, holidays) == at(2026, 5, 4, 8, 30)
    assert add_working_hours(at(2026, 4, 29, 16, 0), 2) == at(2026, 4, 30, 8, 30)


def test_multi_day_sla_counts_whole_days():
    # 40 working hours from Monday 7:30 = 4 days of 9.5 h + 2 h → Friday 9:30
    assert add_working_hours(at(2026, 11, 23, 7, 30), 40) == at(2026, 11, 27, 9, 30)


def test_utc_input_is_read_in_vietnam_time():
    start = dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
    assert add_working_hours(start, 1) == at(2026, 11, 25, 10, 0)


def test_working_hours_between_is_the_inverse():
    start = at(2026, 11, 27, 16, 0)
    due = add_working_hours(start, 12, {dt.date(2026, 11, 30)})
    assert working_hours_between(start, due, {dt.date(2026, 11, 30)}) == pytest.approx(12)
    assert working_hours_between(due, start) == 0


def test_default_holidays_include_fixed_and_lunar_days():
    days = default_holidays([2026])
    assert days[dt.date(2026, 9, 2)] == "Quốc khánh"
    assert days[dt.date(2026, 2, 17)] == "Tết Nguyên đán"
    assert dt.date(2026, 3, 8) not in days


@pytest.mark.django_db
def test_migration_loaded_holidays_and_sync_adds_only_missing():
    assert Holiday.objects.filter(date=dt.date(2026, 1, 1)).exists()
    Holiday.objects.filter(date=dt.date(2026, 1, 1)).delete()
    assert sync_holidays([2026]) == 1
    assert sync_holidays([2026]) == 0

"""Feedback KPIs against numbers worked out by hand from a few hand-made reports."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest

from xaso.core.registry import kpis
from xaso.feedback import metrics
from xaso.feedback.choices import ReportStatus
from xaso.feedback.models import Report

S = ReportStatus
TZ = ZoneInfo("Asia/Ho_Chi_Minh")
START, END = metrics.period(dt.date(2026, 3, 1), dt.date(2026, 3, 31))
NOW = dt.datetime(2026, 4, 1, 12, 0, tzinfo=TZ)
_codes = itertools.count(1)


def at(month: int, day: int, hour: int = 8, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def make(fw, code, *, created, status, group=0, due=None, resolved=None, rating=None, rated=None):
    category = fw.categories[code]
    closed = resolved or (created if status == S.REJECTED else None)
    return Report.objects.create(
        unit=fw.unit,
        group=fw.ward.groups[group] if group is not None else None,
        category=category,
        department=category.department,
        code=f"PA-2026-{next(_codes):06d}",
        status=status,
        channel="web",
        description="Phản ánh dùng cho phép thử.",
        created_at=created,
        due_at=due or created + dt.timedelta(days=1),
        resolved_at=resolved,
        closed_at=closed,
        rating=rating,
        rated_at=rated,
    )


@pytest.fixture
def reports(fw, other_fw):
    """The reports of the module docstring's worked example (times are local):

    ====  ================  =====  ==================  ==================  =======  ======
    name  category          group  received            resolved (due)      hours    rating
    ====  ================  =====  ==================  ==================  =======  ======
    A     rac-thai          0      02/03 08:00         02/03 20:00 (16:00)  12 late  5
    B     rac-thai          1      02/03 09:00         03/03 09:00 (04/03)  24       3
    C     den-chieu-sang    0      05/03 10:00         05/03 16:00 (06/03)  6        4
    D     trat-tu           1      05/03 22:00         07/03 10:00 (06/03)  36 late  —
    E     rac-thai          0      10/03 08:00         open, due 11/03 (overdue)
    F     den-chieu-sang    1      20/03 08:00         new, due 05/04 (not yet due)
    G     trat-tu           0      25/03 06:00         rejected (UTC: still 24/03)
    H     rac-thai          1      27/02 10:00         01/03 02:00 (28/02)  40 late  2
    I     den-chieu-sang    none   15/03 08:00         02/04 (after the period)
    J     another commune, March: never counted
    ====  ================  =====  ==================  ==================  =======  ======
    """
    make(fw, "rac-thai", created=at(3, 2), status=S.RESOLVED, resolved=at(3, 2, 20),
         due=at(3, 2, 16), rating=5, rated=at(3, 3))  # fmt: skip
    make(fw, "rac-thai", created=at(3, 2, 9), status=S.RESOLVED, group=1, resolved=at(3, 3, 9),
         due=at(3, 4), rating=3, rated=at(3, 3, 12))  # fmt: skip
    make(fw, "den-chieu-sang", created=at(3, 5, 10), status=S.RESOLVED, resolved=at(3, 5, 16),
         due=at(3, 6), rating=4, rated=at(3, 10))  # fmt: skip
    make(fw, "trat-tu", created=at(3, 5, 22), status=S.RESOLVED, group=1, resolved=at(3, 7, 10),
         due=at(3, 6))  # fmt: skip
    make(fw, "rac-thai", created=at(3, 10), status=S.ASSIGNED, due=at(3, 11))
    make(fw, "den-chieu-sang", created=at(3, 20), status=S.NEW, group=1, due=at(4, 5))
    make(fw, "trat-tu", created=at(3, 25, 6), status=S.REJECTED)
    make(fw, "rac-thai", created=at(2, 27, 10), status=S.RESOLVED, group=1,
         resolved=at(3, 1, 2), due=at(2, 28), rating=2, rated=at(3, 1, 9))  # fmt: skip
    make(fw, "den-chieu-sang", created=at(3, 15), status=S.RESOLVED, group=None,
         resolved=at(4, 2))  # fmt: skip
    make(other_fw, "rac-thai", created=at(3, 5), status=S.RESOLVED, resolved=at(3, 5, 9),
         rating=1, rated=at(3, 6))  # fmt: skip
    return fw


def compute(fw, code, by=None, units=None):
    kpi = kpis.get(f"feedback.{code}").payload
    values = kpi.compute(units or [fw.unit.id], START, END, by, now=NOW)
    return {v.key: (v.value, v.count) for v in values}


def labels(fw, code, by, units=None):
    kpi = kpis.get(f"feedback.{code}").payload
    return {v.key: v.label for v in kpi.compute(units or [fw.unit.id], START, END, by, now=NOW)}


def test_every_kpi_is_registered_with_its_dimensions():
    codes = [r.code for r in kpis.all() if r.app == "feedback"]
    assert codes == sorted(k.code for k in metrics.KPIS)
    assert len(codes) == 8
    for registration in kpis.all():
        if registration.app == "feedback":
            assert registration.payload.dimensions == metrics.DIMENSIONS


def test_received(reports):
    fw = reports
    assert compute(fw, "received") == {"": (8, 8)}  # A B C D E F G I
    assert compute(fw, "received", "category") == {
        "rac-thai": (3, 3),
        "den-chieu-sang": (3, 3),
        "trat-tu": (2, 2),
    }
    # G arrived at 06:00 on 25/03 in Hà Nội, 23:00 on 24/03 in UTC: local days count.
    assert compute(fw, "received", "day") == {
        "2026-03-02": (2, 2),
        "2026-03-05": (2, 2),
        "2026-03-10": (1, 1),
        "2026-03-15": (1, 1),
        "2026-03-20": (1, 1),
        "2026-03-25": (1, 1),
    }
    assert compute(fw, "received", "department") == {"KT": (6, 6), "VP": (2, 2)}
    by_group = compute(fw, "received", "group")
    first, second = (str(g.id) for g in fw.ward.groups)
    assert by_group == {first: (4, 4), second: (3, 3), "": (1, 1)}


def test_breakdowns_are_labelled_and_ordered(reports):
    fw = reports
    days = labels(fw, "received", "day")
    assert list(days) == sorted(days) and days["2026-03-25"] == "25/03/2026"
    assert labels(fw, "received", "category")["rac-thai"] == "Rác thải, vệ sinh môi trường"
    groups = labels(fw, "received", "group")
    assert groups[str(fw.ward.groups[0].id)] == "Tổ dân phố số 1"
    assert groups[""] == metrics.NO_GROUP
    assert list(groups)[-1] == ""  # reports without a group last


def test_group_labels_name_the_commune_when_there_are_several(reports, other_fw):
    fw = reports
    groups = labels(fw, "received", "group", units=[fw.unit.id, other_fw.unit.id])
    assert groups[str(fw.ward.groups[0].id)] == f"Tổ dân phố số 1 – {fw.unit.name}"
    assert compute(fw, "received", units=[fw.unit.id, other_fw.unit.id]) == {"": (9, 9)}


def test_open_and_overdue(reports):
    fw = reports
    assert compute(fw, "open") == {"": (2, 2)}  # E and F
    assert compute(fw, "open", "category") == {"rac-thai": (1, 1), "den-chieu-sang": (1, 1)}
    assert compute(fw, "overdue") == {"": (1, 1)}  # E: due 11/03; F is due 05/04
    assert compute(fw, "overdue", "group") == {str(fw.ward.groups[0].id): (1, 1)}


def test_on_time_rate_of_reports_resolved_in_the_period(reports):
    fw = reports
    # Resolved in March: A (late), B, C, D (late), H (late; received in February). I: April.
    assert compute(fw, "on_time_rate") == {"": (pytest.approx(40.0), 5)}
    assert compute(fw, "on_time_rate", "category") == {
        "rac-thai": (pytest.approx(100 / 3), 3),
        "den-chieu-sang": (pytest.approx(100.0), 1),
        "trat-tu": (pytest.approx(0.0), 1),
    }
    assert compute(fw, "on_time_rate", "day")["2026-03-01"] == (pytest.approx(0.0), 1)  # H


def test_hours_to_resolve(reports):
    fw = reports
    # A 12 h, B 24 h, C 6 h, D 36 h, H 40 h: sorted 6, 12, 24, 36, 40.
    assert compute(fw, "hours_median") == {"": (pytest.approx(24.0), 5)}
    # p90 at rank (5 - 1) × 0.9 = 3.6: 36 + 0.6 × (40 - 36).
    assert compute(fw, "hours_p90") == {"": (pytest.approx(38.4), 5)}
    assert compute(fw, "hours_median", "category") == {
        "rac-thai": (pytest.approx(24.0), 3),  # 12, 24, 40
        "den-chieu-sang": (pytest.approx(6.0), 1),
        "trat-tu": (pytest.approx(36.0), 1),
    }
    assert compute(fw, "hours_p90", "category")["rac-thai"] == (pytest.approx(36.8), 3)
    assert compute(fw, "hours_median", "department") == {
        "KT": (pytest.approx(18.0), 4),  # 6, 12, 24, 40
        "VP": (pytest.approx(36.0), 1),
    }


def test_satisfaction_of_ratings_given_in_the_period(reports):
    fw = reports
    # Rated in March: A 5, B 3, C 4, H 2 (the other commune's 1 is not counted).
    assert compute(fw, "rating_average") == {"": (pytest.approx(3.5), 4)}
    assert compute(fw, "satisfied_share") == {"": (pytest.approx(50.0), 4)}
    first, second = (str(g.id) for g in fw.ward.groups)
    assert compute(fw, "rating_average", "group") == {
        first: (pytest.approx(4.5), 2),  # A, C
        second: (pytest.approx(2.5), 2),  # B, H
    }
    assert compute(fw, "satisfied_share", "group") == {
        first: (pytest.approx(100.0), 2),
        second: (pytest.approx(0.0), 2),
    }


def test_an_empty_period_gives_no_value(fw):
    assert compute(fw, "received") == {"": (0, 0)}
    assert compute(fw, "on_time_rate") == {"": (None, 0)}
    assert compute(fw, "hours_median") == {"": (None, 0)}
    assert compute(fw, "rating_average") == {"": (None, 0)}
    assert compute(fw, "received", "day") == {}


def test_an_unknown_dimension_is_refused(fw):
    with pytest.raises(ValueError, match="chiều phân tích"):
        compute(fw, "received", "street")


def test_counts_take_one_query(reports, django_assert_num_queries):
    fw = reports
    kpi = kpis.get("feedback.on_time_rate").payload
    with django_assert_num_queries(1):
        kpi.compute([fw.unit.id], START, END, "category", now=NOW)
    median = kpis.get("feedback.hours_median").payload
    with django_assert_num_queries(1):
        median.compute([fw.unit.id], START, END, "group", now=NOW)

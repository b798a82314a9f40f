"""KPIs of citizen feedback (phản ánh kiến nghị), registered in ``core.registry.kpis`` from
``FeedbackConfig.ready()`` and read by ``omc`` and ``assessment``.

Every KPI is computed for a set of communes (``unit_ids``) and a half-open period
``[start, end)``, in total (``by=None``) or broken down ``by`` one of ``DIMENSIONS``. Which
reports a KPI counts, and which timestamp puts a report in the period, is part of its
definition:

============================  ==============================  ===========================
KPI                           reports counted                 in the period by
============================  ==============================  ===========================
``feedback.received``         every report                    ``created_at``
``feedback.open``             still open now                  ``created_at``
``feedback.overdue``          still open now, past ``due_at``  ``created_at``
``feedback.on_time_rate``     resolved                        ``resolved_at``
``feedback.hours_median``     resolved                        ``resolved_at``
``feedback.hours_p90``        resolved                        ``resolved_at``
``feedback.rating_average``   rated                           ``rated_at``
``feedback.satisfied_share``  rated                           ``rated_at``
============================  ==============================  ===========================

``by="day"`` groups by that same timestamp's local date (Asia/Ho_Chi_Minh); days without
reports are absent (the consumer fills gaps). ``category`` and ``department`` group by code,
so that the same category adds up across communes; ``group`` by residential group. Counts,
rates and averages are one ``GROUP BY`` query each; percentiles of the time to resolve are
computed in Python from one ``values_list`` of durations (SQLite has no percentile function;
~20,000 rows per ward take milliseconds) with linear interpolation between ranks — what
PostgreSQL's ``percentile_cont`` returns.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Avg, Count, F, FloatField, Func, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from xaso.core.kpi import Kpi, KpiValue
from xaso.feedback.choices import OPEN_STATUSES, ReportStatus
from xaso.feedback.models import Report

DIMENSIONS = ("day", "category", "department", "group")
TOTAL = "Tổng"
NO_DEPARTMENT = "Chưa phân công"
NO_GROUP = "Chưa xác định tổ dân phố"
# For each dimension: the column grouped by, and the columns that label and order its items.
_GROUPING = {
    "category": ("category__code", {"_label": "category__name", "_order": "category__order"}),
    "department": ("department__code", {"_label": "department__name"}),
    "group": (
        "group_id",
        {"_label": "group__name", "_order": "group__code", "_unit": "unit__name"},
    ),
}


def _reports(unit_ids: Iterable[int], start, end, period_field: str, **filters) -> QuerySet:
    """``SELECT … FROM feedback_report WHERE unit_id IN (…) AND start <= <period_field> < end``
    (plus ``filters``), without the model's default ordering (it would join the GROUP BY)."""
    return Report.objects.filter(
        unit_id__in=list(unit_ids),
        **{f"{period_field}__gte": start, f"{period_field}__lt": end},
        **filters,
    ).order_by()


def _keyed(rows: QuerySet, by: str, period_field: str, aggregate: bool) -> QuerySet:
    """``rows`` with ``_key`` (the dimension's value) and its label columns: aggregated with
    ``MAX()`` for a GROUP BY, or per row."""
    if by == "day":
        day = TruncDate(period_field, tzinfo=timezone.get_default_timezone())
        rows = rows.annotate(_key=day)
        return rows.values("_key") if aggregate else rows
    if by not in _GROUPING:
        raise ValueError(f"Không có chiều phân tích “{by}”; chọn một trong {DIMENSIONS}.")
    column, labels = _GROUPING[by]
    rows = rows.annotate(_key=F(column))
    if aggregate:
        return rows.values("_key").annotate(**{name: Max(path) for name, path in labels.items()})
    return rows.annotate(**{name: F(path) for name, path in labels.items()})


def _item(by: str, row: dict, several_units: bool) -> tuple[tuple, str, str]:
    """(sort key, key, label) of one breakdown item."""
    key = row["_key"]
    if by == "day":
        return (key,), key.isoformat(), f"{key:%d/%m/%Y}"
    if by == "category":
        return (row["_order"], key), key, row["_label"]
    if by == "department":
        return (key is None, key or ""), key or "", row["_label"] or NO_DEPARTMENT
    label = row["_label"] or NO_GROUP
    if several_units and row["_unit"] and key is not None:
        label = f"{label} – {row['_unit']}"
    return (key is None, row["_unit"] or "", row["_order"] or ""), str(key or ""), label


def _aggregated(unit_ids, start, end, by, *, period_field, aggregates, value, count, **filters):
    """One query: ``SELECT <dimension>, <aggregates> … GROUP BY <dimension>``; ``value`` and
    ``count`` turn a row of aggregates into the KPI value and the number it rests on."""
    unit_ids = list(unit_ids)
    rows = _reports(unit_ids, start, end, period_field, **filters)
    if by is None:
        row = rows.aggregate(**aggregates)
        return [KpiValue("", TOTAL, value(row), count(row))]
    items = []
    for row in _keyed(rows, by, period_field, aggregate=True).annotate(**aggregates):
        order, key, label = _item(by, row, len(unit_ids) > 1)
        items.append((order, KpiValue(key, label, value(row), count(row))))
    return [item for _order, item in sorted(items, key=lambda pair: pair[0])]


def _share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


# --- Counts (of reports received in the period)


def received(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
    """Reports received: ``COUNT(*) … WHERE start <= created_at < end [GROUP BY dimension]``."""
    return _aggregated(
        unit_ids,
        start,
        end,
        by,
        period_field="created_at",
        aggregates={"_total": Count("id")},
        value=lambda r: r["_total"],
        count=lambda r: r["_total"],
    )


def open_reports(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
    """Reports received in the period and still open: ``COUNT(*) … WHERE start <= created_at
    < end AND status IN ('new', 'accepted', 'assigned', 'in_progress')``."""
    return _aggregated(
        unit_ids,
        start,
        end,
        by,
        period_field="created_at",
        aggregates={"_total": Count("id")},
        value=lambda r: r["_total"],
        count=lambda r: r["_total"],
        status__in=OPEN_STATUSES,
    )


def overdue(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
    """Reports received in the period, still open and past their due time: as ``open`` plus
    ``AND due_at < now``."""
    return _aggregated(
        unit_ids,
        start,
        end,
        by,
        period_field="created_at",
        aggregates={"_total": Count("id")},
        value=lambda r: r["_total"],
        count=lambda r: r["_total"],
        status__in=OPEN_STATUSES,
        due_at__lt=now or timezone.now(),
    )


# --- Resolution (of reports resolved in the period)


def on_time_rate(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
    """Percent of the reports resolved in the period that were resolved by their due time:
    ``100 × COUNT(*) FILTER (WHERE resolved_at <= due_at) / COUNT(*) … WHERE status =
    'resolved' AND start <= resolved_at < end``; ``count`` is the number resolved."""
    return _aggregated(
        unit_ids,
        start,
        end,
        by,
        period_field="resolved_at",
        aggregates={
            "_total": Count("id"),
            "_hits": Count("id", filter=Q(resolved_at__lte=F("due_at"))),
        },
        value=lambda r: _share(r["_hits"], r["_total"]),
        count=lambda r: r["_total"],
        status=ReportStatus.RESOLVED,
    )


def _percentile(values: list[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks (PostgreSQL ``percentile_cont``)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class HoursBetween(Func):
    """Wall-clock hours from the first timestamp to the second, computed by the database as a
    float (Django's datetime subtraction would hand SQLite rows to a Python function)."""

    arity = 2
    output_field = FloatField()

    def _operands(self, compiler):
        (start, start_params), (end, end_params) = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return start, end, (*end_params, *start_params)

    def as_sqlite(self, compiler, connection, **extra):
        start, end, params = self._operands(compiler)
        return f"((julianday({end}) - julianday({start})) * 24.0)", params

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL
        start, end, params = self._operands(compiler)
        return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0)", params


def _hours_to_resolve(unit_ids, start, end, by, fraction: float) -> list[KpiValue]:
    """``SELECT <dimension>, <hours from created_at to resolved_at> … WHERE status =
    'resolved' AND start <= resolved_at < end`` (hours: ``(julianday(resolved_at) -
    julianday(created_at)) * 24`` on SQLite, ``EXTRACT(EPOCH FROM resolved_at - created_at) /
    3600`` on PostgreSQL), then the percentile per item in Python."""
    unit_ids = list(unit_ids)
    rows = _reports(unit_ids, start, end, "resolved_at", status=ReportStatus.RESOLVED)
    hours = HoursBetween("created_at", "resolved_at")
    if by is None:
        values = [float(h) for h in rows.values_list(hours, flat=True)]
        return [KpiValue("", TOTAL, _percentile(values, fraction), len(values))]
    groups: dict[str, list[float]] = defaultdict(list)
    items: dict[str, tuple[tuple, str]] = {}
    for row in _keyed(rows, by, "resolved_at", aggregate=False).values(
        "_key", *_GROUPING.get(by, ("", {}))[1], _hours=hours
    ):
        order, key, label = _item(by, row, len(unit_ids) > 1)
        groups[key].append(float(row["_hours"]))
        items.setdefault(key, (order, label))
    ordered = sorted(items.items(), key=lambda pair: pair[1][0])
    return [
        KpiValue(key, label, _percentile(groups[key], fraction), len(groups[key]))
        for key, (_order, label) in ordered
    ]


def hours_median(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
    """Median wall-clock hours from receipt to resolution of the reports resolved in the
    period (see ``_hours_to_resolve`` for the query)."""
    return _hours_to_resolve(unit_ids, start, end, by, 0.5)


def hours_p90(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
    """90th percentile of the same hours: nine in ten reports were resolved within it."""
    return _hours_to_resolve(unit_ids, start, end, by, 0.9)


# --- Satisfaction (of ratings given in the period)


def rating_average(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
    """Average rating (1–5 stars): ``AVG(rating) … WHERE start <= rated_at < end``; ``count``
    is the number of ratings."""
    return _aggregated(
        unit_ids,
        start,
        end,
        by,
        period_field="rated_at",
        aggregates={"_rated": Count("rating"), "_rating": Avg("rating")},
        value=lambda r: float(r["_rating"]) if r["_rating"] is not None else None,
        count=lambda r: r["_rated"],
        rating__isnull=False,
    )


def satisfied_share(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
    """Percent of ratings of 4 or 5 stars: ``100 × COUNT(*) FILTER (WHERE rating >= 4) /
    COUNT(rating) … WHERE start <= rated_at < end``."""
    return _aggregated(
        unit_ids,
        start,
        end,
        by,
        period_field="rated_at",
        aggregates={
            "_rated": Count("rating"),
            "_satisfied": Count("rating", filter=Q(rating__gte=4)),
        },
        value=lambda r: _share(r["_satisfied"], r["_rated"]),
        count=lambda r: r["_rated"],
        rating__isnull=False,
    )


KPIS = [
    Kpi(
        "feedback.received",
        "Phản ánh tiếp nhận",
        "count",
        "Số phản ánh kiến nghị người dân gửi trong kỳ (mọi kênh).",
        received,
        DIMENSIONS,
        higher_is_better=True,
    ),
    Kpi(
        "feedback.open",
        "Phản ánh đang xử lý",
        "count",
        "Số phản ánh gửi trong kỳ hiện vẫn chưa đóng (mới, đã tiếp nhận, đã chuyển, đang xử lý).",
        open_reports,
        DIMENSIONS,
        higher_is_better=False,
    ),
    Kpi(
        "feedback.overdue",
        "Phản ánh quá hạn",
        "count",
        "Số phản ánh gửi trong kỳ hiện chưa đóng và đã quá hạn xử lý.",
        overdue,
        DIMENSIONS,
        higher_is_better=False,
        target=0,
    ),
    Kpi(
        "feedback.on_time_rate",
        "Tỷ lệ giải quyết đúng hạn",
        "percent",
        "Trong số phản ánh giải quyết xong trong kỳ, tỷ lệ xong trước hạn xử lý (giờ làm việc "
        "theo thời hạn của lĩnh vực).",
        on_time_rate,
        DIMENSIONS,
        target=95,
    ),
    Kpi(
        "feedback.hours_median",
        "Thời gian giải quyết (trung vị)",
        "hours",
        "Trung vị số giờ (theo đồng hồ) từ khi người dân gửi đến khi có kết quả, của các "
        "phản ánh giải quyết xong trong kỳ.",
        hours_median,
        DIMENSIONS,
        higher_is_better=False,
        target=24,
    ),
    Kpi(
        "feedback.hours_p90",
        "Thời gian giải quyết (90% phản ánh)",
        "hours",
        "Số giờ mà trong đó 90% phản ánh giải quyết xong trong kỳ đã có kết quả.",
        hours_p90,
        DIMENSIONS,
        higher_is_better=False,
    ),
    Kpi(
        "feedback.rating_average",
        "Điểm hài lòng trung bình",
        "score",
        "Điểm đánh giá trung bình (1–5 sao) người dân cho kết quả xử lý, các đánh giá trong kỳ.",
        rating_average,
        DIMENSIONS,
        target=4.0,
        meta={"scale": (1, 5)},
    ),
    Kpi(
        "feedback.satisfied_share",
        "Tỷ lệ hài lòng",
        "percent",
        "Tỷ lệ đánh giá 4 hoặc 5 sao trong các đánh giá của kỳ.",
        satisfied_share,
        DIMENSIONS,
        target=80,
    ),
]


def register_kpis() -> None:
    from xaso.core.registry import kpis

    for kpi in KPIS:
        kpis.register(kpi.code, kpi, app="feedback")


def period(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` covering the local days ``first`` … ``last`` (both included)."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)

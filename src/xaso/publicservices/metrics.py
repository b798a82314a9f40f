"""KPIs of public services (dịch vụ công), registered in ``core.registry.kpis`` from
``PublicservicesConfig.ready()`` and read by ``omc`` and ``assessment``.

Every KPI is computed for a set of communes (``unit_ids``) and a half-open period
``[start, end)``, in total (``by=None``) or broken down ``by`` one of ``DIMENSIONS``. Which
dossiers a KPI counts, and which timestamp puts a dossier in the period, is part of its
definition — the same as the monthly statistics page and the index (``index.RECEIVED_COUNTS``,
``index.FINISHED_COUNTS``):

====================================  ===================================  ===============
KPI                                   dossiers counted                     in the period by
====================================  ===================================  ===============
``publicservices.received``           every dossier                        ``received_at``
``publicservices.resolved``           finished, not withdrawn              ``finished_at``
``publicservices.on_time_rate``       finished, not withdrawn              ``finished_at``
``publicservices.online_share``       every dossier                        ``received_at``
``publicservices.full_online_share``  every dossier                        ``received_at``
``publicservices.paid_online_share``  dossiers with a fee                  ``received_at``
``publicservices.digitized_share``    every dossier                        ``received_at``
``publicservices.e_result_share``     finished, not withdrawn              ``finished_at``
``publicservices.satisfied_share``    finished and rated                   ``finished_at``
``publicservices.overdue``            unfinished now, past due now         ``received_at``
``publicservices.awaiting_apology``   apology letter due, not sent (now)   ``received_at``
``publicservices.index_points``       the QĐ 766 index (``index.py``)      the period
====================================  ===================================  ===============

``by="day"`` groups by that timestamp's local date (Asia/Ho_Chi_Minh), days without dossiers
absent; ``procedure`` and ``field`` group by catalogue code, so that the same procedure adds up
across communes; ``unit`` by commune. Each value is one ``GROUP BY`` query on the dossiers
(the index reads the monthly rollup for whole months).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from xaso.core.kpi import Kpi, KpiValue
from xaso.publicservices import index as service_index

DIMENSIONS = ("day", "procedure", "field", "unit")
TOTAL = "Tổng"
_GROUPING = {
    "procedure": ("procedure__code", "procedure__name"),
    "field": ("procedure__field_code", "procedure__field_name"),
    "unit": ("unit__code", "unit__name"),
}


def _rows(unit_ids, start, end, base: str) -> tuple[QuerySet, str]:
    if base == "received":
        return service_index.received_rows(unit_ids, start, end), "received_at"
    return service_index.finished_rows(unit_ids, start, end), "finished_at"


def _aggregated(
    unit_ids,
    start,
    end,
    by,
    *,
    base: str,
    aggregates: dict,
    value: Callable[[dict], float | None],
    count: Callable[[dict], int],
    condition: Q | None = None,
) -> list[KpiValue]:
    """``SELECT <dimension>, <aggregates> … GROUP BY <dimension>`` over the dossiers received
    (or finished) in the period."""
    rows, moment = _rows(list(unit_ids), start, end, base)
    if condition is not None:
        rows = rows.filter(condition)
    if by is None:
        row = rows.aggregate(**aggregates)
        return [KpiValue("", TOTAL, value(row), count(row))]
    if by == "day":
        day = TruncDate(moment, tzinfo=timezone.get_default_timezone())
        grouped = rows.annotate(_key=day).values("_key").annotate(**aggregates)
        return [
            KpiValue(row["_key"].isoformat(), f"{row['_key']:%d/%m/%Y}", value(row), count(row))
            for row in sorted(grouped, key=lambda r: r["_key"])
        ]
    if by not in _GROUPING:
        raise ValueError(f"Không có chiều phân tích “{by}”; chọn một trong {DIMENSIONS}.")
    key, label = _GROUPING[by]
    grouped = rows.annotate(_key=F(key)).values("_key").annotate(_label=Max(label), **aggregates)
    return [
        KpiValue(row["_key"], row["_label"], value(row), count(row))
        for row in sorted(grouped, key=lambda r: (r["_label"] or "", r["_key"]))
    ]


def _share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def _counter(base: str, name: str | None = None, condition: Q | None = None):
    """A count KPI: the dossiers of ``base`` (matching ``condition``)."""

    def compute(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
        return _aggregated(
            unit_ids,
            start,
            end,
            by,
            base=base,
            aggregates={"_total": Count("id")},
            value=lambda r: r["_total"],
            count=lambda r: r["_total"],
            condition=condition,
        )

    compute.__doc__ = f"Dossiers {name or base} in the period."
    return compute


def _ratio(base: str, part: str, whole: str):
    """A percent KPI from two of the index's counts of ``base`` (received or finished)."""
    conditions = (
        service_index.RECEIVED_COUNTS if base == "received" else service_index.FINISHED_COUNTS
    )

    def count_of(name):
        condition = conditions[name]
        return Count("id", filter=condition) if condition else Count("id")

    def compute(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
        return _aggregated(
            unit_ids,
            start,
            end,
            by,
            base=base,
            aggregates={"_part": count_of(part), "_whole": count_of(whole)},
            value=lambda r: _share(r["_part"], r["_whole"]),
            count=lambda r: r["_whole"],
        )

    compute.__doc__ = f"100 × {part} / {whole} of the dossiers {base} in the period."
    return compute


received = _counter("received")
resolved = _counter("finished", "resolved")
on_time_rate = _ratio("finished", "on_time", "finished")
online_share = _ratio("received", "online", "received")
full_online_share = _ratio("received", "full_online", "received")
paid_online_share = _ratio("received", "paid_online", "with_fee")
digitized_share = _ratio("received", "digitized", "received")
e_result_share = _ratio("finished", "e_result", "finished")
satisfied_share = _ratio("finished", "satisfied", "rated")


def overdue(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
    """Dossiers received in the period, unfinished and past their due time now."""
    return _counter(
        "received", "overdue", Q(finished_at__isnull=True, due_at__lt=now or timezone.now())
    )(unit_ids, start, end, by)


awaiting_apology = _counter(
    "received", "awaiting an apology letter", Q(apology_due=True, apology_sent_at__isnull=True)
)


def index_points(unit_ids, start, end, by=None, *, now=None) -> list[KpiValue]:
    """The QĐ 766 service-quality index (0–100) of the communes together, or per commune."""
    unit_ids = list(unit_ids)
    catalogue = service_index.Catalogue.load()
    if by is None:
        index = service_index.compute_index(unit_ids, start, end, catalogue=catalogue)
        # Indicator 1.4's denominator: the dossiers received in the period.
        return [KpiValue("", TOTAL, index.points, index.indicator("1.4").denominator)]
    if by != "unit":
        raise ValueError("Chỉ số chất lượng phục vụ chỉ phân tích theo xã/phường (by='unit').")
    from xaso.core.models import AdministrativeUnit

    values = []
    for unit in AdministrativeUnit.objects.filter(id__in=unit_ids).order_by("name"):
        index = service_index.compute_index([unit.id], start, end, catalogue=catalogue)
        values.append(
            KpiValue(unit.code, unit.name, index.points, index.indicator("1.4").denominator)
        )
    return values


KPIS = [
    Kpi(
        "publicservices.received",
        "Hồ sơ tiếp nhận",
        "count",
        "Số hồ sơ thủ tục hành chính tiếp nhận trong kỳ (mọi kênh).",
        received,
        DIMENSIONS,
    ),
    Kpi(
        "publicservices.resolved",
        "Hồ sơ đã giải quyết",
        "count",
        "Số hồ sơ có kết quả trong kỳ (giải quyết hoặc từ chối; không tính hồ sơ công dân rút).",
        resolved,
        DIMENSIONS,
    ),
    Kpi(
        "publicservices.on_time_rate",
        "Tỷ lệ hồ sơ đúng hạn",
        "percent",
        "Trong số hồ sơ có kết quả trong kỳ, tỷ lệ có kết quả không muộn hơn ngày hẹn trả.",
        on_time_rate,
        DIMENSIONS,
        target=98,
    ),
    Kpi(
        "publicservices.online_share",
        "Tỷ lệ hồ sơ trực tuyến",
        "percent",
        "Tỷ lệ hồ sơ tiếp nhận trong kỳ được nộp trực tuyến (toàn trình hoặc một phần).",
        online_share,
        DIMENSIONS,
        target=80,
    ),
    Kpi(
        "publicservices.full_online_share",
        "Tỷ lệ hồ sơ trực tuyến toàn trình",
        "percent",
        "Tỷ lệ hồ sơ tiếp nhận trong kỳ được nộp trực tuyến toàn trình.",
        full_online_share,
        DIMENSIONS,
    ),
    Kpi(
        "publicservices.paid_online_share",
        "Tỷ lệ thanh toán trực tuyến",
        "percent",
        "Trong số hồ sơ có phí, lệ phí tiếp nhận trong kỳ, tỷ lệ thanh toán trực tuyến.",
        paid_online_share,
        DIMENSIONS,
        target=50,
    ),
    Kpi(
        "publicservices.digitized_share",
        "Tỷ lệ hồ sơ được số hoá",
        "percent",
        "Tỷ lệ hồ sơ tiếp nhận trong kỳ được số hoá thành phần hồ sơ.",
        digitized_share,
        DIMENSIONS,
        target=80,
    ),
    Kpi(
        "publicservices.e_result_share",
        "Tỷ lệ kết quả điện tử",
        "percent",
        "Trong số hồ sơ có kết quả trong kỳ, tỷ lệ có kết quả điện tử (số hoá kết quả).",
        e_result_share,
        DIMENSIONS,
        target=90,
    ),
    Kpi(
        "publicservices.satisfied_share",
        "Tỷ lệ hài lòng với giải quyết thủ tục",
        "percent",
        "Trong số hồ sơ có kết quả trong kỳ được người dân đánh giá, tỷ lệ “hài lòng”.",
        satisfied_share,
        DIMENSIONS,
        target=90,
    ),
    Kpi(
        "publicservices.overdue",
        "Hồ sơ quá hạn chưa giải quyết",
        "count",
        "Số hồ sơ tiếp nhận trong kỳ hiện chưa có kết quả và đã quá hạn trả.",
        overdue,
        DIMENSIONS,
        higher_is_better=False,
        target=0,
    ),
    Kpi(
        "publicservices.awaiting_apology",
        "Hồ sơ trễ hạn chờ thư xin lỗi",
        "count",
        "Số hồ sơ tiếp nhận trong kỳ đã trễ hạn mà chưa ghi nhận gửi thư xin lỗi người dân.",
        awaiting_apology,
        DIMENSIONS,
        higher_is_better=False,
        target=0,
    ),
    Kpi(
        "publicservices.index_points",
        "Chỉ số chất lượng phục vụ (QĐ 766)",
        "score",
        "Điểm Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng phục vụ người dân, doanh "
        "nghiệp (thang 100) tính từ dữ liệu của nền tảng.",
        index_points,
        ("unit",),
        target=90,
        meta={"scale": (0, 100)},
    ),
]


def register_kpis() -> None:
    from xaso.core.registry import kpis

    for kpi in KPIS:
        kpis.register(kpi.code, kpi, app="publicservices")


def period(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` covering the local days ``first`` … ``last`` (both included)."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    return start, dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)

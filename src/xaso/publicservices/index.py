"""The service-quality index of a commune (Bộ chỉ số chỉ đạo, điều hành và đánh giá chất lượng
phục vụ người dân, doanh nghiệp — QĐ 766/QĐ-TTg, 23/6/2022), computed from the platform's own
procedures, dossiers and citizen feedback, for one period.

Five groups, 100 points: publicity and transparency 18, progress and results 20, online
service provision 22 (online dossiers 12 + online payment 10), digitisation 22, satisfaction
18. Each indicator is a ratio R = numerator / denominator scored ``max × R`` or, with a
threshold T, full points when R ≥ T and ``max × R / T`` below it (the portal's rule). An
indicator with nothing to count (denominator 0) scores full points and says "không phát
sinh". Indicators the platform cannot observe (the connection to the national personal data
store) are listed with the rule used, so the total stays comparable to the portal's.

Where the numbers come from
---------------------------
Every dossier indicator is a sum of per-procedure counts (``Counts``) of the dossiers
*received* in the period (``received_at``) or *finished* in it (``finished_at``, withdrawn
dossiers left out). The counts are read either from the dossiers themselves — two ``GROUP BY
procedure`` queries — or, when the period is whole months of Vietnam time, from the monthly
rollup ``DossierMonth`` that ``services.rollups.refresh_rollups`` keeps in step with every
write (one small query, whatever the number of dossiers: the province-scale path). Both paths
use the same definitions (``RECEIVED_COUNTS``, ``FINISHED_COUNTS``) and give the same numbers;
the tests check it.

Every indicator carries its formula in words and the name of the dossier filter behind it
(``DOSSIER_FILTERS``), so a page can list the records that make the number — always from the
dossiers themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from xaso.core.registry import kpis
from xaso.publicservices.choices import (
    Channel,
    DossierResult,
    DossierSource,
    OnlineLevel,
    Satisfaction,
)
from xaso.publicservices.models import Dossier, DossierMonth, Procedure, ProcedureVersion

# Certified copies from originals (chứng thực bản sao từ bản chính): indicator 4.2b.
CERTIFIED_COPY_PREFIX = "chung-thuc-ban-sao"


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    group: int
    max_points: float
    formula: str
    numerator: int
    denominator: int
    threshold: float | None = None
    # Which dossiers the numerator and denominator count (for the drill-down), as a name of
    # a filter in ``DOSSIER_FILTERS``; "" when the indicator is not about dossiers.
    records: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return None if self.denominator == 0 else self.numerator / self.denominator

    @property
    def points(self) -> float:
        ratio = self.ratio
        if ratio is None:
            return self.max_points
        if self.threshold:
            return self.max_points * min(1.0, ratio / self.threshold)
        return self.max_points * min(1.0, ratio)

    @property
    def percent(self) -> float | None:
        ratio = self.ratio
        return None if ratio is None else 100 * ratio

    @property
    def threshold_percent(self) -> float | None:
        return None if not self.threshold else 100 * self.threshold

    @property
    def not_applicable(self) -> bool:
        """Nothing to count in the period ("không phát sinh"): full points."""
        return self.denominator == 0


@dataclass(frozen=True)
class Group:
    number: int
    name: str
    max_points: float
    indicators: list[Indicator] = field(default_factory=list)

    @property
    def points(self) -> float:
        return sum(i.points for i in self.indicators)


@dataclass(frozen=True)
class ServiceIndex:
    unit_ids: tuple[int, ...]
    start: dt.datetime
    end: dt.datetime
    groups: list[Group]
    source: str = "raw"  # "raw" (dossiers) or "rollup" (DossierMonth)

    @property
    def points(self) -> float:
        return round(sum(g.points for g in self.groups), 2)

    def indicator(self, code: str) -> Indicator:
        return next(i for g in self.groups for i in g.indicators if i.code == code)


GROUPS = {
    1: ("Công khai, minh bạch", 18),
    2: ("Tiến độ, kết quả giải quyết", 20),
    3: ("Cung cấp dịch vụ trực tuyến", 22),
    4: ("Số hoá hồ sơ, kết quả", 22),
    5: ("Mức độ hài lòng", 18),
}


# --- Periods -------------------------------------------------------------------------------


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_period(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """``[start, end)`` of a calendar month in Vietnam time."""
    tz = timezone.get_default_timezone()
    first = month_start(month)
    return (
        dt.datetime.combine(first, dt.time(0), tzinfo=tz),
        dt.datetime.combine(next_month(first), dt.time(0), tzinfo=tz),
    )


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from ``first`` to ``last`` (both included)."""
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def whole_months(start: dt.datetime, end: dt.datetime) -> list[dt.date] | None:
    """The months ``[start, end)`` covers exactly (Vietnam time), or None if it does not."""
    tz = timezone.get_default_timezone()
    first, last = timezone.localtime(start, tz), timezone.localtime(end, tz)
    midnight = dt.time(0)
    if first.time() != midnight or last.time() != midnight or first.day != 1 or last.day != 1:
        return None
    if last <= first:
        return None
    return months_between(first.date(), (last - dt.timedelta(days=1)).date())


# --- Counts per procedure --------------------------------------------------------------------

LATE = Q(finished_at__gt=F("due_at"))

# What is counted of the dossiers received in a period …
RECEIVED_COUNTS = {
    "received": Q(),
    "synced": Q(source=DossierSource.IMPORT),
    "online": Q(channel=Channel.ONLINE),
    "full_online": Q(channel=Channel.ONLINE, online_level=OnlineLevel.FULL),
    "partial_online": Q(channel=Channel.ONLINE, online_level=OnlineLevel.PARTIAL),
    "with_fee": Q(fee_vnd__gt=0),
    "paid_online": Q(fee_vnd__gt=0, paid_online=True),
    "digitized": Q(digitized=True),
    "reused": Q(reused_data=True),
    "population_data": Q(used_population_data=True),
}
# … and of the dossiers finished in it (withdrawn ones excluded).
FINISHED_COUNTS = {
    "finished": Q(),
    "on_time": Q(finished_at__lte=F("due_at")),
    "e_result": Q(e_result=True),
    "late_or_unhappy": LATE | Q(satisfaction=Satisfaction.DISSATISFIED),
    "rated": ~Q(satisfaction=""),
    "satisfied": Q(satisfaction=Satisfaction.SATISFIED),
    "dissatisfied": Q(satisfaction=Satisfaction.DISSATISFIED),
}


@dataclass
class Counts:
    """Counts of one procedure (or a sum of several) over a period: the fields of
    ``DossierMonth``."""

    received: int = 0
    synced: int = 0
    online: int = 0
    full_online: int = 0
    partial_online: int = 0
    with_fee: int = 0
    paid_online: int = 0
    digitized: int = 0
    reused: int = 0
    population_data: int = 0
    finished: int = 0
    on_time: int = 0
    e_result: int = 0
    late_or_unhappy: int = 0
    rated: int = 0
    satisfied: int = 0
    dissatisfied: int = 0

    def add(self, other: Counts) -> Counts:
        for name in COUNT_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def late(self) -> int:
        return self.finished - self.on_time


COUNT_NAMES = tuple(f.name for f in fields(Counts))
assert set(COUNT_NAMES) == set(RECEIVED_COUNTS) | set(FINISHED_COUNTS) == set(DossierMonth.COUNTS)


def _aggregates(conditions: dict[str, Q]) -> dict:
    return {
        name: Count("id", filter=condition) if condition else Count("id")
        for name, condition in conditions.items()
    }


def received_rows(unit_ids, start, end) -> QuerySet:
    return Dossier.objects.filter(
        unit_id__in=list(unit_ids), received_at__gte=start, received_at__lt=end
    ).order_by()


def finished_rows(unit_ids, start, end) -> QuerySet:
    return (
        Dossier.objects.filter(
            unit_id__in=list(unit_ids), finished_at__gte=start, finished_at__lt=end
        )
        .exclude(result=DossierResult.WITHDRAWN)
        .order_by()
    )


def raw_procedure_counts(unit_ids, start, end) -> dict[int, Counts]:
    """Counts per procedure id from the dossiers: two ``GROUP BY procedure_id`` queries."""
    counts: dict[int, Counts] = {}
    for rows, conditions in (
        (received_rows(unit_ids, start, end), RECEIVED_COUNTS),
        (finished_rows(unit_ids, start, end), FINISHED_COUNTS),
    ):
        for row in rows.values("procedure_id").annotate(**_aggregates(conditions)):
            item = counts.setdefault(row.pop("procedure_id"), Counts())
            for name, value in row.items():
                setattr(item, name, value)
    return counts


def rollup_procedure_counts(unit_ids, months: list[dt.date]) -> dict[int, Counts]:
    """Counts per procedure id from ``DossierMonth``: one ``GROUP BY procedure_id`` query."""
    rows = (
        DossierMonth.objects.filter(unit_id__in=list(unit_ids), month__in=months)
        .order_by()
        .values("procedure_id")
        .annotate(**{name: Sum(name) for name in COUNT_NAMES})
    )
    return {row.pop("procedure_id"): Counts(**row) for row in rows}


def procedure_counts(
    unit_ids, start: dt.datetime, end: dt.datetime, *, source: str = "auto"
) -> tuple[dict[int, Counts], str]:
    """(counts per procedure id, the source used). ``source``: "raw", "rollup" (whole months
    only) or "auto" (the rollup whenever the period is whole months)."""
    months = whole_months(start, end)
    if source == "rollup" and months is None:
        raise ValueError("Chỉ đọc được bảng tổng hợp cho các tháng trọn vẹn.")
    if source != "raw" and months is not None:
        return rollup_procedure_counts(unit_ids, months), "rollup"
    return raw_procedure_counts(unit_ids, start, end), "raw"


def total(counts: dict[int, Counts], procedure_ids: Iterable[int] | None = None) -> Counts:
    result = Counts()
    for procedure_id, item in counts.items():
        if procedure_ids is None or procedure_id in procedure_ids:
            result.add(item)
    return result


# --- The drill-down --------------------------------------------------------------------------


def _received(unit_ids, start, end):
    return Dossier.objects.filter(
        unit_id__in=list(unit_ids), received_at__gte=start, received_at__lt=end
    )


def _finished(unit_ids, start, end):
    return Dossier.objects.filter(
        unit_id__in=list(unit_ids), finished_at__gte=start, finished_at__lt=end
    ).exclude(result=DossierResult.WITHDRAWN)


@dataclass(frozen=True)
class DossierFilter:
    """The dossiers behind an indicator: the denominator's set (received or finished in the
    period, maybe only some of them) and the numerator's condition on it. When ``subtracts``,
    the indicator counts the base *minus* the rows the condition selects (5.4)."""

    label: str
    base: str  # "received" | "finished"
    condition: Q
    base_condition: Q | None = None  # the denominator is restricted to these dossiers
    subtracts: bool = False

    def rows(self, unit_ids, start, end, *, numerator: bool) -> QuerySet:
        rows = (_received if self.base == "received" else _finished)(unit_ids, start, end)
        if self.base_condition is not None:
            rows = rows.filter(self.base_condition)
        return rows.filter(self.condition) if numerator else rows


# The procedures of indicators 3.3 and 4.2b, as ``Catalogue`` selects them.
FULL_PROCEDURES = Q(procedure__active=True, procedure__online_level=OnlineLevel.FULL)
COPY_PROCEDURES = Q(procedure__active=True, procedure__code__startswith=CERTIFIED_COPY_PREFIX)

# Named dossier filters for the drill-down.
DOSSIER_FILTERS: dict[str, DossierFilter] = {
    "synced": DossierFilter("đồng bộ từ hệ thống một cửa", "received", RECEIVED_COUNTS["synced"]),
    "on_time": DossierFilter("giải quyết đúng hạn", "finished", FINISHED_COUNTS["on_time"]),
    "full_online": DossierFilter(
        "nộp trực tuyến toàn trình", "received", RECEIVED_COUNTS["full_online"], FULL_PROCEDURES
    ),
    "paid_online": DossierFilter(
        "thanh toán trực tuyến", "received", Q(paid_online=True), Q(fee_vnd__gt=0)
    ),
    "e_result": DossierFilter("có kết quả điện tử", "finished", FINISHED_COUNTS["e_result"]),
    "digitized": DossierFilter("được số hoá", "received", RECEIVED_COUNTS["digitized"]),
    "e_copy": DossierFilter(
        "chứng thực bản sao điện tử", "finished", FINISHED_COUNTS["e_result"], COPY_PROCEDURES
    ),
    "reused": DossierFilter("tái sử dụng dữ liệu", "received", RECEIVED_COUNTS["reused"]),
    "population_data": DossierFilter(
        "khai thác dữ liệu dân cư", "received", RECEIVED_COUNTS["population_data"]
    ),
    "late_or_unhappy": DossierFilter(
        "trễ hạn hoặc không hài lòng",
        "finished",
        FINISHED_COUNTS["late_or_unhappy"],
        subtracts=True,
    ),
}


def dossier_records(name: str, unit_ids, start, end, *, numerator: bool) -> QuerySet:
    """The dossiers an indicator counts: the rows of its numerator's condition
    (``numerator=True``; for a ``subtracts`` filter, the rows taken away) or its denominator's
    set."""
    return DOSSIER_FILTERS[name].rows(unit_ids, start, end, numerator=numerator)


# --- The catalogue side ------------------------------------------------------------------------

REQUIRED_PARTS = ("documents", "time_limit", "fee", "legal_basis", "steps", "result")


def _is_complete(data: dict) -> bool:
    return all(data.get(part) for part in REQUIRED_PARTS)


@dataclass(frozen=True)
class Catalogue:
    """What the index needs of the (national) procedure catalogue, read once."""

    total: int
    complete: int
    with_fee: frozenset[int]
    fee_online: int
    full: frozenset[int]
    copies: frozenset[int]

    @classmethod
    def load(cls) -> Catalogue:
        rows = [
            # A fee the province sets has no amount in the catalogue, but it is a fee.
            (pk, code, level, has_fee or bool(amount), data)
            for pk, code, level, has_fee, amount, data in Procedure.objects.filter(
                active=True
            ).values_list("id", "code", "online_level", "has_fee", "fee_vnd", "data")
        ]
        return cls(
            total=len(rows),
            complete=sum(1 for *_rest, data in rows if _is_complete(data)),
            with_fee=frozenset(pk for pk, _c, _l, fee, _d in rows if fee),
            fee_online=sum(1 for _p, _c, level, fee, _d in rows if fee and level != "khong"),
            full=frozenset(pk for pk, _c, level, _f, _d in rows if level == OnlineLevel.FULL),
            copies=frozenset(
                pk for pk, code, *_rest in rows if code.startswith(CERTIFIED_COPY_PREFIX)
            ),
        )


def _versions(start, end) -> tuple[int, int]:
    """(changes published no later than their effective date, changes) in the period."""
    row = ProcedureVersion.objects.filter(
        changed_at__gte=start, changed_at__lt=end, version__gt=1
    ).aggregate(
        total=Count("id"),
        early=Count("id", filter=Q(changed_at__date__lte=F("effective_date"))),
    )
    return row["early"], row["total"]


def _feedback_counts(unit_ids, start, end) -> tuple[tuple[int, int], tuple[int, int]]:
    """(on time, resolved) and (satisfactory, rated) of citizen feedback about administrative
    procedures (category ``thu-tuc``), read through the KPI registry (this app imports no
    other domain app). (0, 0) when the feedback app is not installed."""

    def pair(code: str) -> tuple[int, int]:
        if code not in kpis:
            return 0, 0
        kpi = kpis.get(code).payload
        rows = kpi.compute(list(unit_ids), start, end, "category")
        row = next((r for r in rows if r.key == "thu-tuc"), None)
        if row is None or row.value is None or not row.count:
            return 0, 0
        share = row.value / 100 if kpi.unit == "percent" else row.value
        return round(share * row.count), row.count

    return pair("feedback.on_time_rate"), pair("feedback.satisfied_share")


# --- The index -------------------------------------------------------------------------------


def compute_index(
    unit_ids: Iterable[int],
    start: dt.datetime,
    end: dt.datetime,
    *,
    source: str = "auto",
    catalogue: Catalogue | None = None,
) -> ServiceIndex:
    """The index of the communes ``unit_ids`` (summed, as the portal sums a province) for
    ``[start, end)``. ``source``: see ``procedure_counts``."""
    unit_ids = tuple(sorted(unit_ids))
    catalogue = catalogue or Catalogue.load()
    counts, used = procedure_counts(unit_ids, start, end, source=source)
    return _index(unit_ids, start, end, counts, used, catalogue)


def compute_index_series(
    unit_ids: Iterable[int], months: list[dt.date], *, source: str = "auto"
) -> list[ServiceIndex]:
    """The index of each month in ``months`` (the trend chart), the catalogue read once."""
    catalogue = Catalogue.load()
    return [
        compute_index(unit_ids, *month_period(month), source=source, catalogue=catalogue)
        for month in months
    ]


def _index(unit_ids, start, end, counts, used, catalogue: Catalogue) -> ServiceIndex:
    everything = total(counts)
    full = total(counts, catalogue.full)
    copies = total(counts, catalogue.copies)
    fee_procedures = [
        pk for pk, item in counts.items() if item.with_fee and pk in catalogue.with_fee
    ]
    fee_paid_online = sum(1 for pk in fee_procedures if counts[pk].paid_online)
    versions_early, versions = _versions(start, end)
    (pakn_on_time, pakn_resolved), (pakn_happy, pakn_rated) = _feedback_counts(unit_ids, start, end)
    e = everything

    def ind(code, name, group, points, formula, part, whole, threshold=None, records="", note=""):
        return Indicator(code, name, group, points, formula, part, whole, threshold, records, note)

    g1 = [
        ind(
            "1.1-1.2",
            "Thủ tục được cập nhật, công khai trước ngày áp dụng",
            1,
            10,
            "số lần sửa đổi thủ tục được công khai không muộn hơn ngày áp dụng / số lần sửa đổi "
            "thủ tục trong kỳ",
            versions_early,
            versions,
        ),
        ind(
            "1.3",
            "Thủ tục công khai đủ bộ phận tạo thành",
            1,
            2,
            "thủ tục có đủ thành phần hồ sơ, thời hạn, phí, căn cứ, trình tự, kết quả / thủ tục "
            "đang áp dụng",
            catalogue.complete,
            catalogue.total,
        ),
        ind(
            "1.4",
            "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
            1,
            6,
            "hồ sơ có trên hệ thống một cửa của tỉnh / hồ sơ tiếp nhận trong kỳ",
            e.synced,
            e.received,
            records="synced",
        ),
    ]
    g2 = [
        ind(
            "2.1",
            "Hồ sơ giải quyết trước hạn, đúng hạn",
            2,
            20,
            "hồ sơ có kết quả không muộn hơn ngày hẹn trả / hồ sơ có kết quả trong kỳ "
            "(không tính hồ sơ công dân rút)",
            e.on_time,
            e.finished,
            records="on_time",
        )
    ]
    g3 = [
        ind(
            "3.3",
            "Hồ sơ nộp trực tuyến toàn trình",
            3,
            12,
            "hồ sơ nộp trực tuyến toàn trình / hồ sơ tiếp nhận của các thủ tục cung cấp dịch vụ "
            "công trực tuyến toàn trình",
            full.full_online,
            full.received,
            records="full_online",
        ),
        ind(
            "3.5",
            "Thủ tục có phí tích hợp thanh toán trực tuyến",
            3,
            2,
            "thủ tục có phí, lệ phí nộp được trực tuyến / thủ tục có phí, lệ phí (ngưỡng 80%)",
            catalogue.fee_online,
            len(catalogue.with_fee),
            0.8,
        ),
        ind(
            "3.5b",
            "Thủ tục có phí phát sinh thanh toán trực tuyến",
            3,
            2,
            "thủ tục có ít nhất một hồ sơ thanh toán trực tuyến / thủ tục có phí, lệ phí có hồ "
            "sơ tiếp nhận trong kỳ (ngưỡng 80%)",
            fee_paid_online,
            len(fee_procedures),
            0.8,
            "paid_online",
        ),
        ind(
            "3.6",
            "Hồ sơ thanh toán trực tuyến",
            3,
            6,
            "hồ sơ thanh toán phí, lệ phí trực tuyến / hồ sơ có phí, lệ phí tiếp nhận trong kỳ",
            e.paid_online,
            e.with_fee,
            records="paid_online",
        ),
    ]
    g4 = [
        ind(
            "4.1",
            "Hồ sơ có kết quả điện tử",
            4,
            6,
            "hồ sơ có kết quả điện tử / hồ sơ có kết quả trong kỳ",
            e.e_result,
            e.finished,
            records="e_result",
        ),
        ind(
            "4.2",
            "Hồ sơ được số hoá",
            4,
            4,
            "hồ sơ được số hoá thành phần / hồ sơ tiếp nhận trong kỳ (ngưỡng 80%)",
            e.digitized,
            e.received,
            0.8,
            "digitized",
        ),
        ind(
            "4.2b",
            "Chứng thực bản sao điện tử",
            4,
            2,
            "hồ sơ chứng thực bản sao từ bản chính có bản sao điện tử / hồ sơ chứng thực bản "
            "sao có kết quả trong kỳ",
            copies.e_result,
            copies.finished,
            records="e_copy",
        ),
        ind(
            "4.3",
            "Tái sử dụng dữ liệu số hoá",
            4,
            2,
            "hồ sơ dùng lại ít nhất một thành phần đã số hoá / hồ sơ tiếp nhận trong kỳ "
            "(ngưỡng 80%)",
            e.reused,
            e.received,
            0.8,
            "reused",
        ),
        ind(
            "4.4",
            "Kết nối kho dữ liệu cá nhân trên Cổng Dịch vụ công quốc gia",
            4,
            4,
            "theo hệ thống một cửa của tỉnh (đã kết nối kho dữ liệu cá nhân): tính đủ điểm",
            0,
            0,
            note="Nền tảng không quan sát được kết nối này; lấy theo hệ thống của tỉnh.",
        ),
        ind(
            "4.5",
            "Khai thác dữ liệu dân cư, tài khoản VNeID",
            4,
            4,
            "hồ sơ khai thác dữ liệu dân cư hoặc dùng tài khoản VNeID / hồ sơ tiếp nhận trong kỳ",
            e.population_data,
            e.received,
            records="population_data",
        ),
    ]
    g5 = [
        ind(
            "5.2",
            "Phản ánh, kiến nghị về thủ tục được xử lý đúng hạn",
            5,
            6,
            "phản ánh lĩnh vực “Thủ tục hành chính” giải quyết đúng hạn / đã giải quyết trong kỳ",
            pakn_on_time,
            pakn_resolved,
        ),
        ind(
            "5.3",
            "Hài lòng với việc xử lý phản ánh, kiến nghị",
            5,
            6,
            "phản ánh lĩnh vực “Thủ tục hành chính” được đánh giá từ 4 sao / được đánh giá "
            "trong kỳ",
            pakn_happy,
            pakn_rated,
        ),
        ind(
            "5.4",
            "Hài lòng trong tiếp nhận, giải quyết thủ tục",
            5,
            6,
            "hồ sơ có kết quả không trễ hạn và không bị đánh giá không hài lòng / hồ sơ có kết "
            "quả trong kỳ (ngưỡng 90%)",
            e.finished - e.late_or_unhappy,
            e.finished,
            0.9,
            "late_or_unhappy",
        ),
    ]
    groups = [
        Group(number, GROUPS[number][0], GROUPS[number][1], indicators)
        for number, indicators in ((1, g1), (2, g2), (3, g3), (4, g4), (5, g5))
    ]
    return ServiceIndex(unit_ids, start, end, groups, used)

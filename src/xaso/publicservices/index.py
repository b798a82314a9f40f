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

Every indicator carries its formula in words and the filter of the dossiers behind it, so a
page can show the records that make the number.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Count, F, Q

from xaso.core.registry import kpis
from xaso.publicservices.choices import Channel, DossierResult, OnlineLevel, Satisfaction
from xaso.publicservices.models import Dossier, Procedure, ProcedureVersion


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
        return self.max_points * ratio


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


def _received(unit_ids, start, end):
    return Dossier.objects.filter(unit_id__in=unit_ids, received_at__gte=start, received_at__lt=end)


def _finished(unit_ids, start, end):
    return Dossier.objects.filter(
        unit_id__in=unit_ids, finished_at__gte=start, finished_at__lt=end
    ).exclude(result=DossierResult.WITHDRAWN)


# Named dossier filters for the drill-down: (base set, numerator condition).
DOSSIER_FILTERS: dict[str, tuple[Callable, Q]] = {
    "synced": (_received, Q(source="import")),
    "on_time": (_finished, Q(finished_at__lte=F("due_at"))),
    "full_online": (
        lambda u, s, e: _received(u, s, e).filter(procedure__online_level=OnlineLevel.FULL),
        Q(channel=Channel.ONLINE, online_level=OnlineLevel.FULL),
    ),
    "paid_online": (lambda u, s, e: _received(u, s, e).filter(fee_vnd__gt=0), Q(paid_online=True)),
    "e_result": (_finished, Q(e_result=True)),
    "digitized": (_received, Q(digitized=True)),
    "e_copy": (
        lambda u, s, e: _finished(u, s, e).filter(procedure__code__startswith="chung-thuc-ban-sao"),
        Q(e_result=True),
    ),
    "reused": (_received, Q(reused_data=True)),
    "population_data": (_received, Q(used_population_data=True)),
    "late_or_unhappy": (
        _finished,
        Q(finished_at__gt=F("due_at")) | Q(satisfaction=Satisfaction.DISSATISFIED),
    ),
}


def dossier_records(name: str, unit_ids, start, end, *, numerator: bool):
    base, condition = DOSSIER_FILTERS[name]
    rows = base(unit_ids, start, end)
    return rows.filter(condition) if numerator else rows


def _count(name: str, unit_ids, start, end) -> tuple[int, int]:
    base, condition = DOSSIER_FILTERS[name]
    totals = base(unit_ids, start, end).aggregate(
        whole=Count("id"), part=Count("id", filter=condition)
    )
    return totals["part"], totals["whole"]


def _feedback_counts(unit_ids, start, end) -> tuple[tuple[int, int], tuple[int, int]]:
    """(on time, resolved) and (satisfactory, rated) of citizen feedback about administrative
    procedures, read through the KPI registry (this app imports no other domain app)."""

    def value(code: str):
        if code not in kpis:
            return None
        rows = kpis.get(code).payload.compute(unit_ids, start, end, "category")
        return next((r for r in rows if r.key == "thu-tuc"), None)

    on_time, satisfied = value("feedback.on_time_rate"), value("feedback.satisfied_share")

    def pair(row):
        if row is None or row.value is None or not row.count:
            return 0, 0
        share = row.value / 100 if row.value > 1 else row.value
        return round(share * row.count), row.count

    return pair(on_time), pair(satisfied)


def compute_index(unit_ids: Iterable[int], start: dt.datetime, end: dt.datetime) -> ServiceIndex:
    unit_ids = tuple(sorted(unit_ids))
    args = (unit_ids, start, end)
    procedures = Procedure.objects.filter(active=True)
    catalogue = procedures.aggregate(
        total=Count("id"),
        with_fee=Count("id", filter=Q(has_fee=True)),
        fee_online=Count("id", filter=Q(has_fee=True) & ~Q(online_level=OnlineLevel.NONE)),
        online=Count("id", filter=~Q(online_level=OnlineLevel.NONE)),
    )
    complete = sum(1 for data in procedures.values_list("data", flat=True) if _is_complete(data))
    versions = ProcedureVersion.objects.filter(
        changed_at__gte=start, changed_at__lt=end, version__gt=1
    ).aggregate(
        total=Count("id"),
        early=Count("id", filter=Q(changed_at__date__lte=F("effective_date"))),
    )
    fees_paid = (
        _received(*args)
        .filter(fee_vnd__gt=0, paid_online=True)
        .values("procedure_id")
        .distinct()
        .count()
    )
    (pakn_on_time, pakn_resolved), (pakn_happy, pakn_rated) = _feedback_counts(*args)
    late_or_unhappy, finished = _count("late_or_unhappy", *args)

    def dossiers(code, name, group, points, formula, filter_name, threshold=None):
        part, whole = _count(filter_name, *args)
        return Indicator(code, name, group, points, formula, part, whole, threshold, filter_name)

    g1 = [
        Indicator(
            "1.1-1.2",
            "Thủ tục được cập nhật, công khai trước ngày áp dụng",
            1,
            10,
            "số lần sửa đổi thủ tục được công khai trước ngày áp dụng / số lần sửa đổi trong kỳ",
            versions["early"],
            versions["total"],
        ),
        Indicator(
            "1.3",
            "Thủ tục công khai đủ bộ phận tạo thành",
            1,
            2,
            "thủ tục có đủ thành phần hồ sơ, thời hạn, phí, căn cứ, trình tự, kết quả / thủ tục",
            complete,
            catalogue["total"],
        ),
        dossiers(
            "1.4",
            "Hồ sơ đồng bộ lên Cổng Dịch vụ công quốc gia",
            1,
            6,
            "hồ sơ có trên hệ thống một cửa của tỉnh / hồ sơ tiếp nhận",
            "synced",
        ),
    ]
    g2 = [
        dossiers(
            "2.1",
            "Hồ sơ giải quyết trước hạn, đúng hạn",
            2,
            20,
            "hồ sơ có kết quả không muộn hơn ngày hẹn trả / hồ sơ có kết quả trong kỳ",
            "on_time",
        )
    ]
    g3 = [
        dossiers(
            "3.3",
            "Hồ sơ nộp trực tuyến toàn trình",
            3,
            12,
            "hồ sơ nộp trực tuyến toàn trình / hồ sơ của thủ tục đủ điều kiện toàn trình",
            "full_online",
        ),
        Indicator(
            "3.5",
            "Thủ tục có phí tích hợp thanh toán trực tuyến",
            3,
            2,
            "thủ tục có phí, nộp được trực tuyến / thủ tục có phí (ngưỡng 80%)",
            catalogue["fee_online"],
            catalogue["with_fee"],
            0.8,
        ),
        Indicator(
            "3.5b",
            "Thủ tục có phí phát sinh thanh toán trực tuyến",
            3,
            2,
            "thủ tục có ít nhất một hồ sơ thanh toán trực tuyến / thủ tục có phí (ngưỡng 80%)",
            fees_paid,
            catalogue["with_fee"],
            0.8,
            "paid_online",
        ),
        dossiers(
            "3.6",
            "Hồ sơ thanh toán trực tuyến",
            3,
            6,
            "hồ sơ thanh toán trực tuyến / hồ sơ có phí, lệ phí",
            "paid_online",
        ),
    ]
    g4 = [
        dossiers(
            "4.1",
            "Hồ sơ có kết quả điện tử",
            4,
            6,
            "hồ sơ có kết quả điện tử / hồ sơ có kết quả",
            "e_result",
        ),
        dossiers(
            "4.2",
            "Hồ sơ được số hoá",
            4,
            4,
            "hồ sơ được số hoá thành phần / hồ sơ tiếp nhận (ngưỡng 80%)",
            "digitized",
            0.8,
        ),
        dossiers(
            "4.2b",
            "Chứng thực bản sao điện tử",
            4,
            2,
            "hồ sơ chứng thực bản sao có bản sao điện tử / hồ sơ chứng thực bản sao có kết quả",
            "e_copy",
        ),
        dossiers(
            "4.3",
            "Tái sử dụng dữ liệu số hoá",
            4,
            2,
            "hồ sơ dùng lại ít nhất một thành phần đã số hoá / hồ sơ tiếp nhận (ngưỡng 80%)",
            "reused",
            0.8,
        ),
        Indicator(
            "4.4",
            "Kết nối kho dữ liệu cá nhân trên Cổng Dịch vụ công quốc gia",
            4,
            4,
            "đánh giá theo hệ thống một cửa của tỉnh (được kết nối): tính đủ điểm khi có hồ sơ "
            "đồng bộ",
            1 if finished else 0,
            1 if finished else 0,
            note="Nền tảng không quan sát được kết nối này; lấy theo hệ thống của tỉnh.",
        ),
        dossiers(
            "4.5",
            "Khai thác dữ liệu dân cư, tài khoản VNeID",
            4,
            4,
            "hồ sơ khai thác dữ liệu dân cư hoặc dùng tài khoản VNeID / hồ sơ tiếp nhận",
            "population_data",
        ),
    ]
    g5 = [
        Indicator(
            "5.2",
            "Phản ánh, kiến nghị về thủ tục được xử lý đúng hạn",
            5,
            6,
            "phản ánh lĩnh vực “Thủ tục hành chính” giải quyết đúng hạn / đã giải quyết",
            pakn_on_time,
            pakn_resolved,
        ),
        Indicator(
            "5.3",
            "Hài lòng với việc xử lý phản ánh, kiến nghị",
            5,
            6,
            "phản ánh lĩnh vực “Thủ tục hành chính” được đánh giá từ 4 sao / được đánh giá",
            pakn_happy,
            pakn_rated,
        ),
        Indicator(
            "5.4",
            "Hài lòng trong tiếp nhận, giải quyết thủ tục",
            5,
            6,
            "1 − (hồ sơ trễ hạn hoặc bị đánh giá không hài lòng) / hồ sơ có kết quả (ngưỡng 90%)",
            finished - late_or_unhappy,
            finished,
            0.9,
            "late_or_unhappy",
        ),
    ]
    groups = [
        Group(number, GROUPS[number][0], GROUPS[number][1], indicators)
        for number, indicators in ((1, g1), (2, g2), (3, g3), (4, g4), (5, g5))
    ]
    return ServiceIndex(unit_ids, start, end, groups)


REQUIRED_PARTS = ("documents", "time_limit", "fee", "legal_basis", "steps", "result")


def _is_complete(data: dict) -> bool:
    return all(data.get(part) for part in REQUIRED_PARTS)

"""Synthetic dossiers (hồ sơ) for ``xaso seed``: three years of a commune's one-stop desk, so that
the dossier list, the monthly statistics, the KPIs and the service-quality index have something
true-to-life to show. Deterministic for a given ``--seed`` and moment ``now``.

What is modelled (the generator's numbers, not measurements of a real ward):

- **Volume**: ``DOSSIERS_PER_RESIDENT`` × residents over three years (≈ 50,000 for the demo
  ward of 30,000), a little more each year, more in the weeks before Tết and almost nothing
  during its days off; the desk works Monday–Friday (``core.calendar``), online dossiers also
  arrive in the evening and at weekends.
- **Procedure mix** (``MIX``): certified copies and signature certification are most of the
  work; then residence (temporary and permanent), civil-status extracts and certificates,
  births, marriages, deaths, household businesses, social allowances, building permits …
- **Channels**: the online share of each procedure that offers it rises over the three years
  (fully online procedures from ≈ 30 % to ≈ 85 %, partly online ones from ≈ 10 % to ≈ 50 %), a
  few dossiers come by post.
- **Resolution**: due times from the procedure's time limit (``due_time_for``); most dossiers
  finish well before, same-day ones within hours; the late share falls from ≈ 5 % to ≈ 1 %;
  some are refused or withdrawn; the newest are still being processed. Late dossiers have
  their apology letter due, and most of the older ones sent.
- **Digitisation**: digitised dossiers, electronic results, reused data, population-data
  look-ups and online payment (online or by QR code at the desk) all rise over the years.
- **Satisfaction**: about two thirds of finished dossiers are rated, mostly "hài lòng"; late
  ones less often.
- **Fees** from the catalogue (certified copies per page), an assumed amount where the
  province sets it (``PROVINCIAL_FEES``).
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from collections.abc import Callable
from itertools import accumulate

from django.db import transaction
from django.utils import timezone

from xaso.core.bulk import db_datetime, write_rows
from xaso.core.calendar import DAY_END, DAY_START, add_working_hours, is_working_day
from xaso.core.choices import Role
from xaso.core.models import Holiday
from xaso.publicservices.choices import (
    Channel,
    DossierResult,
    DossierSource,
    OnlineLevel,
    Satisfaction,
    TimeUnit,
)
from xaso.publicservices.models import Dossier, Procedure
from xaso.publicservices.services.dossier_import import FIELDS
from xaso.publicservices.services.dossiers import due_time_for
from xaso.publicservices.services.rollups import refresh_rollups

YEARS = 3
DOSSIERS_PER_RESIDENT = 5 / 3  # over the three years: 50,000 for 30,000 residents
# Share of the full volume for every commune but the demo ward at larger scales, to keep
# ``xaso seed --scale province`` bounded (measured in docs/benchmarks.md).
OTHER_COMMUNES_SHARE = {"ward": 1.0, "city": 0.5, "province": 0.1}

# Share of all dossiers per procedure (catalogue codes), per mille; others get ``OTHER``.
MIX = {
    "chung-thuc-ban-sao-tu-ban-chinh": 420,
    "chung-thuc-chu-ky": 120,
    "chung-thuc-hop-dong-giao-dich": 35,
    "chung-thuc-di-chuc": 3,
    "chung-thuc-van-ban-tu-choi-nhan-di-san": 2,
    "chung-thuc-van-ban-thoa-thuan-phan-chia-di-san": 8,
    "dang-ky-tam-tru": 70,
    "gia-han-tam-tru": 25,
    "dang-ky-thuong-tru": 40,
    "xoa-dang-ky-thuong-tru": 12,
    "tach-ho": 6,
    "khai-bao-tam-vang": 6,
    "xac-nhan-thong-tin-ve-cu-tru": 30,
    "cap-ban-sao-trich-luc-ho-tich": 40,
    "cap-giay-xac-nhan-tinh-trang-hon-nhan": 30,
    "dang-ky-khai-sinh": 14,
    "lien-thong-khai-sinh-thuong-tru-bhyt": 10,
    "dang-ky-khai-tu": 8,
    "dang-ky-ket-hon": 10,
    "dang-ky-lai-khai-sinh": 2,
    "thay-doi-cai-chinh-ho-tich-xac-dinh-lai-dan-toc": 4,
    "bo-sung-thong-tin-ho-tich": 3,
    "dang-ky-nhan-cha-me-con": 1,
    "dang-ky-thanh-lap-ho-kinh-doanh": 12,
    "dang-ky-thay-doi-noi-dung-ho-kinh-doanh": 6,
    "tam-ngung-tiep-tuc-kinh-doanh-ho-kinh-doanh": 3,
    "cham-dut-hoat-dong-ho-kinh-doanh": 3,
    "tro-cap-xa-hoi-hang-thang": 6,
    "dieu-chinh-thoi-huong-tro-cap-xa-hoi-hang-thang": 3,
    "ho-tro-chi-phi-mai-tang": 3,
    "cap-giay-phep-xay-dung-nha-o-rieng-le": 6,
    "cap-giay-phep-sua-chua-cai-tao-nha-o-rieng-le": 2,
    "dang-ky-cap-giay-chung-nhan-lan-dau": 3,
    "hoa-giai-tranh-chap-dat-dai": 2,
    "tiep-cong-dan": 6,
    "dang-ky-nghia-vu-quan-su-lan-dau": 5,
}
OTHER = 0.6
# An amount for fees the provincial People's Council sets (fee_vnd is None in the catalogue).
PROVINCIAL_FEES = {"ho-kinh-doanh": 100_000, "xay-dung": 75_000, "dat-dai": 100_000}
DEFAULT_PROVINCIAL_FEE = 20_000
# Relative volume per month (January … December) and around Tết (days from the first day).
MONTHLY = [1.15, 0.8, 1.0, 0.97, 0.97, 1.0, 1.05, 1.05, 1.0, 1.0, 1.02, 1.1]
TET = {
    2022: dt.date(2022, 2, 1),
    2023: dt.date(2023, 1, 22),
    2024: dt.date(2024, 2, 10),
    2025: dt.date(2025, 1, 29),
    2026: dt.date(2026, 2, 17),
    2027: dt.date(2027, 2, 6),
    2028: dt.date(2028, 1, 26),
    2029: dt.date(2029, 2, 13),
    2030: dt.date(2030, 2, 3),
}
# Desk hours: arrivals per half hour from 7:30 to 17:00 (the morning is busier).
DESK_SLOTS = [
    2.0,
    3.0,
    3.2,
    3.0,
    2.6,
    2.2,
    1.6,
    1.0,
    0.6,
    1.6,
    2.2,
    2.2,
    2.0,
    1.8,
    1.4,
    1.2,
    0.8,
    0.5,
    0.3,
]
ONLINE_HOURS = [0.2, 0.1, 0.05, 0.05, 0.1, 0.3, 0.8, 1.6, 2.4, 2.6, 2.4, 1.8]
ONLINE_HOURS += [1.2, 1.6, 2.0, 2.0, 1.8, 1.4, 1.2, 1.6, 2.0, 1.8, 1.2, 0.6]
DESK_NAMES = ["Nguyễn Thu Hằng", "Trần Quốc Bảo", "Lê Thị Ngọc", "Đỗ Mạnh Cường", "Vũ Thị Lan"]


def _grow(start: float, end: float, progress: float) -> float:
    return start + (end - start) * progress


def seed_publicservices(*, world, seed: int, say: Callable[[str], None], now=None) -> int:
    """The ``xaso seed`` step of public services (``registry.seeders["30-publicservices"]``)."""
    now = now or timezone.now()
    if not Procedure.objects.exists():  # the catalogue seeder did not run before this one
        from xaso.publicservices.services.catalogue import sync_catalogue

        sync_catalogue(None, note="Danh mục kèm theo phần mềm")
    generator = DossierGenerator(seed, now)
    share = OTHER_COMMUNES_SHARE.get(world.scale, 1.0)
    total = 0
    for index, commune in enumerate(world.communes):
        count = commune.target_residents * DOSSIERS_PER_RESIDENT * (1.0 if index == 0 else share)
        with transaction.atomic():
            total += generator.seed_commune(commune.unit, round(count), users=world.users)
    say(f"  {total:,} hồ sơ thủ tục hành chính".replace(",", "."))
    return total


class DossierGenerator:
    def __init__(self, seed: int, now: dt.datetime, *, first: dt.date | None = None):
        """Dossiers from ``first`` (by default ``YEARS`` years ago) to ``now``."""
        self.rng = random.Random(seed * 7_919 + 30)
        self.now = now
        self.tz = timezone.get_default_timezone()
        today = timezone.localtime(now, self.tz).date()
        if first is None:
            try:
                first = today.replace(year=today.year - YEARS)
            except ValueError:  # 29 February
                first = today.replace(year=today.year - YEARS, day=28)
        self.days = [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]
        self.holidays = set(Holiday.objects.values_list("date", flat=True))
        self.procedures = list(
            Procedure.objects.filter(active=True)
            .only(
                "id",
                "code",
                "field_code",
                "online_level",
                "fee_vnd",
                "has_fee",
                "time_limit_value",
                "time_limit_unit",
                "data",
            )
            .order_by("code")
        )
        if not self.procedures:
            raise ValueError("Chưa có danh mục thủ tục hành chính để sinh hồ sơ.")
        weights = [MIX.get(p.code, OTHER) for p in self.procedures]
        self.cumulative = list(accumulate(weights))
        online = [
            w if p.online_level != OnlineLevel.NONE else 0
            for p, w in zip(self.procedures, weights, strict=True)
        ]
        self.online_cumulative = list(accumulate(online))
        self.desk_slots = list(accumulate(DESK_SLOTS))
        self.online_hours = list(accumulate(ONLINE_HOURS))
        # Expected share of the volume per day: non-working days only get online dossiers.
        self.day_weights = [
            self._day_weight(day, n)
            * (1.0 if is_working_day(day, self.holidays) else self._off_day_share(n))
            for n, day in enumerate(self.days)
        ]

    # --- when

    def _day_weight(self, day: dt.date, n: int) -> float:
        """Relative volume of a day: month, growth over the years, Tết, working day or not."""
        weight = MONTHLY[day.month - 1] * (0.9 + 0.2 * n / len(self.days))
        tet = TET.get(day.year) if day.month < 4 else None
        if tet is None and day.month == 12:
            tet = TET.get(day.year + 1)
        if tet is not None:
            offset = (day - tet).days
            if -21 <= offset <= -1:
                weight *= 1.35  # papers sorted out before the holiday
            elif 0 <= offset <= 6:
                weight *= 0.15
        return weight

    def _off_day_share(self, n: int) -> float:
        """A weekend or holiday's volume against a working day's: online dossiers only."""
        return 0.35 * _grow(0.15, 0.5, self._progress(n))

    def _progress(self, n: int) -> float:
        return n / max(1, len(self.days) - 1)

    def _pick(self, cumulative: list[float]) -> Procedure:
        return self.procedures[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def _slot(self, cumulative: list[float], length_minutes: int, start: dt.time, day):
        index = bisect(cumulative, self.rng.random() * cumulative[-1])
        minutes = index * length_minutes + self.rng.randrange(length_minutes)
        base = dt.datetime.combine(day, start, tzinfo=self.tz)
        return base + dt.timedelta(minutes=minutes, seconds=self.rng.randrange(60))

    # --- what

    def _online_probability(self, procedure: Procedure, progress: float) -> float:
        if procedure.online_level == OnlineLevel.FULL:
            return _grow(0.30, 0.85, progress)
        if procedure.online_level == OnlineLevel.PARTIAL:
            if procedure.field_code == "chung-thuc":  # the original must be shown
                return _grow(0.03, 0.2, progress)
            return _grow(0.10, 0.50, progress)
        return 0.0

    def _fee(self, procedure: Procedure) -> int:
        if not (procedure.has_fee or procedure.fee_vnd):
            return 0
        if procedure.code.startswith("chung-thuc-ban-sao"):
            pages = self.rng.choice((1, 1, 2, 2, 2, 3, 4, 6, 10))
            copies = self.rng.choice((1, 1, 1, 2, 2, 3))
            per_copy = 2_000 * min(pages, 2) + 1_000 * max(0, pages - 2)
            return copies * min(per_copy, 200_000)
        if procedure.fee_vnd:
            return procedure.fee_vnd
        return PROVINCIAL_FEES.get(procedure.field_code, DEFAULT_PROVINCIAL_FEE)

    # --- one commune

    def seed_commune(self, unit, count: int, *, users: dict) -> int:
        """Generate ``count`` dossiers (about) for ``unit``, write them and its rollup."""
        rng = self.rng
        officials = [
            u
            for u in users.values()
            if u.unit_id == unit.id and u.role in (Role.COMMUNE_OFFICIAL, Role.DEPARTMENT_STAFF)
        ][:2]
        desk = [(u.pk, u.display_name) for u in officials] + [(None, n) for n in DESK_NAMES]
        scale = count / sum(self.day_weights)
        columns = ["unit_id", "code", *FIELDS, "source", "created_at", "updated_at"]
        rows = []
        adapt = lambda value: None if value is None else db_datetime(Dossier, value)  # noqa: E731
        for n, day in enumerate(self.days):
            expected = self.day_weights[n] * scale
            working = is_working_day(day, self.holidays)
            progress = self._progress(n)
            number = int(expected) + (rng.random() < expected - int(expected))
            sequence = 0
            for _ in range(number):
                procedure = self._pick(self.cumulative if working else self.online_cumulative)
                if working:
                    online = rng.random() < self._online_probability(procedure, progress)
                    channel = (
                        Channel.ONLINE
                        if online
                        else (Channel.POST if rng.random() < 0.015 else Channel.IN_PERSON)
                    )
                else:
                    channel = Channel.ONLINE
                if channel == Channel.ONLINE:
                    received = self._slot(self.online_hours, 60, dt.time(0), day)
                else:
                    received = self._slot(self.desk_slots, 30, DAY_START, day)
                if received > self.now:
                    continue
                sequence += 1
                code = f"{unit.code}-{day:%y%m%d}-{sequence:04d}"
                row = self._dossier(procedure, channel, received, progress, desk)
                rows.append(
                    (
                        unit.id,
                        code,
                        procedure.pk,
                        adapt(received),
                        channel,
                        row["online_level"],
                        adapt(row["due_at"]),
                        adapt(row["finished_at"]),
                        row["result"],
                        row["satisfaction"],
                        row["fee_vnd"],
                        row["paid_online"],
                        row["digitized"],
                        row["e_result"],
                        row["reused_data"],
                        row["used_population_data"],
                        row["official_id"],
                        row["official_name"],
                        row["apology_due"],
                        adapt(row["apology_sent_at"]),
                        row["source"],
                        adapt(received),
                        adapt(row["finished_at"] or received),
                    )
                )
        write_rows(Dossier, columns, rows)
        refresh_rollups([unit.id])
        return len(rows)

    def _dossier(self, procedure, channel, received, progress, desk) -> dict:
        rng, now = self.rng, self.now
        online = channel == Channel.ONLINE
        due = due_time_for(procedure, received, holidays=self.holidays)
        late = rng.random() < _grow(0.05, 0.01, progress)
        withdrawn = rng.random() < 0.004
        if late and not withdrawn:
            finished = add_working_hours(
                due, rng.uniform(0.5, 3.0) * rng.choice((1, 1, 3, 9.5)), self.holidays
            )
        else:
            finished = self._before(procedure, received, due)
        result = (
            DossierResult.WITHDRAWN
            if withdrawn
            else (DossierResult.REFUSED if rng.random() < 0.012 else DossierResult.APPROVED)
        )
        if finished > now:
            finished, result = None, DossierResult.PENDING
        is_late = (
            finished is not None and finished > due and result != DossierResult.WITHDRAWN
        ) or (finished is None and due < now)
        sent = None
        if is_late and finished is not None:
            answered = finished + dt.timedelta(hours=rng.uniform(4, 72))
            if answered < now and rng.random() < (
                0.95 if now - finished > dt.timedelta(days=7) else 0.4
            ):
                sent = answered
        fee = self._fee(procedure)
        paid = bool(fee) and rng.random() < (
            _grow(0.55, 0.92, progress) if online else _grow(0.03, 0.35, progress)
        )
        satisfaction = ""
        if (
            finished is not None
            and result != DossierResult.WITHDRAWN
            and rng.random() < _grow(0.55, 0.75, progress)
        ):
            draw = rng.random()
            if is_late:
                satisfaction = (
                    Satisfaction.SATISFIED
                    if draw < 0.55
                    else (Satisfaction.NEUTRAL if draw < 0.82 else Satisfaction.DISSATISFIED)
                )
            else:
                satisfaction = (
                    Satisfaction.SATISFIED
                    if draw < 0.93
                    else (Satisfaction.NEUTRAL if draw < 0.99 else Satisfaction.DISSATISFIED)
                )
        official_id, official_name = desk[min(len(desk) - 1, int(rng.random() ** 1.6 * len(desk)))]
        return {
            "online_level": (
                procedure.online_level
                if online and procedure.online_level != OnlineLevel.NONE
                else OnlineLevel.NONE
            ),
            "due_at": due,
            "finished_at": finished,
            "result": result,
            "satisfaction": satisfaction,
            "fee_vnd": fee,
            "paid_online": paid,
            "digitized": rng.random() < (0.97 if online else _grow(0.40, 0.90, progress)),
            "e_result": finished is not None
            and result == DossierResult.APPROVED
            and rng.random() < _grow(0.30, 0.88, progress),
            "reused_data": rng.random() < _grow(0.08, 0.45, progress),
            "used_population_data": rng.random()
            < (_grow(0.6, 0.97, progress) if online else _grow(0.25, 0.8, progress)),
            "official_id": official_id,
            "official_name": official_name,
            "apology_due": is_late,
            "apology_sent_at": sent,
            "source": DossierSource.IMPORT if rng.random() < 0.97 else DossierSource.DESK,
        }

    def _before(self, procedure: Procedure, received: dt.datetime, due: dt.datetime) -> dt.datetime:
        """A moment of working time between receipt and the due time: same-day dossiers within
        hours, others after a share of the time limit."""
        rng = self.rng
        data = procedure.data or {}
        start = received
        local = timezone.localtime(received, self.tz)
        if not is_working_day(local.date(), self.holidays) or local.time() >= DAY_END:
            start = add_working_hours(received, 0, self.holidays)
        if data.get("time_limit", {}).get("same_day"):
            hours = rng.uniform(0.2, 3.0)
        elif procedure.time_limit_unit == TimeUnit.DAYS:
            hours = float(procedure.time_limit_value) * 5 / 7 * 9.5 * rng.uniform(0.2, 0.8)
        else:
            unit_hours = 1 if procedure.time_limit_unit == TimeUnit.HOURS else 9.5
            hours = float(procedure.time_limit_value) * unit_hours * (rng.random() ** 0.7) * 0.95
        finished = add_working_hours(start, max(0.1, hours), self.holidays)
        if finished > due:
            finished = max(received, due - dt.timedelta(minutes=rng.randrange(5, 90)))
        return finished

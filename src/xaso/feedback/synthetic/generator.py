"""How the synthetic feedback is made: arrivals drawn from the patterns, a place in a
residential group, a description, a channel and contact, then the report's whole life as
timeline steps, cut at ``now``; everything written in bulk. See the package docstring."""

from __future__ import annotations

import datetime as dt
import math
import random
import secrets
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate
from operator import attrgetter

from django.db import connections, models, router, transaction
from django.utils import timezone

from xaso.core.bulk import refresh_statistics, reserve_ids, write_rows
from xaso.core.calendar import DAY_END, DAY_START, add_working_hours, is_working_day
from xaso.core.choices import Role
from xaso.core.crypto import blind_index
from xaso.core.models import Counter, Holiday
from xaso.core.text import fold
from xaso.feedback.choices import Channel, EventKind, ReportStatus
from xaso.feedback.models import Category, Report, ReportEvent
from xaso.feedback.services import install_default_categories
from xaso.feedback.synthetic import text
from xaso.feedback.synthetic.patterns import (
    CONTACT,
    HOT_GROUPS,
    HOT_SPOTS,
    HOURS,
    HOURS_DAY,
    MIX,
    MONTHLY,
    OTHER_COMMUNES_SHARE,
    P_DUPLICATE,
    P_PARKED,
    P_PARKED_DEFAULT,
    P_RATED,
    P_REJECT,
    P_REJECT_DEFAULT,
    P_REOPEN,
    P_STUCK,
    P_STUCK_DEFAULT,
    PARKED_HOURS,
    REPORTS_PER_RESIDENT,
    RESOLVE_MEDIAN_END,
    RESOLVE_MEDIAN_START,
    RESOLVE_SIGMA,
    ROUND_THE_CLOCK,
    STORM_DECAY,
    STORM_EFFECT,
    TET_EFFECT,
    TRIAGE_MEDIAN_END,
    TRIAGE_MEDIAN_START,
    WEEKDAY,
    WEEKDAY_OFFICE,
    YAGI,
    YEARS,
    days_from_tet,
)

S = ReportStatus


def seed_feedback(*, world, seed: int, say: Callable[[str], None], now=None) -> None:
    """The ``xaso seed`` step of the feedback app (``registry.seeders["20-feedback"]``)."""
    now = now or timezone.now()
    generator = FeedbackGenerator(seed, now)
    share = OTHER_COMMUNES_SHARE.get(world.scale, 1.0)
    total = 0
    for index, commune in enumerate(world.communes):
        count = commune.target_residents * REPORTS_PER_RESIDENT * (1.0 if index == 0 else share)
        with transaction.atomic():
            total += generator.seed_commune(commune, round(count), users=world.users)
    refresh_statistics(Report, ReportEvent)  # PostgreSQL plans the KPI queries on fresh counts
    say(f"  {total:,} phản ánh kiến nghị".replace(",", "."))


@dataclass
class _Spot:
    latitude: float
    longitude: float
    street: str
    place: int  # index into text.PLACES
    number: int


@dataclass
class _Cell:
    """A residential group's rectangle, its streets and its recurring hot spots."""

    group: object
    south: float
    west: float
    north: float
    east: float
    streets: list[str]
    spots: dict[str, list[_Spot]] = field(default_factory=dict)


@dataclass
class _Step:
    at: dt.datetime
    kind: str
    status: str  # after the step
    actor: str  # "filer" | "triage" | "department" | "citizen" | "system"
    note: str = ""
    public: bool = True
    department: bool = False  # the event names the handling department


# Steps that do not move the report to another status.
NEUTRAL = (EventKind.ESCALATED, EventKind.RATED)


class FeedbackGenerator:
    def __init__(self, seed: int, now: dt.datetime):
        self.rng = random.Random(seed * 104_729 + 20)
        self.now = now
        self.tz = timezone.get_default_timezone()
        today = timezone.localtime(now, self.tz).date()
        try:
            first = today.replace(year=today.year - YEARS)
        except ValueError:  # 29 February
            first = today.replace(year=today.year - YEARS, day=28)
        self.days = [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]
        self.holidays = set(Holiday.objects.values_list("date", flat=True))
        self.storm = self._storm_levels()
        self.sequence: dict[int, int] = {}
        self.hours = {code: list(accumulate(HOURS.get(code, HOURS_DAY))) for code in MIX}
        self.base = {code: [self._volume(code, n) for n in range(len(self.days))] for code in MIX}

    # --- when

    def _storm_levels(self) -> list[float]:
        """Per day: how stormy it is (decaying over the days after each storm)."""
        rng = self.rng
        storms = []
        for year in sorted({d.year for d in self.days}):
            storms.append(
                (dt.date(year, 5, 1) + dt.timedelta(rng.randrange(31)), rng.uniform(0.6, 1.4))
            )
            for _ in range(rng.randint(4, 7)):
                day = dt.date(year, 6, 1) + dt.timedelta(rng.randrange(137))  # June – mid-October
                storms.append((day, rng.uniform(0.8, 2.5)))
        storms.append(YAGI)
        index = {day: n for n, day in enumerate(self.days)}
        levels = [0.0] * len(self.days)
        for day, strength in storms:
            for after in range(4):
                n = index.get(day + dt.timedelta(after))
                if n is not None:
                    levels[n] += strength * STORM_DECAY**after
        return levels

    def _volume(self, code: str, n: int) -> float:
        day = self.days[n]
        progress = n / max(1, len(self.days) - 1)
        value = MIX[code] * (0.75 + 0.5 * progress)
        value *= MONTHLY.get(code, [1.0] * 12)[day.month - 1]
        value *= (WEEKDAY_OFFICE if code == "thu-tuc" else WEEKDAY)[day.weekday()]
        value *= 1 + STORM_EFFECT.get(code, 0.0) * self.storm[n]
        from_tet = days_from_tet(day)
        for first, last, factor in TET_EFFECT.get(code, TET_EFFECT["*"]):
            if first <= from_tet <= last:
                value *= factor
        return value

    def _moment(self, n: int, code: str) -> dt.datetime:
        rng = self.rng
        hour = bisect(self.hours[code], rng.random() * self.hours[code][-1])
        moment = dt.datetime.combine(
            self.days[n],
            dt.time(min(hour, 23), rng.randrange(60), rng.randrange(60)),
            tzinfo=self.tz,
        )
        if moment > self.now:  # today, later than now: earlier today instead
            midnight = dt.datetime.combine(self.days[n], dt.time(0), tzinfo=self.tz)
            moment = midnight + (self.now - midnight) * rng.random()
        return moment

    def _working_time(self, moment: dt.datetime) -> bool:
        local = timezone.localtime(moment, self.tz)
        return is_working_day(local.date(), self.holidays) and DAY_START <= local.time() < DAY_END

    def _after(self, start: dt.datetime, hours: float) -> dt.datetime:
        return add_working_hours(start, hours, self.holidays)

    # --- where

    def _cells(self, commune) -> list[_Cell]:
        """The groups' cells: the bounding boxes of their boundaries, which for synthetic
        communes are the rectangles of ``core.seed.group_boundary``."""
        cells = []
        for index, group in enumerate(commune.groups):
            ring = (group.boundary or {}).get("coordinates", [[]])[0]
            if not ring:
                continue
            lons, lats = [p[0] for p in ring], [p[1] for p in ring]
            streets = [text.STREETS[(index * 3 + k * 5) % len(text.STREETS)] for k in range(3)]
            cells.append(_Cell(group, min(lats), min(lons), max(lats), max(lons), streets))
        for cell in cells:
            for code in HOT_SPOTS:
                cell.spots[code] = [self._spot(cell, margin=0.15) for _ in range(2)]
        return cells

    def _point(self, cell: _Cell, margin: float) -> tuple[float, float]:
        rng = self.rng
        height, width = cell.north - cell.south, cell.east - cell.west
        latitude = cell.south + height * (margin + (1 - 2 * margin) * rng.random())
        longitude = cell.west + width * (margin + (1 - 2 * margin) * rng.random())
        return round(latitude, 6), round(longitude, 6)

    def _spot(self, cell: _Cell, margin: float) -> _Spot:
        latitude, longitude = self._point(cell, margin)
        rng = self.rng
        return _Spot(
            latitude,
            longitude,
            rng.choice(cell.streets),
            rng.randrange(len(text.PLACES)),
            rng.randint(2, 250),
        )

    def _near(self, cell: _Cell, spot: _Spot) -> tuple[float, float]:
        """A point within ~15 m of a spot, still well inside the group."""
        rng = self.rng
        pad_lat, pad_lon = (cell.north - cell.south) * 0.03, (cell.east - cell.west) * 0.03
        latitude = min(
            max(spot.latitude + rng.uniform(-1.5e-4, 1.5e-4), cell.south + pad_lat),
            cell.north - pad_lat,
        )
        longitude = min(
            max(spot.longitude + rng.uniform(-1.5e-4, 1.5e-4), cell.west + pad_lon),
            cell.east - pad_lon,
        )
        return round(latitude, 6), round(longitude, 6)

    # --- one commune

    def seed_commune(self, commune, count: int, *, users: dict) -> int:
        """Generate and insert ``count`` reports (with their timelines) for one commune."""
        rng = self.rng
        unit = commune.unit
        install_default_categories(None, unit=unit)
        categories = {
            c.code: c for c in Category.objects.filter(unit=unit).select_related("department")
        }
        codes = [code for code in MIX if code in categories]
        cells = self._cells(commune)
        if not codes or not cells or count <= 0:
            return 0
        level = unit.division_type or "xã"
        actors = _Actors(unit, users)
        # Communes differ a little (one has more building sites, another more stalls), and a
        # few groups are hot for some categories (low-lying lanes, collection points).
        flavour = {code: rng.uniform(0.75, 1.3) for code in codes}
        group_weight = [rng.uniform(0.6, 1.5) for _ in cells]
        places = {}
        for code in codes:
            factor = HOT_GROUPS.get(code, 1.0)
            chosen = set(rng.sample(range(len(cells)), max(1, len(cells) // 7)))
            weights = [w * (factor if i in chosen else 1.0) for i, w in enumerate(group_weight)]
            places[code] = list(accumulate(weights))
        office = len(cells) // 2  # the commune's office, where procedures are complained about

        width = len(codes)
        cum = list(
            accumulate(
                self.base[code][n] * flavour[code] for n in range(len(self.days)) for code in codes
            )
        )
        arrivals = sorted(
            (self._moment(draw // width, codes[draw % width]), draw % width, draw // width)
            for draw in rng.choices(range(len(cum)), cum_weights=cum, k=count)
        )

        reports: list[Report] = []
        plans: list[list[_Step]] = []
        duplicate_of: dict[int, int] = {}
        recent: dict[tuple[str, int], tuple[dt.datetime, int]] = {}  # last original per place
        last_day = max(1, len(self.days) - 1)
        for created, code_index, n in arrivals:
            code = codes[code_index]
            category = categories[code]
            progress = n / last_day
            if code == "thu-tuc":
                where = office
            else:
                where = min(bisect(places[code], rng.random() * places[code][-1]), len(cells) - 1)
            cell = cells[where]
            original = recent.get((code, where))
            if not (
                original is not None
                and created - original[0] < dt.timedelta(days=3)
                and rng.random() < P_DUPLICATE * (1.5 if self.storm[n] > 0.5 else 1.0)
            ):
                original = None
            report = self._report(unit, category, cell, created, n, level, code == "thu-tuc")
            if original is not None:  # another resident, the same place
                source = reports[original[1]]
                report.latitude, report.longitude = self._near(
                    cell, _Spot(source.latitude, source.longitude, "", 0, 0)
                )
                report.address = source.address
            report.channel = self._channel(created, code, progress)
            self._contact(report, report.channel)
            report.filed_by_id = actors.filer_id(report.channel, cell.group)
            plan, fate, extras = self._plan(report, category, created, progress, level, original)
            _apply(report, plan, self.now, extras)
            if report.status == S.DUPLICATE:
                duplicate_of[len(reports)] = original[1]
            elif fate == "normal":
                recent[(code, where)] = (created, len(reports))
            reports.append(report)
            plans.append(plan)
        self._insert(reports, plans, duplicate_of, actors)
        self.save_counters()  # in the commune's transaction, with its codes
        return len(reports)

    def _insert(self, reports, plans, duplicate_of: dict[int, int], actors: _Actors) -> None:
        """Number the reports, give them keys, link duplicates and write reports and events."""
        for report in reports:
            year = timezone.localtime(report.created_at, self.tz).year
            report.code = f"PA-{year}-{self._next(year):06d}"
        for report, report_id in zip(reports, reserve_ids(Report, len(reports)), strict=True):
            report.pk = report_id
        for index, into in duplicate_of.items():
            reports[index].duplicate_of_id = reports[into].pk
            note = (
                f"Trùng với phản ánh {reports[into].code}; kết quả xử lý sẽ được cập nhật ở "
                "phản ánh đó."
            )
            for step in plans[index]:
                if step.kind == EventKind.MERGED:
                    step.note = note
        _write(Report, reports)
        events = []
        for report, plan in zip(reports, plans, strict=True):
            before = ""
            for step in plan:
                if step.at > self.now:
                    break
                after = before if step.kind in NEUTRAL else step.status
                actor_id, label = actors.of(step.actor, report)
                events.append(
                    _EventRow(
                        id=0,
                        report_id=report.pk,
                        kind=step.kind,
                        at=step.at,
                        actor_id=actor_id,
                        actor_label=label,
                        from_status=before,
                        to_status=after,
                        department_id=report.department_id if step.department else None,
                        note=step.note,
                        public=step.public,
                    )
                )
                before = after
        for event, event_id in zip(events, reserve_ids(ReportEvent, len(events)), strict=True):
            event.id = event_id
        _write(ReportEvent, events)

    def _next(self, year: int) -> int:
        if year not in self.sequence:
            stored = Counter.objects.filter(key=_counter_key(year)).values_list("value", flat=True)
            self.sequence[year] = stored.first() or 0
        self.sequence[year] += 1
        return self.sequence[year]

    def save_counters(self) -> None:
        """New reports continue the numbering after the seeded codes."""
        for year, value in sorted(self.sequence.items()):
            Counter.objects.update_or_create(key=_counter_key(year), defaults={"value": value})

    # --- one report

    def _report(self, unit, category, cell: _Cell, created, n: int, level: str, at_office: bool):
        rng = self.rng
        code = category.code
        variants = text.DESCRIPTIONS[code]
        from_tet = days_from_tet(self.days[n])
        if "storm" in variants and self.storm[n] > 0.5 and rng.random() < 0.8:
            variant = "storm"
        elif "tet" in variants and -20 <= from_tet <= 10 and rng.random() < 0.6:
            variant = "tet"
        else:
            variant = "usual"
        if at_office:
            latitude = round((cell.south + cell.north) / 2 + rng.uniform(-2e-5, 2e-5), 6)
            longitude = round((cell.west + cell.east) / 2 + rng.uniform(-2e-5, 2e-5), 6)
            where, address = f"tại trụ sở UBND {level}", f"Trụ sở UBND {unit.name}"
        else:
            spots = cell.spots.get(code)
            if spots and rng.random() < HOT_SPOTS[code]:
                spot = rng.choice(spots)
                latitude, longitude = self._near(cell, spot)
            else:
                latitude, longitude = self._point(cell, margin=0.03)
                spot = _Spot(
                    latitude,
                    longitude,
                    rng.choice(cell.streets),
                    rng.randrange(len(text.PLACES)),
                    rng.randint(2, 250),
                )
            say, written = text.PLACES[spot.place]
            where = f"{say.format(n=spot.number)} {spot.street}"
            address = f"{written.format(n=spot.number)} {spot.street}"
        attributes, depth = {}, 0
        if code == "thoat-nuoc":
            if variant == "storm":
                level_key = rng.choices(["duoi-20cm", "20-50cm", "tren-50cm"], [3, 4, 2])[0]
            else:
                level_key = rng.choice(["khong-ngap", "khong-ngap", "duoi-20cm"])
            depth = {"duoi-20cm": rng.randint(10, 19), "20-50cm": rng.randint(20, 50)}.get(
                level_key, rng.randint(55, 80)
            )
            attributes["muc-ngap"] = level_key
        elif code == "den-chieu-sang" and rng.random() < 0.25:
            attributes["so-cot-den"] = f"{cell.group.code}-{rng.randint(1, 40):02d}"
        description = rng.choice(variants[variant]).format(
            where=where,
            since=rng.choice(text.SINCE),
            days=rng.randint(2, 7),
            storm=rng.choice(text.STORM_WHEN),
            tree=rng.choice(text.TREES),
            procedure=rng.choice(text.PROCEDURES),
            depth=depth,
            hour=rng.choice(["11", "12", "1", "2"]),
        ) + rng.choice(text.CLOSINGS).format(level=level)
        return Report(
            unit=unit,
            group=cell.group,
            category=category,
            status=S.NEW,
            description=description,
            attributes=attributes,
            address=address,
            latitude=latitude,
            longitude=longitude,
            department=category.department,
            created_at=created,
            updated_at=created,
            access_key=secrets.token_urlsafe(16),
        )

    def _channel(self, created: dt.datetime, code: str, progress: float) -> str:
        hour = timezone.localtime(created, self.tz).hour
        weights = {
            Channel.WEB: 0.33 + 0.22 * progress,
            Channel.HOTLINE: 0.30 - 0.16 * progress,
            Channel.GROUP: 0.16,
            Channel.KIOSK: (0.3 if code == "thu-tuc" else 0.1) * self._working_time(created),
            Channel.OPEN311: 0.02 + 0.06 * progress,
        }
        if hour < 6 or hour >= 22:
            weights[Channel.HOTLINE] *= 0.4
            weights[Channel.GROUP] *= 0.2
        return self.rng.choices(list(weights), list(weights.values()))[0]

    def _contact(self, report: Report, channel: str) -> None:
        rng = self.rng
        name_share, phone_share, email_share = CONTACT[channel]
        family, given = rng.choice(text.FAMILY), rng.choice(text.GIVEN)
        if rng.random() < name_share:
            report.reporter_name = f"{family} {rng.choice(text.MIDDLE)} {given}"
        if rng.random() < phone_share:
            phone = rng.choice(text.PHONE_PREFIXES) + f"{rng.randrange(10_000_000):07d}"
            report.reporter_phone, report.reporter_phone_hash = phone, blind_index(phone)
        if rng.random() < email_share:
            local = f"{fold(given)}.{fold(family)}{rng.randint(10, 99)}".replace(" ", "")
            report.reporter_email = f"{local}@example.com"

    def _plan(self, report, category, created, progress, level, original):
        """Every step the report will go through, in time order (the later ones may lie after
        ``now``), its fate ("duplicate", "rejected" or "normal") and what the report's fields
        take from steps that happen (the new due time after a reopen, the rating). Sets
        ``due_at``."""
        rng = self.rng
        code, sla = category.code, category.sla_hours
        triage = _geometric(TRIAGE_MEDIAN_START, TRIAGE_MEDIAN_END, progress)
        triage *= rng.lognormvariate(0, 0.8)
        report.due_at = self._after(created, sla)
        plan = [_Step(created, EventKind.SUBMITTED, S.NEW, "filer")]
        if original is not None:
            merged = self._after(created, triage)
            plan.append(_Step(merged, EventKind.MERGED, S.DUPLICATE, "triage"))
            self._escalate(plan, report.due_at, merged, report.department)
            return sorted(plan, key=_when), "duplicate", {}
        if rng.random() < P_REJECT.get(code, P_REJECT_DEFAULT):
            if rng.random() < 0.3:
                accepted = self._after(created, triage * 0.6)
                plan.append(_Step(accepted, EventKind.ACCEPTED, S.ACCEPTED, "triage"))
            rejected = self._after(created, triage + rng.uniform(0.1, 2.0))
            reason = rng.choice(text.REJECTIONS).format(level=level)
            plan.append(_Step(rejected, EventKind.REJECTED, S.REJECTED, "triage", reason))
            self._escalate(plan, report.due_at, rejected, report.department)
            return sorted(plan, key=_when), "rejected", {}

        work = _geometric(RESOLVE_MEDIAN_START, RESOLVE_MEDIAN_END, progress) * (sla / 16) ** 0.9
        work *= rng.lognormvariate(0, RESOLVE_SIGMA)
        parked = rng.random() < P_PARKED.get(code, P_PARKED_DEFAULT)
        if parked:
            work = rng.uniform(*PARKED_HOURS)
        elif rng.random() < P_STUCK.get(code, P_STUCK_DEFAULT):
            work *= rng.uniform(4, 15)
        clock = _wall_clock if code in ROUND_THE_CLOCK and not parked else self._after
        accept = min(triage, 0.3 * work)
        assign = accept + min(rng.uniform(0.02, 0.25), 0.1 * work)
        start = assign + (work - assign) * rng.uniform(0.05, 0.5)
        resolved = clock(created, work)
        answer = rng.choice(text.ANSWERS[code]).format(
            level=level, date=f"{timezone.localtime(resolved, self.tz):%d/%m/%Y}"
        )
        plan += [
            _Step(clock(created, accept), EventKind.ACCEPTED, S.ACCEPTED, "triage"),
            _Step(clock(created, assign), EventKind.ASSIGNED, S.ASSIGNED, "triage"),
            _Step(clock(created, start), EventKind.STARTED, S.IN_PROGRESS, "department"),
            _Step(resolved, EventKind.RESOLVED, S.RESOLVED, "department", answer),
        ]
        plan[2].department = plan[3].department = plan[4].department = True
        self._escalate(plan, report.due_at, resolved, report.department)
        extras: dict = {}
        final, due, reopened = resolved, report.due_at, rng.random() < P_REOPEN
        if reopened:
            again = resolved + dt.timedelta(hours=rng.uniform(3, 120))  # within the 7 days
            due = extras["due_after_reopen"] = self._after(again, sla)
            redo = max(0.5, min(work, 40) * rng.uniform(0.3, 1.0))
            final = clock(again, redo)
            reason, answer = rng.choice(text.REOPEN_REASONS), rng.choice(text.SECOND_ANSWER)
            restart = clock(again, redo * 0.3)
            plan += [
                _Step(again, EventKind.REOPENED, S.ASSIGNED, "citizen", reason),
                _Step(restart, EventKind.STARTED, S.IN_PROGRESS, "department", department=True),
                _Step(final, EventKind.RESOLVED, S.RESOLVED, "department", answer, department=True),
            ]
            self._escalate(plan, due, final, report.department)
        if rng.random() < P_RATED:
            rating = _rating(rng, late=final > due, reopened=reopened)
            rated = final + dt.timedelta(hours=rng.lognormvariate(math.log(6), 1.0))
            comments = text.GOOD_COMMENTS if rating >= 4 else text.BAD_COMMENTS
            comment = rng.choice(comments).format(level=level) if rng.random() < 0.35 else ""
            plan.append(_Step(rated, EventKind.RATED, S.RESOLVED, "citizen", f"{rating}/5"))
            extras["rating"] = (rating, comment)
        return sorted(plan, key=_when), "normal", extras

    def _escalate(self, plan, due, end, department) -> None:
        """The scheduler flags a report a few minutes after its due time if it is still open
        then (``services.escalate_overdue_reports``)."""
        flagged = due + dt.timedelta(minutes=self.rng.uniform(1, 10))
        if flagged < end and flagged <= self.now:
            hours = (flagged - due).total_seconds() / 3600
            holder = department.name if department else "bộ phận tiếp nhận"
            note = f"Quá hạn {hours:.0f} giờ; đang do {holder} xử lý."
            plan.append(_Step(flagged, EventKind.ESCALATED, "", "system", note, public=False))


def _apply(report: Report, plan: list[_Step], now: dt.datetime, extras: dict) -> None:
    """Set the report's status and timestamps from the steps that happened by ``now``."""
    happened = [step for step in plan if step.at <= now]
    for step in happened:
        kind = step.kind
        if kind not in NEUTRAL:
            report.status = step.status
        if kind == EventKind.ACCEPTED and report.accepted_at is None:
            report.accepted_at = step.at
        elif kind == EventKind.ASSIGNED and report.assigned_at is None:
            report.assigned_at = step.at
        elif kind == EventKind.RESOLVED:
            report.answer = step.note
            report.resolved_at = report.closed_at = step.at
        elif kind in (EventKind.REJECTED, EventKind.MERGED):
            report.closed_at = step.at
            if kind == EventKind.REJECTED:
                report.rejection_reason = step.note
        elif kind == EventKind.REOPENED:
            report.reopen_count += 1
            report.resolved_at = report.closed_at = report.escalated_at = None
            report.due_at = extras["due_after_reopen"]
        elif kind == EventKind.ESCALATED:
            report.escalated_at = step.at
        elif kind == EventKind.RATED:
            report.rating, report.rating_comment = extras["rating"]
            report.rated_at = step.at
        report.updated_at = step.at


@dataclass(slots=True)
class _EventRow:
    """The columns of one ``ReportEvent``, read by attribute name in ``_write``: a slotted row
    instead of a model instance is a third of the ward's seed time less (110,000 events)."""

    id: int
    report_id: int
    kind: str
    at: dt.datetime
    actor_id: int | None
    actor_label: str
    from_status: str
    to_status: str
    department_id: int | None
    note: str
    public: bool


class _Actors:
    """Who appears on a commune's timelines: the demo users where the commune has them (the
    demo ward: ``canbo`` triages, ``phongkt`` works for the economic department, group leaders
    file for residents), otherwise labels without a user."""

    def __init__(self, unit, users: dict):
        mine = [u for u in users.values() if u.unit_id == unit.id]
        official = next((u for u in mine if u.role == Role.COMMUNE_OFFICIAL), None)
        self.official = (official.pk, official.display_name) if official else None
        self.staff = {
            u.department_id: (u.pk, u.display_name)
            for u in mine
            if u.role == Role.DEPARTMENT_STAFF and u.department_id
        }
        self.labels: dict[int, str] = {u.pk: u.display_name for u in mine}

    def filer_id(self, channel: str, group) -> int | None:
        if channel == Channel.GROUP and group.leader_id in self.labels:
            return group.leader_id
        if channel == Channel.HOTLINE and self.official:
            return self.official[0]
        return None

    def of(self, role: str, report: Report) -> tuple[int | None, str]:
        if role == "filer":
            filer = report.filed_by_id
            return (filer, self.labels[filer]) if filer else (None, "Người dân")
        if role == "triage":
            return self.official or (None, "Cán bộ tiếp nhận")
        if role == "department":
            department = report.department
            fallback = (None, department.name[:150] if department else "Bộ phận xử lý")
            return self.staff.get(report.department_id, fallback)
        if role == "system":
            return None, "Hệ thống"
        return None, "Người dân"


# Fields whose Python value the database drivers take as it is (exact types: a subclass such
# as EncryptedTextField prepares its value).
_PLAIN = {
    models.AutoField,
    models.BigAutoField,
    models.BooleanField,
    models.CharField,
    models.FloatField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SlugField,
    models.TextField,
}


def _write(model, objects) -> None:
    """Insert ``objects`` (instances of ``model``, or rows with its attribute names; primary
    keys set) through ``core.bulk.write_rows``, every value prepared by its field as ``save()``
    would (encrypted fields encrypt, dates adapt, JSON dumps)."""
    connection = connections[router.db_for_write(model)]
    fields = model._meta.concrete_fields
    adapt_datetime = connection.ops.adapt_datetimefield_value  # aware → the column's terms
    getters = []
    for f in fields:
        if type(f) in _PLAIN:
            getters.append(attrgetter(f.attname))
        elif type(f) is models.DateTimeField:
            getters.append(lambda obj, name=f.attname: adapt_datetime(getattr(obj, name)))
        else:
            getters.append(lambda obj, f=f: f.get_db_prep_save(getattr(obj, f.attname), connection))
    write_rows(
        model,
        [f.column for f in fields],
        [tuple(get(obj) for get in getters) for obj in objects],
    )


def _wall_clock(start: dt.datetime, hours: float) -> dt.datetime:
    return start + dt.timedelta(hours=hours)


def _when(step: _Step) -> dt.datetime:
    return step.at


def _geometric(start: float, end: float, progress: float) -> float:
    """From ``start`` at the beginning of the period to ``end`` at its end, geometrically."""
    return start * (end / start) ** progress


def _rating(rng: random.Random, *, late: bool, reopened: bool) -> int:
    if reopened:
        weights = [20, 25, 30, 15, 10]
    elif late:
        weights = [8, 12, 25, 30, 25]
    else:
        weights = [2, 3, 8, 32, 55]
    return rng.choices([1, 2, 3, 4, 5], weights)[0]


def _counter_key(year: int) -> str:
    return f"feedback.report.{year}"

"""Synthetic feedback of ``xaso seed``: deterministic, internally consistent (the group matches
the point, timestamps in order, the timeline matches the status), seasonal, and numbered so
that a new report continues after the seeded codes."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from xaso.core.crypto import blind_index
from xaso.core.models import Counter as Sequence
from xaso.core.models import User
from xaso.core.seed import CommuneSeed, World
from xaso.feedback import geo
from xaso.feedback.choices import CLOSED_STATUSES, OPEN_STATUSES, EventKind, ReportStatus
from xaso.feedback.models import Report, ReportEvent
from xaso.feedback.services import submit_report
from xaso.feedback.synthetic import REPORTS_PER_RESIDENT, seed_feedback

S = ReportStatus
NOW = dt.datetime(2026, 11, 25, 15, 20, tzinfo=dt.UTC)
RESIDENTS = 2_400  # 1,600 reports over three years: enough for patterns, seconds to make


def _world(fw, residents=RESIDENTS) -> World:
    users = {u.username: u for u in User.objects.filter(unit=fw.unit)}
    commune = CommuneSeed(fw.unit, fw.ward.groups, list(fw.departments.values()), residents, (0, 0))
    return World(scale="ward", province=fw.unit.parent, communes=[commune], users=users)


def _seed(fw, now=NOW, seed=1) -> list[Report]:
    seed_feedback(world=_world(fw), seed=seed, say=lambda _m: None, now=now)
    return list(Report.objects.filter(unit=fw.unit).order_by("code"))


@pytest.fixture
def seeded(fw):
    return _seed(fw)


def test_volume_follows_the_residents(fw, seeded):
    assert len(seeded) == round(RESIDENTS * REPORTS_PER_RESIDENT)
    assert seeded[0].code.startswith("PA-2023-")  # three years back from NOW
    assert min(r.created_at for r in seeded) >= NOW - dt.timedelta(days=3 * 366)
    assert max(r.created_at for r in seeded) <= NOW


def test_same_seed_same_reports(fw, seeded):
    first = [(r.code, r.status, r.category_id, r.created_at, r.group_id) for r in seeded]
    ReportEvent.objects.filter(report__unit=fw.unit).delete()
    Report.objects.filter(unit=fw.unit).delete()
    Sequence.objects.filter(key__startswith="feedback.report.").delete()
    again = [(r.code, r.status, r.category_id, r.created_at, r.group_id) for r in _seed(fw)]
    assert again == first


def test_another_seed_other_reports(fw, seeded):
    first = [(r.status, r.category_id, r.created_at) for r in seeded]
    ReportEvent.objects.filter(report__unit=fw.unit).delete()
    Report.objects.filter(unit=fw.unit).delete()
    other = [(r.status, r.category_id, r.created_at) for r in _seed(fw, seed=2)]
    assert other != first


def test_every_point_lies_in_the_report_group(fw, seeded):
    geo.forget()
    for report in seeded:
        assert report.latitude is not None and report.address
        assert geo.group_at(fw.unit.id, report.latitude, report.longitude) == report.group_id


def test_timestamps_are_in_order(seeded):
    for r in seeded:
        steps = [r.created_at, r.accepted_at, r.assigned_at, r.resolved_at]
        present = [t for t in steps if t is not None]
        assert present == sorted(present), r.code
        assert r.due_at is not None and r.due_at > r.created_at
        assert r.updated_at >= r.created_at and r.updated_at <= NOW
        if r.status in CLOSED_STATUSES:
            assert r.closed_at is not None and r.closed_at >= r.created_at
        else:
            assert r.closed_at is None and r.resolved_at is None
        if r.status == S.RESOLVED:
            assert r.resolved_at == r.closed_at and len(r.answer) >= 10
        if r.rating is not None:
            assert 1 <= r.rating <= 5 and r.status == S.RESOLVED
            assert r.resolved_at <= r.rated_at <= NOW


def test_timeline_matches_the_status(fw, seeded):
    events = {}
    for event in ReportEvent.objects.filter(report__unit=fw.unit).order_by("at", "id"):
        events.setdefault(event.report_id, []).append(event)
    for r in seeded:
        timeline = events[r.id]
        assert timeline[0].kind == EventKind.SUBMITTED and timeline[0].at == r.created_at
        assert all(e.at <= NOW for e in timeline)
        status = ""
        for event in timeline:
            assert event.from_status == status, (r.code, event.kind)
            status = event.to_status
        assert status == r.status, r.code
        kinds = [e.kind for e in timeline]
        assert kinds.count(EventKind.REOPENED) == r.reopen_count
        if r.status == S.RESOLVED:
            assert kinds[-1] in (EventKind.RESOLVED, EventKind.RATED)
            resolved = [e for e in timeline if e.kind == EventKind.RESOLVED][-1]
            assert resolved.at == r.resolved_at and resolved.note == r.answer
        if r.status == S.REJECTED:
            assert r.rejection_reason and EventKind.REJECTED in kinds
        if r.status == S.DUPLICATE:
            assert r.duplicate_of.category_id == r.category_id
            assert r.duplicate_of.created_at <= r.created_at
            assert r.duplicate_of.code in timeline[-1].note
        if r.escalated_at is not None:
            assert r.escalated_at > r.due_at
            escalations = [e for e in timeline if e.kind == EventKind.ESCALATED]
            assert escalations[-1].at == r.escalated_at and not escalations[-1].public
        if r.rating is not None:
            assert f"{r.rating}/5" in [e.note for e in timeline if e.kind == EventKind.RATED]


def test_outcomes_look_like_a_ward(fw, seeded):
    statuses = Counter(r.status for r in seeded)
    total = len(seeded)
    assert statuses[S.RESOLVED] > 0.8 * total
    assert 0.01 * total < statuses[S.REJECTED] < 0.08 * total
    assert 0 < statuses[S.DUPLICATE] < 0.1 * total
    open_reports = [r for r in seeded if r.status in OPEN_STATUSES]
    assert open_reports and any(r.due_at < NOW for r in open_reports)  # some overdue
    resolved = [r for r in seeded if r.status == S.RESOLVED]
    rated = [r for r in resolved if r.rating is not None]
    assert 0.5 < len(rated) / len(resolved) < 0.7
    assert sum(r.rating >= 4 for r in rated) > 0.6 * len(rated)
    channels = Counter(r.channel for r in seeded)
    assert set(channels) == {"web", "kiosk", "group", "hotline", "open311"}
    assert channels["web"] > channels["open311"]
    categories = Counter(r.category.code for r in seeded)
    assert {code for code, _n in categories.most_common(2)} == {"rac-thai", "den-chieu-sang"}


def test_the_ward_gets_faster(seeded):
    def median_hours(year):
        hours = sorted(
            r.hours_to_resolve for r in seeded if r.resolved_at and r.created_at.year == year
        )
        return hours[len(hours) // 2]

    assert median_hours(2024) > 1.5 * median_hours(2026)


def test_drains_flood_in_the_rainy_season(seeded):
    drains = [r for r in seeded if r.category.code == "thoat-nuoc"]
    rainy = sum(5 <= timezone.localtime(r.created_at).month <= 10 for r in drains)
    assert rainy > 2 * (len(drains) - rainy)
    trees = [r for r in seeded if r.category.code == "cay-xanh"]
    stormy = sum(6 <= timezone.localtime(r.created_at).month <= 9 for r in trees)
    assert stormy > len(trees) - stormy  # four months hold more than the other eight


def test_fewer_reports_at_night(seeded):
    hours = Counter(timezone.localtime(r.created_at).hour for r in seeded)
    night = sum(hours[h] for h in range(0, 5))
    morning = sum(hours[h] for h in range(7, 12))
    assert morning > 4 * night


def test_contact_data_is_encrypted_with_a_matching_hash(fw, seeded):
    with_phone = [r for r in seeded if r.reporter_phone]
    assert with_phone and len(with_phone) < len(seeded)
    for report in with_phone[:50]:
        assert report.reporter_phone_hash == blind_index(report.reporter_phone)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_phone FROM feedback_report WHERE id = %s", [with_phone[0].id]
        )
        assert cursor.fetchone()[0].startswith("v1:")


def test_a_new_report_continues_the_numbering(fw):
    now = timezone.now()
    seeded = _seed(fw, now=now)
    year = timezone.localdate(now).year
    this_year = [int(r.code.rsplit("-", 1)[1]) for r in seeded if r.code.startswith(f"PA-{year}-")]
    latitude, longitude = fw.point_in_group(0)
    report = submit_report(
        None,
        category=fw.categories["rac-thai"],
        description="Rác để đầu ngõ hai ngày chưa thu gom.",
        latitude=latitude,
        longitude=longitude,
        client_ip="203.0.113.9",
    )
    assert report.code == f"PA-{year}-{max(this_year, default=0) + 1:06d}"

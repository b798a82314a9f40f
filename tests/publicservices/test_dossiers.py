"""Dossier services: due times in working time (weekends, holidays, same-day procedures,
calendar days), the one-stop desk (record, finish, rate), apology letters for late dossiers
(flagged by the periodic task, notified, marked sent), who may do what, and the monthly
rollup kept in step with every write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.publicservices.dossier_helpers import (
    make_dossier,
    make_procedure,
    standard_procedures,
    vn,
)
from xaso.core.choices import Role
from xaso.core.events import domain_event
from xaso.core.exceptions import BusinessError, NotAllowed
from xaso.core.models import AuditLog, Holiday, Notification
from xaso.core.registry import periodic_tasks
from xaso.publicservices.index import compute_index, month_period
from xaso.publicservices.models import Dossier, DossierMonth
from xaso.publicservices.services.dossiers import (
    due_time_for,
    finish_dossier,
    flag_late_dossiers,
    mark_apology_sent,
    rate_dossier,
    record_dossier,
)
from xaso.publicservices.services.rollups import refresh_all_rollups, refresh_rollups

NO_HOLIDAYS: set = set()


@pytest.fixture
def events():
    seen = []

    def listen(sender, name, unit_id, payload, **_kw):
        seen.append((name, unit_id, payload))

    domain_event.connect(listen)
    yield seen
    domain_event.disconnect(listen)


# --- Due times ---------------------------------------------------------------------------------


@pytest.mark.django_db
class TestDueTimes:
    def test_the_test_database_has_the_2025_holidays(self):
        days = set(Holiday.objects.values_list("date", flat=True))
        assert {dt.date(2025, 9, 1), dt.date(2025, 9, 2), dt.date(2025, 4, 30)} <= days

    def test_working_days_skip_the_weekend(self):
        p = make_procedure("p3", value=3)
        # Friday 10:00 + 3 × 9.5 working hours: Fri 7 h, Mon 9.5, Tue 9.5, Wed 2.5 → Wed 10:00
        assert due_time_for(p, vn(2025, 8, 29, 10), holidays=NO_HOLIDAYS) == vn(2025, 9, 3, 10)

    def test_working_days_skip_holidays(self):
        p = make_procedure("p3", value=3)
        # Monday 1 and Tuesday 2 September 2025 are days off (Quốc khánh): Friday 5, 10:00.
        assert due_time_for(p, vn(2025, 8, 29, 10)) == vn(2025, 9, 5, 10)

    def test_received_outside_office_hours_counts_from_the_next_opening(self):
        p = make_procedure("p1", value=1)
        assert due_time_for(p, vn(2025, 10, 4, 9)) == vn(2025, 10, 6, 17)  # Saturday
        assert due_time_for(p, vn(2025, 10, 6, 6)) == vn(2025, 10, 6, 17)  # Monday 6:00
        assert due_time_for(p, vn(2025, 10, 6, 18)) == vn(2025, 10, 7, 17)  # Monday evening

    def test_tet_holidays(self):
        p = make_procedure("p1", value=1)
        # Tết 2026: 14–22 February off; Friday 13 at 10:00 → Monday 23 at 10:00.
        assert due_time_for(p, vn(2026, 2, 13, 10)) == vn(2026, 2, 23, 10)

    def test_same_day_procedures(self):
        p = make_procedure("copy", same_day=True)
        assert due_time_for(p, vn(2025, 10, 1, 10)) == vn(2025, 10, 1, 17)
        assert due_time_for(p, vn(2025, 10, 1, 14, 59)) == vn(2025, 10, 1, 17)
        # From 15:00 the next working day.
        assert due_time_for(p, vn(2025, 10, 1, 15)) == vn(2025, 10, 2, 17)
        assert due_time_for(p, vn(2025, 10, 3, 16)) == vn(2025, 10, 6, 17)  # Friday → Monday
        assert due_time_for(p, vn(2025, 10, 4, 9)) == vn(2025, 10, 6, 17)  # Saturday
        assert due_time_for(p, vn(2025, 8, 29, 15, 30)) == vn(2025, 9, 3, 17)  # over Quốc khánh

    def test_calendar_days_end_on_a_working_day(self):
        p = make_procedure("days", value=15, unit="ngay")
        assert due_time_for(p, vn(2025, 10, 1, 9)) == vn(2025, 10, 16, 17)
        # The 15th day is a Sunday: the period ends with the next working day.
        assert due_time_for(p, vn(2025, 10, 4, 9)) == vn(2025, 10, 20, 17)
        # Ends on Quốc khánh (2 September 2025): Wednesday 3.
        assert due_time_for(p, vn(2025, 8, 18, 9)) == vn(2025, 9, 3, 17)

    def test_working_hours(self):
        p = make_procedure("hours", value=4, unit="gio")
        assert due_time_for(p, vn(2025, 10, 3, 16)) == vn(2025, 10, 6, 10, 30)

    def test_half_a_working_day(self):
        p = make_procedure("half", value=0.5)
        assert due_time_for(p, vn(2025, 10, 1, 8)) == vn(2025, 10, 1, 12, 45)


# --- The desk ----------------------------------------------------------------------------------


def test_record_a_dossier_at_the_desk(ward, events, django_capture_on_commit_callbacks):
    p = standard_procedures()
    official = ward.user(Role.COMMUNE_OFFICIAL)
    received = timezone.now() - dt.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = record_dossier(
            official,
            unit=ward.unit,
            code="  00611-251001-0001 ",
            procedure=p["residence"],
            received_at=received,
            channel="truc-tiep",
            digitized=True,
            official=official,
        )
    assert dossier.code == "00611-251001-0001"
    assert dossier.due_at == due_time_for(p["residence"], received)
    assert dossier.fee_vnd == 20000 and dossier.source == "desk"
    assert dossier.online_level == "khong" and dossier.official_name == official.display_name
    assert AuditLog.objects.filter(object_type="publicservices.dossier", action="create").exists()
    assert events == [
        (
            "publicservices.dossier_recorded",
            ward.unit.id,
            {"dossier_id": dossier.pk, "code": dossier.code},
        )
    ]
    month = timezone.localtime(received).date().replace(day=1)
    row = DossierMonth.objects.get(unit=ward.unit, month=month, procedure=p["residence"])
    assert (row.received, row.digitized, row.with_fee) == (1, 1, 1)


def test_online_dossier_takes_the_procedures_online_level(ward):
    p = standard_procedures()
    dossier = record_dossier(
        None,
        unit=ward.unit,
        code="X1",
        procedure=p["birth"],
        received_at=timezone.now(),
        channel="truc-tuyen",
    )
    assert dossier.online_level == "toan-trinh"


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"code": "  "}, "code", "Hãy ghi mã hồ sơ"),
        ({"code": "X" * 61}, "code", "dài quá 60"),
        ({"channel": "fax"}, "channel", "Kênh nộp không hợp lệ"),
        ({"channel": "truc-tuyen"}, "channel", "không cung cấp dịch vụ trực tuyến"),
        ({"received_at": "future"}, "received_at", "không được ở tương lai"),
        ({"due_at": "before"}, "due_at", "trước ngày tiếp nhận"),
        ({"fee_vnd": -1}, "fee_vnd", "không được âm"),
    ],
)
def test_the_desk_refuses_bad_input(ward, changes, field, message):
    p = standard_procedures()
    received = timezone.now() - dt.timedelta(days=1)
    arguments = {
        "unit": ward.unit,
        "code": "X1",
        "procedure": p["sign"],  # offered in person only
        "received_at": received,
        "channel": "truc-tiep",
    }
    arguments.update(changes)
    if arguments["received_at"] == "future":
        arguments["received_at"] = timezone.now() + dt.timedelta(hours=1)
    if arguments.get("due_at") == "before":
        arguments["due_at"] = received - dt.timedelta(hours=1)
    with pytest.raises(BusinessError) as error:
        record_dossier(ward.user(Role.COMMUNE_OFFICIAL), **arguments)
    assert error.value.field == field and message in error.value.message
    assert not Dossier.objects.exists() and not DossierMonth.objects.exists()


def test_a_code_is_unique_in_its_commune_only(ward, other_ward):
    p = standard_procedures()
    now = timezone.now()
    args = {"code": "X1", "procedure": p["sign"], "received_at": now, "channel": "truc-tiep"}
    record_dossier(None, unit=ward.unit, **args)
    with pytest.raises(BusinessError, match="đã có"):
        record_dossier(None, unit=ward.unit, **args)
    record_dossier(None, unit=other_ward.unit, **args)
    assert Dossier.objects.filter(code="X1").count() == 2


def test_an_inactive_procedure_and_an_official_of_another_commune_are_refused(ward, other_ward):
    old = make_procedure("old", active=False)
    sign = make_procedure("sign")
    now = timezone.now()
    with pytest.raises(BusinessError, match="ngừng áp dụng"):
        record_dossier(
            None, unit=ward.unit, code="A", procedure=old, received_at=now, channel="truc-tiep"
        )
    with pytest.raises(BusinessError, match="thuộc xã/phường này"):
        record_dossier(
            None,
            unit=ward.unit,
            code="A",
            procedure=sign,
            received_at=now,
            channel="truc-tiep",
            official=other_ward.user(Role.COMMUNE_OFFICIAL),
        )


@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.COMMUNE_LEADER, True),
        (Role.COMMUNE_OFFICIAL, True),
        (Role.DEPARTMENT_STAFF, True),
        (Role.GROUP_LEADER, False),
        (Role.COMMUNITY_TECH, False),
        (Role.PROVINCE_OFFICIAL, False),  # reads the province, writes nothing
    ],
)
def test_who_works_at_the_desk(ward, role, allowed):
    p = standard_procedures()
    args = {
        "unit": ward.unit,
        "code": "A",
        "procedure": p["sign"],
        "received_at": timezone.now(),
        "channel": "truc-tiep",
    }
    if allowed:
        record_dossier(ward.user(role), **args)
    else:
        with pytest.raises(NotAllowed):
            record_dossier(ward.user(role), **args)


def test_an_official_cannot_record_for_another_commune(ward, other_ward):
    p = standard_procedures()
    with pytest.raises(NotAllowed):
        record_dossier(
            other_ward.user(Role.COMMUNE_OFFICIAL),
            unit=ward.unit,
            code="A",
            procedure=p["sign"],
            received_at=timezone.now(),
            channel="truc-tiep",
        )
    d = make_dossier(ward.unit, p["sign"], "B", timezone.now() - dt.timedelta(hours=2))
    for action in (
        lambda u: finish_dossier(u, dossier=d, finished_at=timezone.now(), result="approved"),
        lambda u: rate_dossier(u, dossier=d, satisfaction="satisfied"),
        lambda u: mark_apology_sent(u, dossier=d),
    ):
        with pytest.raises(NotAllowed):
            action(other_ward.user(Role.COMMUNE_OFFICIAL))


def test_finish_on_time(ward, events, django_capture_on_commit_callbacks):
    p = standard_procedures()
    received = timezone.now() - dt.timedelta(hours=3)
    d = make_dossier(ward.unit, p["sign"], "A", received, due=received + dt.timedelta(hours=5))
    with django_capture_on_commit_callbacks(execute=True):
        d = finish_dossier(
            ward.user(Role.COMMUNE_OFFICIAL),
            dossier=d,
            finished_at=timezone.now(),
            result="approved",
            e_result=True,
        )
    d.refresh_from_db()
    assert d.on_time and d.e_result and not d.apology_due
    assert [name for name, *_ in events] == ["publicservices.dossier_finished"]
    assert not Notification.objects.exists()
    with pytest.raises(BusinessError, match="đã có kết quả"):
        finish_dossier(None, dossier=d, finished_at=timezone.now(), result="approved")


def test_finishing_late_makes_the_apology_due_and_notifies_the_official(
    ward, events, django_capture_on_commit_callbacks
):
    p = standard_procedures()
    official = ward.user(Role.DEPARTMENT_STAFF)
    received = timezone.now() - dt.timedelta(days=3)
    d = make_dossier(
        ward.unit, p["sign"], "A", received, due=received + dt.timedelta(hours=8), official=official
    )
    with django_capture_on_commit_callbacks(execute=True):
        finish_dossier(None, dossier=d, finished_at=timezone.now(), result="refused")
    d.refresh_from_db()
    assert d.apology_due and d.apology_sent_at is None and not d.on_time
    assert [name for name, *_ in events] == [
        "publicservices.dossier_finished",
        "publicservices.dossier_late",
    ]
    notes = list(Notification.objects.all())
    assert [n.user for n in notes] == [official]
    assert "A" in notes[0].title and "thư xin lỗi" in notes[0].title
    assert notes[0].url == "/dich-vu-cong/ho-so/?trang_thai=cho-thu-xin-loi"


def test_a_withdrawn_dossier_needs_no_apology(ward):
    p = standard_procedures()
    received = timezone.now() - dt.timedelta(days=3)
    d = make_dossier(ward.unit, p["sign"], "A", received, due=received + dt.timedelta(hours=8))
    d = finish_dossier(None, dossier=d, finished_at=timezone.now(), result="withdrawn")
    assert not d.apology_due


@pytest.mark.parametrize(
    "finished, result, message",
    [
        ("before", "approved", "trước ngày tiếp nhận"),
        ("future", "approved", "tương lai"),
        ("now", "", "Hãy chọn kết quả"),
    ],
)
def test_finish_refuses_bad_input(ward, finished, result, message):
    p = standard_procedures()
    received = timezone.now() - dt.timedelta(hours=3)
    d = make_dossier(ward.unit, p["sign"], "A", received)
    moment = {
        "before": received - dt.timedelta(minutes=1),
        "future": timezone.now() + dt.timedelta(hours=1),
        "now": timezone.now(),
    }[finished]
    with pytest.raises(BusinessError, match=message):
        finish_dossier(None, dossier=d, finished_at=moment, result=result)
    d.refresh_from_db()
    assert d.finished_at is None


def test_rate(ward):
    p = standard_procedures()
    received = timezone.now() - dt.timedelta(hours=3)
    d = make_dossier(ward.unit, p["sign"], "A", received)
    with pytest.raises(BusinessError, match="đã có kết quả"):
        rate_dossier(None, dossier=d, satisfaction="satisfied")
    finish_dossier(None, dossier=d, finished_at=timezone.now(), result="approved")
    with pytest.raises(BusinessError, match="mức độ hài lòng"):
        rate_dossier(None, dossier=d, satisfaction="5 sao")
    rate_dossier(ward.user(Role.COMMUNE_LEADER), dossier=d, satisfaction="dissatisfied")
    d.refresh_from_db()
    assert d.satisfaction == "dissatisfied"
    row = DossierMonth.objects.get(unit=ward.unit, procedure=p["sign"], finished=1)
    assert (row.rated, row.dissatisfied, row.late_or_unhappy) == (1, 1, 1)


# --- Apology letters ---------------------------------------------------------------------------


def test_the_periodic_task_flags_newly_late_dossiers_once(
    ward, events, django_capture_on_commit_callbacks
):
    p = standard_procedures()
    now = timezone.now()
    officials = [ward.user(Role.COMMUNE_OFFICIAL)]  # the commune's official
    staff = ward.user(Role.DEPARTMENT_STAFF)
    late_a = make_dossier(
        ward.unit, p["sign"], "LA", now - dt.timedelta(days=3), due=now - dt.timedelta(days=1)
    )
    late_b = make_dossier(
        ward.unit,
        p["sign"],
        "LB",
        now - dt.timedelta(days=3),
        due=now - dt.timedelta(hours=1),
        official=staff,
    )
    make_dossier(
        ward.unit, p["sign"], "OK", now - dt.timedelta(hours=1), due=now + dt.timedelta(hours=4)
    )
    make_dossier(
        ward.unit,
        p["sign"],
        "DONE",
        now - dt.timedelta(days=3),
        due=now - dt.timedelta(days=2),
        finished=now - dt.timedelta(days=2, hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert flag_late_dossiers(now=now) == 2
    assert set(Dossier.objects.filter(apology_due=True).values_list("code", flat=True)) == {
        "LA",
        "LB",
    }
    late_events = [
        payload["code"] for name, _u, payload in events if name == "publicservices.dossier_late"
    ]
    assert sorted(late_events) == ["LA", "LB"]
    by_user = {n.user: n for n in Notification.objects.all()}
    assert set(by_user) == {*officials, staff}
    assert "LA" in by_user[officials[0]].title and "LB" in by_user[staff].title
    assert AuditLog.objects.filter(object_id=str(late_a.pk), changes__action="late").exists()
    # Idempotent: nothing new the second time.
    assert flag_late_dossiers(now=now) == 0
    assert Notification.objects.count() == 2
    # Marking the letter sent.
    with pytest.raises(BusinessError, match="không trễ hạn"):
        mark_apology_sent(None, dossier=Dossier.objects.get(code="OK"))
    mark_apology_sent(staff, dossier=late_b)
    late_b.refresh_from_db()
    assert late_b.apology_sent_at is not None
    with pytest.raises(BusinessError, match="đã được ghi nhận"):
        mark_apology_sent(staff, dossier=late_b)


def test_several_late_dossiers_make_one_notification_per_person(ward):
    p = standard_procedures()
    now = timezone.now()
    for n in range(7):
        make_dossier(
            ward.unit,
            p["sign"],
            f"L{n}",
            now - dt.timedelta(days=3),
            due=now - dt.timedelta(days=1),
        )
    assert flag_late_dossiers(now=now) == 7
    note = Notification.objects.get()
    assert note.user == ward.user(Role.COMMUNE_OFFICIAL)
    assert note.title.startswith("7 hồ sơ trễ hạn") and "2 hồ sơ khác" in note.body


def test_flagging_covers_every_commune(ward, other_ward):
    p = standard_procedures()
    now = timezone.now()
    for w in (ward, other_ward):
        make_dossier(
            w.unit, p["sign"], "L", now - dt.timedelta(days=3), due=now - dt.timedelta(days=1)
        )
    assert flag_late_dossiers(now=now) == 2
    assert {n.unit_id for n in Notification.objects.all()} == {ward.unit.id, other_ward.unit.id}


def test_the_check_is_a_periodic_task():
    _task, every = periodic_tasks["publicservices.flag_late"]
    assert every <= 3600
    assert "publicservices.rollups" in periodic_tasks


def test_the_tasks_run(ward):
    p = standard_procedures()
    now = timezone.now()
    make_dossier(
        ward.unit, p["sign"], "L", now - dt.timedelta(days=3), due=now - dt.timedelta(days=1)
    )
    from xaso.publicservices.tasks import flag_late_dossiers_task, refresh_dossier_rollups_task

    assert flag_late_dossiers_task.call() == 1
    assert refresh_dossier_rollups_task.call() >= 1


# --- The rollup --------------------------------------------------------------------------------


def test_the_rollup_follows_every_write_and_rebuilds_identically(ward):
    p = standard_procedures()
    now = timezone.now()
    received = now - dt.timedelta(hours=5)
    d = record_dossier(
        None,
        unit=ward.unit,
        code="A",
        procedure=p["copy"],
        received_at=received,
        channel="truc-tiep",
    )
    finish_dossier(None, dossier=d, finished_at=now, result="approved", e_result=True)
    rate_dossier(None, dossier=d, satisfaction="satisfied")
    month = timezone.localtime(now).date().replace(day=1)
    period = month_period(month)
    before = list(DossierMonth.objects.values_list("month", "procedure_id", *DossierMonth.COUNTS))
    raw = compute_index([ward.unit.id], *period, source="raw")
    rolled = compute_index([ward.unit.id], *period, source="rollup")
    assert raw.points == rolled.points
    DossierMonth.objects.all().delete()
    assert refresh_all_rollups() >= 1
    after = list(DossierMonth.objects.values_list("month", "procedure_id", *DossierMonth.COUNTS))
    assert sorted(before) == sorted(after)


def test_refreshing_some_months_leaves_the_others(ward):
    p = standard_procedures()
    make_dossier(ward.unit, p["sign"], "S", vn(2025, 9, 10, 9), due=vn(2025, 9, 10, 17))
    make_dossier(ward.unit, p["sign"], "O", vn(2025, 10, 10, 9), due=vn(2025, 10, 10, 17))
    refresh_rollups([ward.unit.id])
    DossierMonth.objects.filter(month=dt.date(2025, 9, 1)).update(received=99)
    refresh_rollups([ward.unit.id], [dt.date(2025, 10, 1)])
    assert dict(DossierMonth.objects.values_list("month", "received")) == {
        dt.date(2025, 9, 1): 99,
        dt.date(2025, 10, 1): 1,
    }
    assert refresh_rollups([ward.unit.id], []) == 0

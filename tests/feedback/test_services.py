"""The feedback workflow through its services: filing, triage, work, the citizen's answer,
SLA clock, escalation, rate limits — and that bad input writes nothing."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from tests.feedback.conftest import jpeg_bytes
from xaso.core.calendar import add_working_hours
from xaso.core.choices import Role
from xaso.core.exceptions import BusinessError, NotAllowed, RateLimited
from xaso.core.models import AuditLog, Notification
from xaso.core.selectors import holidays_between
from xaso.feedback import services
from xaso.feedback.choices import Channel, EventKind, ReportStatus
from xaso.feedback.models import Report, ReportEvent, ReportPhoto

S = ReportStatus


def submit(fw, *, group=1, category="den-chieu-sang", **extra):
    lat, lon = fw.point_in_group(group)
    values = {
        "category": fw.categories[category],
        "description": "Đèn đường trước số 12 không sáng ba đêm nay",
        "latitude": lat,
        "longitude": lon,
        "client_ip": "203.0.113.7",
    }
    if category == "thoat-nuoc":
        values["attributes"] = {"muc-ngap": "duoi-20cm"}
    values.update(extra)  # an explicit attributes={} replaces the default answer
    return services.submit_report(None, **values)


def drive(fw, status: str):
    """A report brought to ``status`` through the services."""
    official = fw.user(Role.COMMUNE_OFFICIAL)
    staff = fw.user(Role.DEPARTMENT_STAFF)
    report = submit(fw)
    if status == S.NEW:
        return report
    if status == S.REJECTED:
        return services.reject_report(official, report=report, reason="Không thuộc địa bàn")
    if status == S.DUPLICATE:
        original = submit(fw, description="Phản ánh gốc về đèn đường hỏng")
        return services.merge_report(official, report=report, into=original)
    report = services.accept_report(official, report=report)
    if status == S.ACCEPTED:
        return report
    report = services.assign_report(official, report=report, department=fw.departments["KT"])
    if status == S.ASSIGNED:
        return report
    report = services.start_report(staff, report=report)
    if status == S.IN_PROGRESS:
        return report
    return services.resolve_report(staff, report=report, answer="Đã thay bóng đèn LED mới.")


def media_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- filing ------------------------------------------------------------------------------


def test_submit_gives_code_group_due_time_and_a_public_timeline(fw):
    report = submit(fw, group=1, reporter_name="Trần Văn Hải", reporter_phone="0912 345 678")
    year = timezone.localdate().year
    assert report.code.startswith(f"PA-{year}-") and len(report.code) == len(f"PA-{year}-000001")
    assert report.group == fw.ward.groups[1]  # found from the point
    assert report.status == S.NEW and report.channel == Channel.WEB
    assert report.department == fw.departments["KT"]  # the category's default
    holidays = holidays_between(timezone.localdate(), timezone.localdate() + dt.timedelta(60))
    assert report.due_at == add_working_hours(report.created_at, 16, holidays)
    assert list(report.events.values_list("kind", "public")) == [(EventKind.SUBMITTED, True)]
    second = submit(fw)
    assert int(second.code[-6:]) == int(report.code[-6:]) + 1


def test_reporter_contact_is_encrypted_at_rest_and_not_in_the_audit_log(fw):
    report = submit(fw, reporter_name="Trần Văn Hải", reporter_phone="0912345678")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reporter_name, reporter_phone FROM feedback_report WHERE id = %s", [report.pk]
        )
        name, phone = cursor.fetchone()
    assert "Hải" not in name and "0912345678" not in phone
    assert Report.objects.get(pk=report.pk).reporter_phone == "0912345678"
    entry = AuditLog.objects.get(object_type="feedback.report", object_id=str(report.pk))
    assert "0912345678" not in str(entry.changes) and "Hải" not in str(entry.changes)
    assert entry.changes["reporter"] == ["name", "phone"]


def test_photos_are_reencoded_without_exif_and_turned_upright(fw):
    upload = jpeg_bytes(size=(640, 480), exif_gps=True)
    assert b"Phone Model X" in upload
    report = submit(fw, photos=[upload])
    photo = report.photos.get()
    stored = photo.image.read()
    assert b"Phone Model X" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert image.size == (480, 640)  # the orientation was applied to the pixels
        assert not image.getexif()
    assert (photo.width, photo.height) == (480, 640)


BAD_INPUT = [
    ({"latitude": None, "longitude": None}, "địa điểm"),
    ({"longitude": None}, "vĩ độ và kinh độ"),
    ({"latitude": 10.77, "longitude": 106.70}, "ngoài địa bàn"),  # Hồ Chí Minh City
    ({"description": "x" * 20_000}, "quá dài"),
    ({"description": "hỏng"}, "ít nhất"),
    ({"photos": [b"<script>alert(1)</script>"]}, "không phải là ảnh"),
    ({"photos": [jpeg_bytes()] * 4}, "tối đa 3 ảnh"),
    ({"reporter_phone": "12345"}, "Số điện thoại"),
    ({"category": "thoat-nuoc", "attributes": {}}, "Mức nước ngập"),
    ({"category": "thoat-nuoc", "attributes": {"muc-ngap": "2 mét"}}, "không hợp lệ"),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUT)
def test_bad_input_is_refused_and_nothing_is_stored(fw, settings, change, message):
    change = dict(change)
    category = change.pop("category", "den-chieu-sang")
    with pytest.raises(BusinessError) as error:
        submit(fw, category=category, **change)
    assert message in error.value.message
    assert not Report.objects.exists() and not ReportPhoto.objects.exists()
    assert not ReportEvent.objects.exists()
    assert media_files(settings) == []


def test_a_30_mb_photo_is_refused_before_decoding(fw, settings):
    class Huge(io.BytesIO):
        size = 30 * 1024 * 1024

    with pytest.raises(BusinessError, match="quá lớn"):
        submit(fw, photos=[Huge(b"\xff\xd8")])
    assert not Report.objects.exists() and media_files(settings) == []


def test_a_photo_with_a_script_in_its_name_is_stored_under_a_random_name(fw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile('"><script>alert(1)</script>.jpg', jpeg_bytes())
    photo = submit(fw, photos=[upload]).photos.get()
    assert "script" not in photo.image.name and photo.image.name.endswith(".jpg")


def test_an_inactive_category_takes_no_reports(fw):
    category = fw.categories["khac"]
    category.active = False
    category.save()
    with pytest.raises(BusinessError, match="không còn nhận"):
        submit(fw, category="khac")


# --- who may file on behalf of a resident ----------------------------------------------------


def test_group_leader_files_for_a_resident_of_their_group(fw):
    leader = fw.user(Role.GROUP_LEADER)
    report = services.submit_report(
        leader,
        category=fw.categories["rac-thai"],
        description="Bà Lan báo rác tồn đọng ở đầu ngõ hai ngày",
        channel=Channel.GROUP,
        address="Đầu ngõ 12 Phạm Văn Đồng",
        reporter_name="Nguyễn Thị Lan",
    )
    assert report.channel == Channel.GROUP and report.filed_by == leader
    assert report.group == fw.ward.groups[0]  # the group they lead, no point given


def test_official_files_a_hotline_call_but_a_citizen_cannot_use_the_hotline_channel(fw, other_fw):
    official = fw.user(Role.COMMUNE_OFFICIAL)
    report = services.submit_report(
        official,
        category=fw.categories["trat-tu"],
        description="Người gọi báo karaoke quá 23 giờ ở ngõ 5",
        channel=Channel.HOTLINE,
        address="Ngõ 5 Xuân La",
        reporter_phone="0987654321",
    )
    assert report.channel == Channel.HOTLINE
    with pytest.raises(NotAllowed):
        services.submit_report(
            None,
            category=fw.categories["trat-tu"],
            description="Karaoke quá giờ ở ngõ 5 Xuân La",
            channel=Channel.HOTLINE,
            address="Ngõ 5",
        )
    with pytest.raises(NotAllowed):  # another commune's official
        services.submit_report(
            other_fw.user(Role.COMMUNE_OFFICIAL),
            category=fw.categories["trat-tu"],
            description="Karaoke quá giờ ở ngõ 5 Xuân La",
            channel=Channel.HOTLINE,
            address="Ngõ 5",
        )


# --- workflow ------------------------------------------------------------------------------


def test_the_whole_loop(fw):
    report = drive(fw, S.RESOLVED)
    assert report.status == S.RESOLVED and report.resolved_at and report.closed_at
    report = services.rate_report(report=report, rating=5, access_key=report.access_key)
    kinds = list(report.events.values_list("kind", flat=True))
    assert kinds == ["submitted", "accepted", "assigned", "started", "resolved", "rated"]
    assert report.rating == 5 and report.hours_to_resolve is not None


ACTIONS = {
    "accept": lambda fw, r: services.accept_report(fw.user(Role.COMMUNE_OFFICIAL), report=r),
    "reject": lambda fw, r: services.reject_report(
        fw.user(Role.COMMUNE_OFFICIAL), report=r, reason="Không thuộc thẩm quyền"
    ),
    "assign": lambda fw, r: services.assign_report(
        fw.user(Role.COMMUNE_OFFICIAL), report=r, department=fw.departments["VP"]
    ),
    "start": lambda fw, r: services.start_report(fw.user(Role.COMMUNE_OFFICIAL), report=r),
    "resolve": lambda fw, r: services.resolve_report(
        fw.user(Role.COMMUNE_OFFICIAL), report=r, answer="Đã xử lý xong tại hiện trường."
    ),
    "rate": lambda fw, r: services.rate_report(report=r, rating=4, access_key=r.access_key),
    "reopen": lambda fw, r: services.reopen_report(
        report=r, reason="Đèn vẫn chưa sáng", access_key=r.access_key
    ),
}
ALLOWED = {
    "accept": {S.NEW},
    "reject": {S.NEW, S.ACCEPTED},
    "assign": {S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS},
    "start": {S.ASSIGNED},
    "resolve": {S.ASSIGNED, S.IN_PROGRESS},
    "rate": {S.RESOLVED},
    "reopen": {S.RESOLVED},
}
EXPECTED = {
    "accept": S.ACCEPTED,
    "reject": S.REJECTED,
    "assign": S.ASSIGNED,
    "start": S.IN_PROGRESS,
    "resolve": S.RESOLVED,
    "rate": S.RESOLVED,
    "reopen": S.ASSIGNED,
}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_transition_is_allowed_or_refused(fw, status, action):
    report = drive(fw, status)
    before = report.status
    events = report.events.count()
    if status in ALLOWED[action]:
        report = ACTIONS[action](fw, report)
        assert report.status == EXPECTED[action]
        assert report.events.count() == events + 1
    else:
        with pytest.raises(BusinessError):
            ACTIONS[action](fw, report)
        report.refresh_from_db()
        assert report.status == before and report.events.count() == events


def test_merge_follows_the_chain_and_refuses_itself_or_another_commune(fw, other_fw):
    official = fw.user(Role.COMMUNE_OFFICIAL)
    original, copy, third = submit(fw), submit(fw), submit(fw)
    services.merge_report(official, report=copy, into=original)
    merged = services.merge_report(official, report=third, into=copy)
    assert merged.duplicate_of == original and merged.status == S.DUPLICATE
    assert original.code in merged.events.get(kind="merged").note
    fourth = submit(fw)
    with pytest.raises(BusinessError, match="chính nó"):
        services.merge_report(official, report=fourth, into=fourth)
    elsewhere = submit(other_fw)
    with pytest.raises(BusinessError, match="cùng xã"):
        services.merge_report(official, report=fourth, into=elsewhere)


def test_rejecting_needs_a_reason_the_citizen_sees(fw):
    report = submit(fw)
    with pytest.raises(BusinessError, match="lý do"):
        services.reject_report(fw.user(Role.COMMUNE_OFFICIAL), report=report, reason=" ")
    report = services.reject_report(
        fw.user(Role.COMMUNE_OFFICIAL), report=report, reason="Vị trí thuộc phường bên cạnh"
    )
    event = report.events.get(kind="rejected")
    assert event.public and event.note == "Vị trí thuộc phường bên cạnh"


def test_roles_and_communes_are_enforced(fw, other_fw):
    report = submit(fw)
    for user in (
        fw.user(Role.GROUP_LEADER),
        fw.user(Role.DEPARTMENT_STAFF),
        other_fw.user(Role.COMMUNE_OFFICIAL),
        other_fw.user(Role.COMMUNE_LEADER),
    ):
        with pytest.raises(NotAllowed):
            services.accept_report(user, report=report)
    report = drive(fw, S.ACCEPTED)
    report = services.assign_report(
        fw.user(Role.COMMUNE_OFFICIAL), report=report, department=fw.departments["VP"]
    )
    with pytest.raises(NotAllowed):  # staff of another department (KT)
        services.start_report(fw.user(Role.DEPARTMENT_STAFF), report=report)
    with pytest.raises(BusinessError, match="không thuộc"):
        services.assign_report(
            fw.user(Role.COMMUNE_OFFICIAL), report=report, department=other_fw.departments["KT"]
        )


def test_assigning_notifies_the_department(fw):
    report = drive(fw, S.ASSIGNED)
    staff = fw.user(Role.DEPARTMENT_STAFF)
    head = fw.departments["KT"].head
    assert Notification.objects.filter(user=staff, title__contains=report.code).exists()
    assert Notification.objects.filter(user=head, title__contains=report.code).exists()


# --- the citizen after the answer ----------------------------------------------------------


def test_only_the_reporter_rates_once_and_within_range(fw):
    report = drive(fw, S.RESOLVED)
    with pytest.raises(NotAllowed):
        services.rate_report(report=report, rating=5)
    with pytest.raises(NotAllowed):
        services.rate_report(report=report, rating=5, access_key="guess")
    with pytest.raises(BusinessError, match="1 đến 5"):
        services.rate_report(report=report, rating=6, access_key=report.access_key)
    services.rate_report(report=report, rating=2, access_key=report.access_key)
    with pytest.raises(BusinessError, match="một lần"):
        services.rate_report(report=report, rating=5, access_key=report.access_key)


def test_the_phone_given_when_filing_proves_the_reporter(fw):
    official = fw.user(Role.COMMUNE_OFFICIAL)
    report = submit(fw, reporter_phone="0912345678")
    services.accept_report(official, report=report)
    services.assign_report(official, report=report, department=fw.departments["KT"])
    report = services.resolve_report(official, report=report, answer="Đã sửa xong đèn chiếu sáng.")
    with pytest.raises(NotAllowed):
        services.rate_report(report=report, rating=4, phone="0900000000")
    report = services.rate_report(report=report, rating=4, phone="+84 912 345 678")
    assert report.rating == 4


def test_reopen_within_seven_days_restarts_the_clock(fw):
    report = drive(fw, S.RESOLVED)
    old_due = report.due_at
    report = services.reopen_report(
        report=report, reason="Đèn lại tắt sau một ngày", access_key=report.access_key
    )
    assert report.status == S.ASSIGNED and report.department == fw.departments["KT"]
    assert report.reopen_count == 1 and report.resolved_at is None and report.closed_at is None
    # A fresh clock from now (after 17:00 both land on the next working morning).
    assert report.due_at >= old_due and report.due_at > timezone.now()
    assert report.events.filter(kind="reopened", public=True).exists()


def test_reopen_after_seven_days_is_refused(fw):
    report = drive(fw, S.RESOLVED)
    Report.objects.filter(pk=report.pk).update(
        resolved_at=timezone.now() - dt.timedelta(days=7, minutes=1)
    )
    report.refresh_from_db()
    with pytest.raises(BusinessError, match="7 ngày"):
        services.reopen_report(report=report, reason="Vẫn hỏng", access_key=report.access_key)
    report.refresh_from_db()
    assert report.status == S.RESOLVED


# --- SLA escalation ------------------------------------------------------------------------


def test_overdue_reports_escalate_once_to_the_department_head_and_leaders(fw):
    report = drive(fw, S.ASSIGNED)
    resolved = drive(fw, S.RESOLVED)
    later = report.due_at + dt.timedelta(minutes=1)
    Report.objects.filter(pk=resolved.pk).update(due_at=report.due_at)
    assert services.escalate_overdue_reports(now=report.due_at - dt.timedelta(minutes=1)) == 0
    assert services.escalate_overdue_reports(now=later) == 1
    assert services.escalate_overdue_reports(now=later + dt.timedelta(hours=1)) == 0
    event = report.events.get(kind="escalated")
    assert not event.public and "Phòng Kinh tế" in event.note
    assert event.actor_label == "Hệ thống"
    leader = fw.user(Role.COMMUNE_LEADER)
    head = fw.departments["KT"].head
    for user in (leader, head):
        assert Notification.objects.filter(user=user, title__contains="quá hạn").count() == 1
    assert not resolved.events.filter(kind="escalated").exists()


def test_escalation_runs_through_the_task_queue(fw):
    from xaso.feedback.tasks import escalate_overdue_reports_task

    report = drive(fw, S.ACCEPTED)
    Report.objects.filter(pk=report.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    result = escalate_overdue_reports_task.enqueue()
    assert result.return_value == 1
    report.refresh_from_db()
    assert report.escalated_at is not None


def test_a_reopened_report_escalates_again_when_late_again(fw):
    report = drive(fw, S.ASSIGNED)
    services.escalate_overdue_reports(now=report.due_at + dt.timedelta(minutes=1))
    report = services.resolve_report(
        fw.user(Role.COMMUNE_OFFICIAL), report=report, answer="Đã thay bóng đèn mới."
    )
    report = services.reopen_report(report=report, reason="Chưa sáng", access_key=report.access_key)
    assert services.escalate_overdue_reports(now=report.due_at + dt.timedelta(minutes=1)) == 1
    assert report.events.filter(kind="escalated").count() == 2


# --- rate limits ---------------------------------------------------------------------------


def test_anonymous_reports_are_limited_per_device_politely(fw, settings):
    settings.XASO_FEEDBACK_LIMIT_PER_IP = 3
    for _ in range(3):
        submit(fw, client_ip="198.51.100.4")
    with pytest.raises(RateLimited) as error:
        submit(fw, client_ip="198.51.100.4")
    assert "vui lòng thử lại" in error.value.message
    assert Report.objects.count() == 3
    submit(fw, client_ip="198.51.100.5")  # another device is not affected


def test_reports_are_limited_per_phone_across_devices(fw, settings):
    settings.XASO_FEEDBACK_LIMIT_PER_PHONE = 2
    submit(fw, client_ip="198.51.100.1", reporter_phone="0912000111")
    submit(fw, client_ip="198.51.100.2", reporter_phone="0912 000 111")
    with pytest.raises(RateLimited, match="24 giờ"):
        submit(fw, client_ip="198.51.100.3", reporter_phone="0912000111")


def test_hotline_calls_are_not_rate_limited(fw, settings):
    settings.XASO_FEEDBACK_LIMIT_PER_PHONE = 1
    official = fw.user(Role.COMMUNE_OFFICIAL)
    for _ in range(2):
        services.submit_report(
            official,
            category=fw.categories["rac-thai"],
            description="Người gọi báo rác tồn đọng ở chợ",
            channel=Channel.HOTLINE,
            address="Chợ Xuân Đỉnh",
            reporter_phone="0912000222",
        )
    assert Report.objects.count() == 2

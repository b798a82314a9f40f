"""Every write of citizen feedback: one function per business action, one transaction each,
an audit record and a domain event. Views, the Open311 API, the admin, commands and tasks all
call these.

The workflow (statuses in ``choices.ReportStatus``)::

    new ──accept──▶ accepted ──assign──▶ assigned ──start──▶ in_progress ──resolve──▶ resolved
     │                 │  ▲                 │  ▲                  │                     │
     └──reject/merge───┘  └─────────────────┴──┴──── re-assign ───┘        reopen (≤ 7 days)
                                                                            └──▶ assigned

The SLA clock starts when the report arrives and counts the category's hours in working time
(``core.calendar``); a reopened report gets a fresh clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext, pgettext_lazy

from xaso.core import audit
from xaso.core.calendar import add_working_hours
from xaso.core.choices import AuditAction, Role
from xaso.core.crypto import blind_index
from xaso.core.events import emit
from xaso.core.exceptions import BusinessError, NotAllowed, RateLimited
from xaso.core.i18n import record_language
from xaso.core.models import AdministrativeUnit, Department, User
from xaso.core.phones import normalize_phone, phone_error
from xaso.core.selectors import holidays_between
from xaso.core.services import next_counter_value, notify
from xaso.core.tenancy import scope_for
from xaso.feedback import geo, permissions
from xaso.feedback.choices import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    AttributeType,
    Channel,
    EventKind,
    PhotoKind,
    ReportStatus,
)
from xaso.feedback.models import Category, Open311Client, Report, ReportEvent, ReportPhoto
from xaso.feedback.photos import CleanPhoto, clean_photos

MAX_DESCRIPTION = 4000  # Open311 GeoReport v2: "free form text … up to 4,000 characters"
MIN_DESCRIPTION = 10
REOPEN_DAYS = 7
KEY_PREFIX = "o311_"
S = ReportStatus


def _setting(name: str, default):
    return getattr(settings, name, default)


# ---------------------------------------------------------------------------------------------
# Helpers


def due_time(start: dt.datetime, sla_hours: float) -> dt.datetime:
    """When a report received at ``start`` must be resolved."""
    local = timezone.localdate(start)
    holidays = holidays_between(local, local + dt.timedelta(days=max(60, int(sla_hours) * 3)))
    return add_working_hours(start, sla_hours, holidays)


def _when(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}" if moment else "—"


def _actor_label(actor) -> str:
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.display_name
    with record_language():
        return _("Người dân")


def _event(
    report, kind, *, actor, before: str, note="", public=True, at=None, dept=None, label=None
):
    return ReportEvent.objects.create(
        report=report,
        kind=kind,
        at=at or timezone.now(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=(label or _actor_label(actor))[:150],
        from_status=before,
        to_status=report.status,
        department=dept,
        note=note,
        public=public,
    )


def _require_scope(actor, report: Report) -> None:
    if not scope_for(actor).allows_group(report.unit_id, report.group_id):
        raise NotAllowed(_("Bạn không có quyền với phản ánh này."))


def _require_status(report: Report, allowed, action) -> None:
    """``action``: the verb of the refused step (``ACTIONS``), as in “Không thể {action} …”."""
    if report.status not in allowed:
        raise BusinessError(
            _("Không thể {action} phản ánh đang ở trạng thái “{status}”.").format(
                action=action, status=report.get_status_display()
            )
        )


# The steps a report's status may refuse, as verbs of “Không thể … phản ánh …”.
ACTIONS = {
    "accept": pgettext_lazy("report action", "tiếp nhận"),
    "reject": pgettext_lazy("report action", "từ chối"),
    "merge": pgettext_lazy("report action", "gộp"),
    "assign": pgettext_lazy("report action", "chuyển xử lý"),
    "start": pgettext_lazy("report action", "bắt đầu xử lý"),
    "resolve": pgettext_lazy("report action", "trả lời"),
    "rate": pgettext_lazy("report action", "đánh giá"),
    "reopen": pgettext_lazy("report action", "mở lại"),
}


def _transition(actor, report: Report, *, action: str, event: EventKind, **audit_changes):
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=report,
        changes={"action": action, **audit_changes},
    )
    emit(
        f"feedback.report_{event}",
        unit_id=report.unit_id,
        report_id=report.pk,
        status=report.status,
    )


def _locked(report: Report) -> Report:
    """Re-read the report inside the transaction (row lock on PostgreSQL), so two officials
    acting at once cannot both move it."""
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("category", "department")
        .get(pk=report.pk)
    )


def client_hash(ip: str | None) -> str:
    return blind_index(f"ip:{ip}") if ip else ""


# ---------------------------------------------------------------------------------------------
# Filing


def _clean_text(value: str | None, *, label: str, limit: int, field: str | None = None) -> str:
    """``label``: the field's name as the message starts with it (translated by the caller)."""
    value = (value or "").replace("\r\n", "\n").strip()
    if len(value) > limit:
        raise BusinessError(
            _("{label} quá dài ({length} ký tự); tối đa {limit} ký tự.").format(
                label=label,
                length=number_format(len(value), force_grouping=True),
                limit=number_format(limit, force_grouping=True),
            ),
            field=field,
        )
    return value


def _check_location(unit, latitude, longitude, address: str) -> None:
    if (latitude is None) != (longitude is None):
        raise BusinessError(_("Cần cả vĩ độ và kinh độ của địa điểm."), field="latitude")
    if latitude is None and not address:
        raise BusinessError(
            _("Hãy cho biết địa điểm: chọn trên bản đồ, dùng vị trí hiện tại hoặc ghi địa chỉ."),
            field="address",
        )
    if latitude is not None:
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise BusinessError(_("Toạ độ không hợp lệ."), field="latitude")
        if not geo.in_commune(unit.id, latitude, longitude):
            raise BusinessError(
                _("Địa điểm đã chọn nằm ngoài địa bàn {unit}.").format(unit=unit.name),
                field="latitude",
            )


def clean_attributes(category: Category, raw: dict | None) -> dict:
    """Check answers to the category's extra questions (Open311 ``attribute[code]``)."""
    raw = raw or {}
    clean = {}
    for attribute in category.attributes.all():
        if not attribute.variable:
            continue
        value = raw.get(attribute.code)
        values = value if isinstance(value, list) else ([value] if value not in (None, "") else [])
        values = [str(v).strip() for v in values if str(v).strip()]
        if not values:
            if attribute.required:
                raise BusinessError(
                    _("Thiếu thông tin bắt buộc: {question}.").format(
                        question=attribute.description
                    ),
                    field=f"attribute[{attribute.code}]",
                )
            continue
        if attribute.datatype in (AttributeType.SINGLE, AttributeType.MULTI):
            unknown = [v for v in values if v not in attribute.value_keys()]
            if unknown or (attribute.datatype == AttributeType.SINGLE and len(values) > 1):
                raise BusinessError(
                    _("Giá trị không hợp lệ cho “{question}”.").format(
                        question=attribute.description
                    ),
                    field=f"attribute[{attribute.code}]",
                )
        elif attribute.datatype == AttributeType.NUMBER:
            try:
                float(values[0])
            except ValueError as exc:
                raise BusinessError(
                    _("“{question}” phải là một số.").format(question=attribute.description),
                    field=f"attribute[{attribute.code}]",
                ) from exc
        if attribute.datatype == AttributeType.MULTI:
            clean[attribute.code] = values
        else:
            clean[attribute.code] = values[0][:1000]
    return clean


def _check_rate_limit(*, ip_hash: str, phone_hash: str, anonymous: bool) -> None:
    now = timezone.now()
    if anonymous and ip_hash:
        limit = _setting("XASO_FEEDBACK_LIMIT_PER_IP", 10)
        recent = Report.objects.filter(
            client_hash=ip_hash, created_at__gte=now - dt.timedelta(hours=1)
        ).count()
        if recent >= limit:
            raise RateLimited(
                ngettext(
                    "Cảm ơn bạn đã gửi nhiều phản ánh. Để công bằng cho mọi người, mỗi thiết bị "
                    "gửi tối đa {limit} phản ánh trong một giờ; xin vui lòng thử lại sau ít phút.",
                    "Cảm ơn bạn đã gửi nhiều phản ánh. Để công bằng cho mọi người, mỗi thiết bị "
                    "gửi tối đa {limit} phản ánh trong một giờ; xin vui lòng thử lại sau ít phút.",
                    limit,
                ).format(limit=limit)
            )
    if phone_hash:
        limit = _setting("XASO_FEEDBACK_LIMIT_PER_PHONE", 5)
        recent = Report.objects.filter(
            reporter_phone_hash=phone_hash, created_at__gte=now - dt.timedelta(days=1)
        ).count()
        if recent >= limit:
            raise RateLimited(
                ngettext(
                    "Số điện thoại này đã gửi {count} phản ánh trong 24 giờ qua. Xin vui lòng "
                    "thử lại vào ngày mai, hoặc gọi đường dây nóng của phường nếu việc gấp.",
                    "Số điện thoại này đã gửi {count} phản ánh trong 24 giờ qua. Xin vui lòng "
                    "thử lại vào ngày mai, hoặc gọi đường dây nóng của phường nếu việc gấp.",
                    recent,
                ).format(count=recent)
            )


def new_report_code(year: int) -> str:
    return f"PA-{year}-{next_counter_value(f'feedback.report.{year}'):06d}"


def submit_report(
    actor,
    *,
    category: Category,
    description: str,
    channel: str = Channel.WEB,
    latitude: float | None = None,
    longitude: float | None = None,
    address: str = "",
    photos=(),
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    attributes: dict | None = None,
    client_ip: str | None = None,
    open311_client: Open311Client | None = None,
    group_id: int | None = None,
) -> Report:
    """A citizen (``actor`` None or anonymous), a group leader or an official files a report.

    Everything is checked before anything is written; photos are re-encoded first.
    """
    anonymous = not getattr(actor, "is_authenticated", False)
    unit = category.unit
    if not category.active:
        raise BusinessError(_("Lĩnh vực này không còn nhận phản ánh."), field="category")
    if channel in (Channel.HOTLINE, Channel.GROUP):
        allowed = permissions.can_triage(actor) or (
            channel == Channel.GROUP and getattr(actor, "role", None) == Role.GROUP_LEADER
        )
        scope = scope_for(actor)
        if anonymous or not allowed or not (scope.everything or unit.id in scope.unit_ids):
            raise NotAllowed(_("Bạn không được nhập phản ánh thay người dân cho xã/phường này."))
    description = _clean_text(
        description,
        label=pgettext("field", "Nội dung"),
        limit=MAX_DESCRIPTION,
        field="description",
    )
    if channel != Channel.OPEN311 and len(description) < MIN_DESCRIPTION:
        raise BusinessError(
            _("Hãy mô tả sự việc (ít nhất %(count)d ký tự).") % {"count": MIN_DESCRIPTION},
            field="description",
        )
    address = _clean_text(address, label=pgettext("field", "Địa điểm"), limit=300)
    reporter_name = _clean_text(reporter_name, label=pgettext("field", "Họ tên"), limit=120)
    reporter_email = _clean_text(reporter_email, label=pgettext("field", "Thư điện tử"), limit=200)
    phone = normalize_phone(reporter_phone) if (reporter_phone or "").strip() else ""
    if phone and phone_error(phone):
        raise BusinessError(phone_error(phone), field="reporter_phone")
    _check_location(unit, latitude, longitude, address)
    answers = clean_attributes(category, attributes)
    clean = clean_photos(photos)
    # One limit per device for anonymous web reports; the kiosk (one shared address) and
    # Open311 clients (one server speaking for many users) are limited by phone only.
    ip_hash = client_hash(client_ip) if anonymous and channel == Channel.WEB else ""
    phone_hash = blind_index(phone) if phone else ""
    if channel != Channel.HOTLINE:
        _check_rate_limit(ip_hash=ip_hash, phone_hash=phone_hash, anonymous=anonymous)

    if latitude is not None:
        group_id = geo.group_at(unit.id, latitude, longitude) or group_id
    if group_id is None and not anonymous and actor.role == Role.GROUP_LEADER:
        led = scope_for(actor).group_ids or ()
        group_id = next(iter(sorted(led)), None) if len(led) == 1 else None
    now = timezone.now()
    written: list[str] = []
    try:
        with transaction.atomic():
            report = Report.objects.create(
                unit=unit,
                group_id=group_id,
                category=category,
                code=new_report_code(timezone.localdate(now).year),
                status=S.NEW,
                channel=channel,
                description=description,
                attributes=answers,
                address=address,
                latitude=latitude,
                longitude=longitude,
                reporter_name=reporter_name,
                reporter_phone=phone,
                reporter_phone_hash=phone_hash,
                reporter_email=reporter_email,
                client_hash=ip_hash,
                filed_by=None if anonymous else actor,
                open311_client=open311_client,
                department=category.department,
                created_at=now,
                updated_at=now,
                due_at=due_time(now, category.sla_hours),
                access_key=secrets.token_urlsafe(16),
            )
            written += _save_photos(report, clean, PhotoKind.REPORT)
            _event(report, EventKind.SUBMITTED, actor=actor, before="", at=now)
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=report,
                changes={
                    "channel": channel,
                    "category": category.code,
                    "photos": len(clean),
                    # field names only: contact data is personal
                    "reporter": [n for n, v in (("name", reporter_name), ("phone", phone)) if v],
                },
            )
            emit("feedback.report_submitted", unit_id=unit.id, report_id=report.pk)
    except BaseException:
        for name in written:
            ReportPhoto._meta.get_field("image").storage.delete(name)
        raise
    return report


def _save_photos(report: Report, photos: list[CleanPhoto], kind: str) -> list[str]:
    names = []
    for photo in photos:
        row = ReportPhoto(report=report, kind=kind, width=photo.width, height=photo.height)
        row.image.save(photo.name, ContentFile(photo.content), save=False)
        names.append(row.image.name)
        row.save()
    return names


# ---------------------------------------------------------------------------------------------
# Triage and work


def _officials_only(actor, report: Report) -> None:
    _require_scope(actor, report)
    if not permissions.can_triage(actor):
        raise NotAllowed(_("Chỉ lãnh đạo, công chức của phường được tiếp nhận và phân công."))


@transaction.atomic
def accept_report(actor, *, report: Report) -> Report:
    _officials_only(actor, report)
    report = _locked(report)
    _require_status(report, [S.NEW], ACTIONS["accept"])
    before, now = report.status, timezone.now()
    report.status, report.accepted_at, report.updated_at = S.ACCEPTED, now, now
    report.save(update_fields=["status", "accepted_at", "updated_at"])
    _event(report, EventKind.ACCEPTED, actor=actor, before=before, at=now)
    _transition(actor, report, action="accept", event=EventKind.ACCEPTED)
    return report


@transaction.atomic
def reject_report(actor, *, report: Report, reason: str) -> Report:
    _officials_only(actor, report)
    reason = _clean_text(reason, label=pgettext("field", "Lý do"), limit=2000, field="reason")
    if len(reason) < 5:
        raise BusinessError(
            _("Hãy ghi lý do không tiếp nhận để người dân được biết."), field="reason"
        )
    report = _locked(report)
    _require_status(report, [S.NEW, S.ACCEPTED], ACTIONS["reject"])
    before, now = report.status, timezone.now()
    report.status, report.rejection_reason = S.REJECTED, reason
    report.closed_at = report.updated_at = now
    report.save(update_fields=["status", "rejection_reason", "closed_at", "updated_at"])
    _event(report, EventKind.REJECTED, actor=actor, before=before, note=reason, at=now)
    _transition(actor, report, action="reject", event=EventKind.REJECTED)
    return report


@transaction.atomic
def merge_report(actor, *, report: Report, into: Report) -> Report:
    """Mark ``report`` as a duplicate of ``into`` (followed to the original of a chain)."""
    _officials_only(actor, report)
    into = Report.objects.get(pk=into.pk)  # the caller's copy may be stale
    seen = {into.pk}
    while into.duplicate_of_id is not None and into.duplicate_of_id not in seen:
        into = into.duplicate_of
        seen.add(into.pk)
    if into.pk == report.pk:
        raise BusinessError(_("Không thể gộp một phản ánh vào chính nó."), field="into")
    if into.unit_id != report.unit_id:
        raise BusinessError(_("Chỉ gộp được phản ánh trong cùng xã/phường."), field="into")
    report = _locked(report)
    _require_status(report, [S.NEW, S.ACCEPTED, S.ASSIGNED], ACTIONS["merge"])
    before, now = report.status, timezone.now()
    report.status, report.duplicate_of = S.DUPLICATE, into
    report.closed_at = report.updated_at = now
    report.save(update_fields=["status", "duplicate_of", "closed_at", "updated_at"])
    with record_language():  # the citizen reads it on the public timeline
        note = _("Trùng với phản ánh {code}; kết quả xử lý sẽ được cập nhật ở phản ánh đó.").format(
            code=into.code
        )
    _event(report, EventKind.MERGED, actor=actor, before=before, note=note, at=now)
    _transition(actor, report, action="merge", event=EventKind.MERGED, into=into.code)
    return report


@transaction.atomic
def assign_report(actor, *, report: Report, department: Department, note: str = "") -> Report:
    _officials_only(actor, report)
    if department.unit_id != report.unit_id:
        raise BusinessError(_("Phòng/ban không thuộc xã/phường của phản ánh."), field="department")
    report = _locked(report)
    _require_status(report, [S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS], ACTIONS["assign"])
    before, now = report.status, timezone.now()
    report.status, report.department = S.ASSIGNED, department
    report.assigned_at = report.updated_at = now
    report.save(update_fields=["status", "department", "assigned_at", "updated_at"])
    note = _clean_text(note, label=pgettext("field", "Ghi chú"), limit=2000, field="note")
    _event(
        report, EventKind.ASSIGNED, actor=actor, before=before, note=note, at=now, dept=department
    )
    _transition(
        actor, report, action="assign", event=EventKind.ASSIGNED, department=department.code
    )
    staff = list(User.objects.filter(department=department, is_active=True))
    with record_language():
        title = _("Phản ánh {code} được chuyển cho {department}").format(
            code=report.code, department=department.name
        )
        body = _("{category}: hạn xử lý {due}.").format(
            category=report.category.name, due=_when(report.due_at)
        )
    notify(
        [department.head, *staff],
        title=title,
        body=body,
        url=f"/phan-anh/quan-ly/{report.code}/",
        unit_id=report.unit_id,
    )
    return report


@transaction.atomic
def start_report(actor, *, report: Report) -> Report:
    _require_scope(actor, report)
    if not permissions.can_work(actor, report):
        raise NotAllowed(_("Phản ánh này không được giao cho phòng/ban của bạn."))
    report = _locked(report)
    _require_status(report, [S.ASSIGNED], ACTIONS["start"])
    before, now = report.status, timezone.now()
    report.status, report.updated_at = S.IN_PROGRESS, now
    report.save(update_fields=["status", "updated_at"])
    _event(report, EventKind.STARTED, actor=actor, before=before, at=now, dept=report.department)
    _transition(actor, report, action="start", event=EventKind.STARTED)
    return report


def resolve_report(actor, *, report: Report, answer: str, photos=()) -> Report:
    _require_scope(actor, report)
    if not permissions.can_work(actor, report):
        raise NotAllowed(_("Phản ánh này không được giao cho phòng/ban của bạn."))
    answer = _clean_text(
        answer, label=pgettext("field", "Nội dung trả lời"), limit=MAX_DESCRIPTION, field="answer"
    )
    if len(answer) < MIN_DESCRIPTION:
        raise BusinessError(
            _("Hãy ghi nội dung trả lời công khai cho người dân (ít nhất {count} ký tự).").format(
                count=MIN_DESCRIPTION
            ),
            field="answer",
        )
    clean = clean_photos(photos)
    written: list[str] = []
    try:
        with transaction.atomic():
            report = _locked(report)
            _require_status(report, [S.ASSIGNED, S.IN_PROGRESS], ACTIONS["resolve"])
            before, now = report.status, timezone.now()
            report.status, report.answer = S.RESOLVED, answer
            report.resolved_at = report.closed_at = report.updated_at = now
            report.save(
                update_fields=["status", "answer", "resolved_at", "closed_at", "updated_at"]
            )
            written += _save_photos(report, clean, PhotoKind.RESOLUTION)
            _event(
                report,
                EventKind.RESOLVED,
                actor=actor,
                before=before,
                note=answer,
                at=now,
                dept=report.department,
            )
            _transition(
                actor,
                report,
                action="resolve",
                event=EventKind.RESOLVED,
                on_time=bool(report.due_at and now <= report.due_at),
            )
    except BaseException:
        for name in written:
            ReportPhoto._meta.get_field("image").storage.delete(name)
        raise
    return report


# ---------------------------------------------------------------------------------------------
# The citizen after the answer


def citizen_may_act(report: Report, *, access_key: str = "", phone: str = "") -> bool:
    """The person who filed: holds the report's secret key (the tracking link or the cookie
    set when filing) or gives the phone number they filed with."""
    if access_key and report.access_key and hmac.compare_digest(access_key, report.access_key):
        return True
    if phone and report.reporter_phone_hash:
        digest = blind_index(normalize_phone(phone))
        return hmac.compare_digest(digest, report.reporter_phone_hash)
    return False


def _require_citizen(report: Report, access_key: str, phone: str) -> None:
    if not citizen_may_act(report, access_key=access_key, phone=phone):
        raise NotAllowed(
            _(
                "Chỉ người đã gửi phản ánh mới đánh giá hoặc mở lại được: hãy mở đường dẫn theo "
                "dõi đã nhận khi gửi, hoặc nhập số điện thoại đã khai."
            )
        )


@transaction.atomic
def rate_report(
    *, report: Report, rating: int, comment: str = "", access_key: str = "", phone: str = ""
) -> Report:
    _require_citizen(report, access_key, phone)
    report = _locked(report)
    _require_status(report, [S.RESOLVED], ACTIONS["rate"])
    if report.rating is not None:
        raise BusinessError(_("Phản ánh này đã được đánh giá; mỗi phản ánh chỉ đánh giá một lần."))
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise BusinessError(_("Hãy chọn từ 1 đến 5 sao."), field="rating")
    comment = _clean_text(comment, label=pgettext("field", "Nhận xét"), limit=1000)
    now = timezone.now()
    report.rating, report.rating_comment, report.rated_at = rating, comment, now
    report.updated_at = now
    report.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
    _event(report, EventKind.RATED, actor=None, before=report.status, note=f"{rating}/5", at=now)
    _transition(None, report, action="rate", event=EventKind.RATED, rating=rating)
    return report


@transaction.atomic
def reopen_report(*, report: Report, reason: str, access_key: str = "", phone: str = "") -> Report:
    _require_citizen(report, access_key, phone)
    report = _locked(report)
    _require_status(report, [S.RESOLVED], ACTIONS["reopen"])
    now = timezone.now()
    if report.resolved_at and now - report.resolved_at > dt.timedelta(days=REOPEN_DAYS):
        raise BusinessError(
            ngettext(
                "Đã quá {days} ngày kể từ khi trả lời nên không mở lại được; xin gửi một phản "
                "ánh mới.",
                "Đã quá {days} ngày kể từ khi trả lời nên không mở lại được; xin gửi một phản "
                "ánh mới.",
                REOPEN_DAYS,
            ).format(days=REOPEN_DAYS)
        )
    reason = _clean_text(reason, label=pgettext("field", "Lý do"), limit=2000, field="reason")
    if len(reason) < 5:
        raise BusinessError(_("Hãy cho biết vì sao sự việc chưa được giải quyết."), field="reason")
    before = report.status
    report.status = S.ASSIGNED if report.department_id else S.ACCEPTED
    report.reopen_count += 1
    report.resolved_at = report.closed_at = report.escalated_at = None
    report.updated_at = now
    report.due_at = due_time(now, report.category.sla_hours)
    report.save()
    _event(report, EventKind.REOPENED, actor=None, before=before, note=reason, at=now)
    _transition(None, report, action="reopen", event=EventKind.REOPENED)
    return report


# ---------------------------------------------------------------------------------------------
# Escalation


def escalate_overdue_reports(*, now: dt.datetime | None = None) -> int:
    """Flag every open report past its due time that was not flagged since it became due:
    an internal timeline step and a notification to the department head and the commune's
    leaders. Run by the scheduler every few minutes; idempotent."""
    now = now or timezone.now()
    pending = Report.objects.filter(status__in=OPEN_STATUSES, due_at__lt=now).exclude(
        escalated_at__gte=F("due_at")
    )
    count = 0
    for report_id in pending.values_list("id", flat=True).iterator():
        if _escalate_one(report_id, now):
            count += 1
    return count


@transaction.atomic
def _escalate_one(report_id: int, now: dt.datetime) -> bool:
    report = (
        Report.objects.select_for_update(of=("self",))
        .select_related("department", "category")
        .get(pk=report_id)
    )
    if report.status in CLOSED_STATUSES or report.due_at is None or report.due_at >= now:
        return False
    if report.escalated_at and report.escalated_at >= report.due_at:
        return False
    report.escalated_at = now
    report.save(update_fields=["escalated_at"])
    hours = round((now - report.due_at).total_seconds() / 3600)
    with record_language():
        holder = report.department.name if report.department else _("bộ phận tiếp nhận")
        note = ngettext(
            "Quá hạn {hours} giờ; đang do {holder} xử lý.",
            "Quá hạn {hours} giờ; đang do {holder} xử lý.",
            hours,
        ).format(hours=hours, holder=holder)
        title = _("Phản ánh {code} quá hạn").format(code=report.code)
    with record_language():
        system = _("Hệ thống")
    _event(
        report,
        EventKind.ESCALATED,
        actor=None,
        before=report.status,
        note=note,
        public=False,
        label=system,
    )
    leaders = User.objects.filter(unit_id=report.unit_id, role=Role.COMMUNE_LEADER, is_active=True)
    recipients = [report.department.head if report.department else None, *leaders]
    notify(
        recipients,
        title=title,
        body=f"{report.category.name} — {note}",
        url=f"/phan-anh/quan-ly/{report.code}/",
        unit_id=report.unit_id,
    )
    audit.record(actor=None, action=AuditAction.UPDATE, obj=report, changes={"action": "escalate"})
    emit("feedback.report_escalated", unit_id=report.unit_id, report_id=report.pk)
    return True


# ---------------------------------------------------------------------------------------------
# Categories and Open311 clients


@transaction.atomic
def create_category(
    actor,
    *,
    unit: AdministrativeUnit,
    code: str,
    name: str,
    sla_hours: int,
    department: Department | None = None,
    group: str = "",
    description: str = "",
    keywords: str = "",
    order: int = 0,
) -> Category:
    if not permissions.can_triage(actor) and not getattr(actor, "is_superuser", False):
        raise NotAllowed(_("Bạn không được tạo lĩnh vực phản ánh."))
    if not scope_for(actor).allows_unit(unit.id):
        raise NotAllowed(_("Bạn không được tạo lĩnh vực cho xã/phường này."))
    if Category.objects.filter(unit=unit, code=code).exists():
        raise BusinessError(_("Mã lĩnh vực “{code}” đã có.").format(code=code), field="code")
    category = Category.objects.create(
        unit=unit,
        code=code,
        name=name,
        sla_hours=sla_hours,
        department=department,
        group=group,
        description=description,
        keywords=keywords,
        order=order,
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=category)
    return category


def _key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_open311_client(
    actor, *, name: str, unit: AdministrativeUnit | None = None
) -> tuple[Open311Client, str]:
    """Issue an API key for an Open311 client; the key is returned once and only its digest
    is stored."""
    name = (name or "").strip()
    if not name:
        raise BusinessError(_("Hãy đặt tên cho ứng dụng."), field="name")
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    client = Open311Client.objects.create(
        name=name[:120], unit=unit, prefix=key[:10], digest=_key_digest(key)
    )
    audit.record(
        actor=actor,
        action=AuditAction.TOKEN,
        obj=client,
        unit_id=unit.id if unit else None,
        changes={"open311_key": "created"},
    )
    return client, key


@transaction.atomic
def revoke_open311_client(actor, *, client: Open311Client) -> Open311Client:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor, action=AuditAction.TOKEN, obj=client, changes={"open311_key": "revoked"}
        )
    return client


def authenticate_open311_key(key: str | None) -> Open311Client | None:
    if not key or not key.startswith(KEY_PREFIX):
        return None
    client = Open311Client.objects.filter(digest=_key_digest(key), revoked_at__isnull=True).first()
    if client is not None:
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at > dt.timedelta(minutes=5):
            Open311Client.objects.filter(pk=client.pk).update(last_used_at=now)
    return client


@transaction.atomic
def install_default_categories(actor, *, unit: AdministrativeUnit) -> int:
    """Give a commune the default categories (those it does not have yet); the handling
    department is matched by code among the commune's departments. Returns how many."""
    from xaso.feedback.catalogue import DEFAULT_CATEGORIES
    from xaso.feedback.models import CategoryAttribute

    if actor is not None and not (
        getattr(actor, "is_superuser", False) or permissions.can_triage(actor)
    ):
        raise NotAllowed(_("Bạn không được cài đặt lĩnh vực phản ánh."))
    departments = {d.code: d for d in Department.objects.filter(unit=unit)}
    existing = set(Category.objects.filter(unit=unit).values_list("code", flat=True))
    created = 0
    for order, spec in enumerate(DEFAULT_CATEGORIES, start=1):
        if spec.code in existing:
            continue
        category = Category.objects.create(
            unit=unit,
            code=spec.code,
            name=spec.name,
            group=spec.group,
            keywords=spec.keywords,
            description=spec.description,
            department=departments.get(spec.department),
            sla_hours=spec.sla_hours,
            order=order,
        )
        for attribute in spec.attributes:
            CategoryAttribute.objects.create(category=category, **attribute)
        created += 1
    if created:
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            unit_id=unit.id,
            object_type="feedback.category",
            object_repr=f"{created} lĩnh vực mặc định",
        )
    return created

"""Scoped reads of citizen feedback: the officials' queue, one report, the public view."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from xaso.core import audit
from xaso.core.choices import AuditAction
from xaso.core.crypto import mask, mask_phone
from xaso.feedback import permissions
from xaso.feedback.choices import OPEN_STATUSES, ReportStatus
from xaso.feedback.models import Category, Report, ReportEvent, ReportPhoto


def categories_for_unit(unit_id: int) -> QuerySet[Category]:
    """The active categories of a commune (public: the citizen's form, Open311 services)."""
    return Category.objects.filter(unit_id=unit_id, active=True).prefetch_related("attributes")


def categories_for(actor) -> QuerySet[Category]:
    return Category.objects.for_actor(actor).select_related("department")


def reports_for(actor) -> QuerySet[Report]:
    return Report.objects.for_actor(actor).select_related("category", "department", "group")


QUEUES = {
    "new": "Mới gửi",
    "overdue": "Quá hạn",
    "today": "Đến hạn hôm nay",
    "open": "Đang mở",
    "mine": "Phòng/ban của tôi",
    "closed": "Đã đóng",
    "all": "Tất cả",
}


def queue(
    actor,
    *,
    view: str = "open",
    category_id: int | None = None,
    department_id: int | None = None,
    group_id: int | None = None,
    query: str = "",
    now: dt.datetime | None = None,
) -> QuerySet[Report]:
    """The officials' work list; ``view`` is one of ``QUEUES``. Overdue first, then by due time."""
    now = now or timezone.now()
    rows = reports_for(actor)
    if view == "new":
        rows = rows.filter(status=ReportStatus.NEW)
    elif view == "overdue":
        rows = rows.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    elif view == "today":
        end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
        rows = rows.filter(status__in=OPEN_STATUSES, due_at__gte=now, due_at__lte=end_of_day)
    elif view == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif view == "mine":
        rows = rows.filter(
            status__in=OPEN_STATUSES, department_id=getattr(actor, "department_id", None)
        )
    elif view == "closed":
        rows = rows.exclude(status__in=OPEN_STATUSES)
    if category_id:
        rows = rows.filter(category_id=category_id)
    if department_id:
        rows = rows.filter(department_id=department_id)
    if group_id:
        rows = rows.filter(group_id=group_id)
    query = (query or "").strip()
    if query:
        rows = rows.filter(Q(code__iexact=query) | Q(description__icontains=query))
    if view in ("closed", "all"):
        return rows.order_by("-created_at")
    return rows.order_by("due_at", "created_at")


def queue_counts(actor, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Numbers on the queue's tabs, in one query."""
    now = now or timezone.now()
    end_of_day = timezone.localtime(now).replace(hour=23, minute=59, second=59)
    open_ = Q(status__in=OPEN_STATUSES)
    return Report.objects.for_actor(actor).aggregate(
        new=Count("id", filter=Q(status=ReportStatus.NEW)),
        overdue=Count("id", filter=open_ & Q(due_at__lt=now)),
        today=Count("id", filter=open_ & Q(due_at__gte=now, due_at__lte=end_of_day)),
        open=Count("id", filter=open_),
        mine=Count(
            "id", filter=open_ & Q(department_id=getattr(actor, "department_id", None) or -1)
        ),
    )


def overdue_by_holder(actor, *, now: dt.datetime | None = None) -> list[dict]:
    """For the leader: how many overdue reports each department holds (None: not assigned)."""
    now = now or timezone.now()
    rows = (
        Report.objects.for_actor(actor)
        .filter(status__in=OPEN_STATUSES, due_at__lt=now)
        .values("department_id", "department__name")
        .annotate(count=Count("id"))
        .order_by("-count")
    )
    return [
        {
            "department_id": r["department_id"],
            "name": r["department__name"] or "Chưa phân công",
            "count": r["count"],
        }
        for r in rows
    ]


def get_report(actor, code: str) -> Report:
    report = reports_for(actor).filter(code=code).first()
    if report is None:
        raise Http404("Không tìm thấy phản ánh.")
    return report


def timeline(report: Report, *, public_only: bool) -> QuerySet[ReportEvent]:
    rows = report.events.select_related("department").order_by("at", "id")
    return rows.filter(public=True) if public_only else rows


def photos(report: Report, *, kind: str | None = None) -> QuerySet[ReportPhoto]:
    rows = report.photos.all()
    return rows.filter(kind=kind) if kind else rows


def public_report(code: str) -> Report:
    """A report as anyone with its code sees it (no contact data is ever shown there)."""
    report = (
        Report.objects.select_related("category", "department", "unit", "duplicate_of")
        .filter(code=(code or "").strip().upper())
        .first()
    )
    if report is None:
        raise Http404("Không tìm thấy phản ánh với mã này.")
    return report


def reporter_contact(actor, report: Report) -> dict[str, str]:
    """The reporter's name, phone and e-mail: in clear (and audited) for those working the
    report, masked for everyone else."""
    if permissions.can_see_reporter(actor, report):
        if report.reporter_name or report.reporter_phone or report.reporter_email:
            audit.record(
                actor=actor,
                action=AuditAction.READ_PII,
                obj=report,
                changes={"fields": ["reporter_name", "reporter_phone", "reporter_email"]},
            )
        return {
            "name": report.reporter_name,
            "phone": report.reporter_phone,
            "email": report.reporter_email,
        }
    return {
        "name": mask(report.reporter_name, 1, 0) if report.reporter_name else "",
        "phone": mask_phone(report.reporter_phone),
        "email": mask(report.reporter_email, 2, 4) if report.reporter_email else "",
    }

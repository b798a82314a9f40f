"""Scoped reads of citizen feedback: the officials' queue, one report, the public view."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core import audit
from xaso.core.choices import AuditAction, UnitLevel
from xaso.core.crypto import mask, mask_phone
from xaso.core.models import AdministrativeUnit, AuditLog, ResidentialGroup
from xaso.feedback import permissions
from xaso.feedback.choices import OPEN_STATUSES, PhotoKind, ReportStatus
from xaso.feedback.models import Category, CategoryAttribute, Report, ReportEvent, ReportPhoto


def categories_for_unit(unit_id: int) -> QuerySet[Category]:
    """The active categories of a commune (public: the citizen's form, Open311 services)."""
    return Category.objects.filter(unit_id=unit_id, active=True).prefetch_related("attributes")


def categories_for(actor) -> QuerySet[Category]:
    return Category.objects.for_actor(actor).select_related("department")


def reports_for(actor) -> QuerySet[Report]:
    return Report.objects.for_actor(actor).select_related("category", "department", "group")


QUEUES = {
    "new": gettext_lazy("Mới gửi"),
    "overdue": gettext_lazy("Quá hạn"),
    "today": gettext_lazy("Đến hạn hôm nay"),
    "open": gettext_lazy("Đang mở"),
    "mine": gettext_lazy("Phòng/ban của tôi"),
    "closed": gettext_lazy("Đã đóng"),
    "all": gettext_lazy("Tất cả"),
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
            "name": r["department__name"] or _("Chưa phân công"),
            "count": r["count"],
        }
        for r in rows
    ]


def get_report(actor, code: str) -> Report:
    report = reports_for(actor).filter(code=code).first()
    if report is None:
        raise Http404(_("Không tìm thấy phản ánh."))
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
        raise Http404(_("Không tìm thấy phản ánh với mã này."))
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
    return reporter_contact_masked(report)


# ---------------------------------------------------------------------------------------------
# Open311 GeoReport v2: public reads. Every GET of the standard is public, so there is no actor;
# each read is limited to one commune (the ``jurisdiction_id``) and never loads reporter contact
# data.

# What a GET request answer shows of a report; the encrypted contact fields are never loaded.
OPEN311_REPORT_FIELDS = (
    "code",
    "status",
    "description",
    "address",
    "latitude",
    "longitude",
    "rejection_reason",
    "answer",
    "created_at",
    "updated_at",
    "closed_at",
    "due_at",
    "category__code",
    "category__name",
    "category__sla_hours",
    "department__name",
)


def open311_jurisdictions() -> QuerySet[AdministrativeUnit]:
    """The communes that take reports through Open311: those with an active category."""
    active = Category.objects.filter(unit=OuterRef("pk"), active=True)
    return AdministrativeUnit.objects.filter(Exists(active)).order_by("code")


def open311_jurisdiction(code: str) -> AdministrativeUnit | None:
    """The commune whose ``jurisdiction_id`` (unit code) is ``code``, if it has categories
    (a commune whose categories were all switched off still answers for its old reports)."""
    known = Category.objects.filter(unit=OuterRef("pk"))
    return (
        AdministrativeUnit.objects.filter(code=code, level=UnitLevel.COMMUNE)
        .filter(Exists(known))
        .first()
    )


def open311_services(unit_id: int) -> QuerySet[Category]:
    """GET services: the commune's active categories, each knowing whether it has questions."""
    questions = CategoryAttribute.objects.filter(category=OuterRef("pk"))
    return (
        Category.objects.filter(unit_id=unit_id, active=True)
        .annotate(has_attributes=Exists(questions))
        .order_by("order", "name")
    )


def open311_service(unit_id: int, code: str) -> Category | None:
    """One active category with its questions (GET service definition, POST requests)."""
    return categories_for_unit(unit_id).filter(code=code).select_related("unit").first()


def open311_requests(unit_id: int) -> QuerySet[Report]:
    """GET requests: the commune's reports, newest first, in one query whatever their number
    (category, department, the first citizen photo and the original of a duplicate joined)."""
    first_photo = (
        ReportPhoto.objects.filter(report=OuterRef("pk"), kind=PhotoKind.REPORT)
        .order_by("id")
        .values("id")[:1]
    )
    return (
        Report.objects.filter(unit_id=unit_id)
        .select_related("category", "department")
        .only(*OPEN311_REPORT_FIELDS)
        .annotate(first_photo_id=Subquery(first_photo), duplicate_code=F("duplicate_of__code"))
        .order_by("-created_at", "-id")
    )


def open311_changeset() -> dt.datetime | None:
    """When a category or a category question last changed anywhere (their audit records):
    the discovery document's ``changeset``, which tells clients to refresh cached services."""
    types = ["feedback.category", "feedback.categoryattribute"]
    return AuditLog.objects.filter(object_type__in=types).aggregate(at=Max("at"))["at"]


# ---------------------------------------------------------------------------------------------
# The HTML pages (views.py): the map of a commune, photos, questions answered, masked contact.


def communes_taking_reports() -> QuerySet[AdministrativeUnit]:
    """Communes with an active category, the one set up first leading: the citizen's form
    opens on it when the address does not name a commune (``?xa=00611``)."""
    return (
        AdministrativeUnit.objects.filter(
            Exists(Category.objects.filter(unit=OuterRef("pk"), active=True))
        )
        .annotate(first_category=Min("feedback_categories__id"))
        .order_by("first_category", "code")
    )


def group_boundaries(unit_id: int) -> dict:
    """The commune's residential-group boundaries as a GeoJSON FeatureCollection for the
    citizen's map: public, names and codes only (no leader, no counts)."""
    rows = ResidentialGroup.objects.filter(unit_id=unit_id, boundary__isnull=False).order_by("code")
    features = [
        {
            "type": "Feature",
            "id": group_id,
            "geometry": boundary,
            "properties": {"code": code, "name": name},
        }
        for group_id, code, name, boundary in rows.values_list("id", "code", "name", "boundary")
        if isinstance(boundary, dict) and boundary.get("type") in ("Polygon", "MultiPolygon")
    ]
    return {"type": "FeatureCollection", "features": features}


def visible_photo(actor, pk: int) -> ReportPhoto:
    """A photo as ``actor`` may see it. Photos of reports are public, except those of rejected
    reports (a report is often rejected because it shows something private): those only for the
    officials whose scope holds the report."""
    photo = ReportPhoto.objects.select_related("report").filter(pk=pk).first()
    if photo is None:
        raise Http404(_("Không tìm thấy ảnh."))
    rejected = photo.report.status == ReportStatus.REJECTED
    if rejected and not Report.objects.for_actor(actor).filter(pk=photo.report_id).exists():
        raise Http404(_("Không tìm thấy ảnh."))
    return photo


def attribute_answers(report: Report) -> list[tuple[str, str]]:
    """The report's answers to its category's extra questions, as (question, answer) in the
    questions' order, with list keys shown by their names."""
    answers = report.attributes or {}
    rows = []
    for attribute in report.category.attributes.all():
        value = answers.get(attribute.code)
        if value in (None, "", []):
            continue
        names = {str(v.get("key")): str(v.get("name")) for v in attribute.values or []}
        values = value if isinstance(value, list) else [value]
        rows.append((attribute.description, ", ".join(names.get(str(v), str(v)) for v in values)))
    return rows


def reporter_contact_masked(report: Report) -> dict[str, str]:
    """The reporter's contact details masked, for a page that offers to reveal them (reading
    the masked form is not a read of personal data, so it is not audited)."""
    return {
        "name": mask(report.reporter_name, 1, 0) if report.reporter_name else "",
        "phone": mask_phone(report.reporter_phone),
        "email": mask(report.reporter_email, 2, 4) if report.reporter_email else "",
    }

"""HTML pages of citizen feedback (phản ánh kiến nghị): thin views over selectors and services.

- The citizen, without an account, on a phone or the ward's kiosk: the landing page, the form,
  the page that gives the tracking code, the tracking page with rating and reopening.
- Officials: the queue, a report's page with one URL per action, filing on behalf of a
  resident (group leaders) or a caller (the hotline desk), the notifications inbox.
- Files: photos (public unless the report was rejected) and the commune's group boundaries
  as GeoJSON for the citizen's map.

The citizen who filed proves it with the report's secret key: in the private tracking link
(``?k=``) and, on their own browser (not on the kiosk), in a signed cookie.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from xaso.core.choices import Role
from xaso.core.exceptions import BusinessError, NotAllowed, RateLimited
from xaso.core.selectors import departments_for, groups_for, notifications_for
from xaso.core.services import mark_notifications_read
from xaso.feedback import geo, permissions, selectors, services
from xaso.feedback.choices import Channel, PhotoKind, ReportStatus
from xaso.feedback.forms import ReportForm
from xaso.feedback.photos import MAX_PHOTOS

ACCESS_COOKIE = "xaso_pa"
ACCESS_SALT = "xaso.feedback.access"
ACCESS_COOKIE_DAYS = 180
ACCESS_COOKIE_KEEP = 20  # the reports of one browser it remembers, newest kept
PER_PAGE = 50
S = ReportStatus
TABS = {
    "new": gettext_lazy("Mới gửi"),
    "overdue": gettext_lazy("Quá hạn"),
    "today": gettext_lazy("Đến hạn hôm nay"),
    "open": gettext_lazy("Đang mở"),
    "mine": gettext_lazy("Phòng/ban của tôi"),
    "closed": gettext_lazy("Đã đóng"),
}
STARS = [
    ("1", gettext_lazy("Rất không hài lòng")),
    ("2", gettext_lazy("Không hài lòng")),
    ("3", gettext_lazy("Tạm được")),
    ("4", gettext_lazy("Hài lòng")),
    ("5", gettext_lazy("Rất hài lòng")),
]


# ---------------------------------------------------------------------------------------------
# Helpers


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def is_kiosk(request) -> bool:
    """The request comes from one of the ward's kiosks (``settings.XASO_KIOSK_IPS``)."""
    ip = _client_ip(request)
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for entry in getattr(settings, "XASO_KIOSK_IPS", []):
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def _remembered_keys(request) -> dict[str, str]:
    """code → access key of the reports filed from this browser."""
    raw = request.get_signed_cookie(
        ACCESS_COOKIE, default="", salt=ACCESS_SALT, max_age=ACCESS_COOKIE_DAYS * 86400
    )
    keys = {}
    for item in raw.split("|") if raw else []:
        code, _sep, key = item.partition(":")
        if code and key:
            keys[code] = key
    return keys


def _remember_key(request, response, report) -> None:
    keys = _remembered_keys(request)
    keys.pop(report.code, None)
    keys[report.code] = report.access_key
    kept = list(keys.items())[-ACCESS_COOKIE_KEEP:]
    response.set_signed_cookie(
        ACCESS_COOKIE,
        "|".join(f"{code}:{key}" for code, key in kept),
        salt=ACCESS_SALT,
        max_age=ACCESS_COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _citizen_key(request, report) -> str:
    """The report's key if this browser holds it (link or cookie), else ''."""
    for key in (request.GET.get("k", ""), request.POST.get("k", "")):
        if key and services.citizen_may_act(report, access_key=key):
            return key
    key = _remembered_keys(request).get(report.code, "")
    return key if key and services.citizen_may_act(report, access_key=key) else ""


def lateness(report, now=None) -> str:
    """“quá hạn 5 giờ” for an open report past its due time, else ''."""
    now = now or timezone.now()
    if not report.is_overdue(now):
        return ""
    hours = (now - report.due_at).total_seconds() / 3600
    if hours < 48:
        count = max(1, math.floor(hours))
        return ngettext("quá hạn %(count)d giờ", "quá hạn %(count)d giờ", count) % {"count": count}
    days = math.floor(hours / 24)
    return ngettext("quá hạn %(count)d ngày", "quá hạn %(count)d ngày", days) % {"count": days}


def _citizen_commune(request):
    """The commune the citizen files with: ``?xa=<unit code>``, else the first one."""
    communes = selectors.communes_taking_reports()
    code = (request.GET.get("xa") or request.POST.get("xa") or "").strip()
    unit = communes.filter(code=code).first() if code else communes.first()
    if unit is None:
        raise Http404(_("Xã/phường này chưa nhận phản ánh trực tuyến."))
    return unit, communes


def _form_categories(unit_id: int):
    return list(selectors.categories_for_unit(unit_id).order_by("order", "name"))


def _file_report(request, form, *, unit, channel, group_id=None):
    """Submit a valid form through the service. Returns (report, status)."""
    if not form.is_valid():
        return None, 400
    data = form.cleaned_data
    category = data["category"]
    if group_id is None and data.get("group") is not None:
        group_id = data["group"].pk
    try:
        report = services.submit_report(
            request.user,
            category=category,
            description=data["description"],
            channel=channel,
            latitude=data["latitude"],
            longitude=data["longitude"],
            address=data["address"],
            photos=request.FILES.getlist("photos"),
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            reporter_email=data["reporter_email"],
            attributes=form.attributes(category),
            client_ip=_client_ip(request),
            group_id=group_id,
        )
    except NotAllowed:
        raise
    except RateLimited as error:
        form.add_error(None, error.message)
        return None, 429
    except BusinessError as error:
        form.add_business_error(error, category)
        return None, 400
    return report, 200


def _form_context(request, form, unit, **extra) -> dict:
    bounds = geo.commune_bounds(unit.id) if unit else None
    return {
        "form": form,
        "unit": unit,
        "max_photos": MAX_PHOTOS,
        "photos_dropped": request.method == "POST" and bool(request.FILES.getlist("photos")),
        "map_bounds": ",".join(f"{v:.6f}" for v in bounds) if bounds else "",
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# The citizen


def index(request):
    unit = selectors.communes_taking_reports().first()
    return render(request, "feedback/index.html", {"unit": unit})


def submit(request):
    unit, communes = _citizen_commune(request)
    kiosk = is_kiosk(request)
    form = ReportForm(request.POST or None, categories=_form_categories(unit.id))
    status = 200
    if request.method == "POST":
        channel = Channel.KIOSK if kiosk else Channel.WEB
        report, status = _file_report(request, form, unit=unit, channel=channel)
        if report is not None:
            if kiosk:
                # Nothing of this citizen stays on the shared kiosk: no cookie, no address
                # with the key in the history; the page is the answer to the POST itself.
                return render(request, "feedback/submitted.html", _submitted(request, report))
            url = reverse("feedback:submitted", args=[report.code])
            response = redirect(f"{url}?{urlencode({'k': report.access_key})}")
            _remember_key(request, response, report)
            return response
    context = _form_context(
        request,
        form,
        unit,
        communes=communes if communes.count() > 1 else None,
        kiosk=kiosk,
        on_behalf=False,
    )
    return render(request, "feedback/submit.html", context, status=status)


def _submitted(request, report) -> dict:
    link = reverse("feedback:track_detail", args=[report.code])
    return {
        "report": report,
        "kiosk": is_kiosk(request),
        "private_link": request.build_absolute_uri(f"{link}?{urlencode({'k': report.access_key})}"),
    }


def submitted(request, code):
    report = selectors.public_report(code)
    if not services.citizen_may_act(report, access_key=request.GET.get("k", "")):
        return redirect("feedback:track_detail", code=report.code)
    return render(request, "feedback/submitted.html", _submitted(request, report))


def track(request):
    code = (request.GET.get("ma") or "").strip().upper().replace(" ", "")
    error = ""
    if code:
        if code.isdigit():
            code = f"PA-{timezone.localdate().year}-{int(code):06d}"
        try:
            report = selectors.public_report(code)
        except Http404:
            error = _("Không tìm thấy phản ánh mã «%(code)s». Mã có dạng PA-2026-000123.") % {
                "code": code
            }
        else:
            return redirect("feedback:track_detail", code=report.code)
    return render(
        request,
        "feedback/track.html",
        {"code": code, "error": error, "mine": list(_remembered_keys(request))[::-1]},
        status=404 if error else 200,
    )


def _track_context(request, report, **extra) -> dict:
    key = _citizen_key(request, report)
    now = timezone.now()
    resolved = report.status == S.RESOLVED
    reopen_until = (
        report.resolved_at + dt.timedelta(days=services.REOPEN_DAYS)
        if resolved and report.resolved_at
        else None
    )
    hidden = report.status == S.REJECTED  # its content may be private: only the outcome shows
    return {
        "report": report,
        "events": selectors.timeline(report, public_only=True),
        "report_photos": [] if hidden else selectors.photos(report, kind=PhotoKind.REPORT),
        "resolution_photos": selectors.photos(report, kind=PhotoKind.RESOLUTION),
        "hidden": hidden,
        "key": key,
        "may_rate": resolved and report.rating is None,
        "may_reopen": bool(reopen_until and now <= reopen_until),
        "reopen_until": reopen_until,
        "phone_needed": not key,
        "late": lateness(report, now),
        "star_labels": STARS,
        "values": {},
        **extra,
    }


def track_detail(request, code):
    report = selectors.public_report(code)
    return render(request, "feedback/track_detail.html", _track_context(request, report))


def _citizen_action(request, code, action, done: str):
    report = selectors.public_report(code)
    key = _citizen_key(request, report)
    phone = request.POST.get("phone", "").strip()
    try:
        action(report, key, phone)
    except BusinessError as error:
        status = 403 if isinstance(error, NotAllowed) else 400
        context = _track_context(
            request, report, error=error.message, values=request.POST, failed=done
        )
        return render(request, "feedback/track_detail.html", context, status=status)
    messages.success(
        request,
        _("Đã ghi nhận đánh giá của bạn. Cảm ơn bạn!")
        if done == "rate"
        else _("Phản ánh đã được mở lại và chuyển cho bộ phận xử lý."),
    )
    url = reverse("feedback:track_detail", args=[report.code])
    from_link = request.POST.get("k") and request.POST.get("k") == key
    return redirect(f"{url}?{urlencode({'k': key})}" if from_link else url)


@require_POST
def rate(request, code):
    def act(report, key, phone):
        services.rate_report(
            report=report,
            rating=request.POST.get("rating"),
            comment=request.POST.get("comment", ""),
            access_key=key,
            phone=phone,
        )

    return _citizen_action(request, code, act, "rate")


@require_POST
def reopen(request, code):
    def act(report, key, phone):
        services.reopen_report(
            report=report, reason=request.POST.get("reason", ""), access_key=key, phone=phone
        )

    return _citizen_action(request, code, act, "reopen")


def photo(request, pk):
    picture = selectors.visible_photo(request.user, pk)
    try:
        handle = picture.image.open("rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(_("Không tìm thấy ảnh.")) from exc
    response = FileResponse(handle, content_type="image/jpeg")
    public = picture.report.status != S.REJECTED
    # Photos never change (each is a new file); whether one is public can, so keep it short.
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=3600"
    response["Content-Disposition"] = f'inline; filename="{picture.report.code}-{picture.pk}.jpg"'
    return response


def boundaries(request, unit_code):
    unit = selectors.communes_taking_reports().filter(code=unit_code).first()
    if unit is None:
        raise Http404(_("Xã/phường này chưa nhận phản ánh trực tuyến."))
    response = JsonResponse(
        selectors.group_boundaries(unit.id), content_type="application/geo+json"
    )
    response["Cache-Control"] = "public, max-age=600"
    return response


# ---------------------------------------------------------------------------------------------
# Officials


def _require_queue(user) -> None:
    if not permissions.can_view_queue(user):
        raise NotAllowed(_("Vai trò của bạn không xử lý phản ánh."))


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


@login_required
def queue(request):
    user = request.user
    _require_queue(user)
    has_department = bool(getattr(user, "department_id", None))
    default = "mine" if has_department else ("new" if permissions.can_triage(user) else "open")
    view = request.GET.get("xem") or default
    if view not in selectors.QUEUES or (view == "mine" and not has_department):
        view = default
    filters = {
        "category_id": _int(request.GET.get("linh_vuc")),
        "department_id": _int(request.GET.get("phong")),
        "group_id": _int(request.GET.get("to")),
    }
    query = request.GET.get("q", "").strip()[:100]
    now = timezone.now()
    rows = selectors.queue(user, view=view, query=query, now=now, **filters)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    for report in page:
        report.late = lateness(report, now)
    counts = selectors.queue_counts(user, now=now)
    tabs = [
        {"key": key, "label": label, "count": counts.get(key)}
        for key, label in TABS.items()
        if key != "mine" or has_department
    ]
    context = {
        "page": page,
        "view": view,
        "tabs": tabs,
        "query": query,
        "filters": filters,
        "categories": selectors.categories_for(user)
        .select_related(None)
        .only("id", "name", "unit_id"),
        "departments": departments_for(user).select_related(None).only("id", "name", "unit_id"),
        "groups": groups_for(user).select_related(None).only("id", "name", "unit_id"),
        "overdue_by_holder": (
            selectors.overdue_by_holder(user, now=now)
            if user.role == Role.COMMUNE_LEADER or user.is_superuser
            else None
        ),
        "can_file": permissions.can_file_for_resident(user),
    }
    if request.headers.get("HX-Request"):
        return render(request, "feedback/queue.html#results", context)
    return render(request, "feedback/queue.html", context)


def _manage_context(request, report, **extra) -> dict:
    user = request.user
    triage = permissions.can_triage(user)
    work = permissions.can_work(user, report)
    status = report.status
    photos = list(selectors.photos(report))
    has_contact = bool(report.reporter_name or report.reporter_phone or report.reporter_email)
    return {
        "report": report,
        "answers": selectors.attribute_answers(report),
        "report_photos": [p for p in photos if p.kind == PhotoKind.REPORT],
        "resolution_photos": [p for p in photos if p.kind == PhotoKind.RESOLUTION],
        "events": selectors.timeline(report, public_only=False).select_related("actor"),
        "contact": selectors.reporter_contact_masked(report),
        "has_contact": has_contact,
        "can_reveal": has_contact and permissions.can_see_reporter(user, report),
        "late": lateness(report),
        "show": {
            "accept": triage and status == S.NEW,
            "reject": triage and status in (S.NEW, S.ACCEPTED),
            "merge": triage and status in (S.NEW, S.ACCEPTED, S.ASSIGNED),
            "assign": triage and status in (S.ACCEPTED, S.ASSIGNED, S.IN_PROGRESS),
            "start": work and status == S.ASSIGNED,
            "resolve": work and status in (S.ASSIGNED, S.IN_PROGRESS),
        },
        "departments": departments_for(user)
        .filter(unit_id=report.unit_id)
        .select_related(None)
        .only("id", "name"),
        "read_only": not (triage or work),
        "values": {},
        "failed": "",
        **extra,
    }


@login_required
def manage(request, code):
    _require_queue(request.user)
    report = selectors.get_report(request.user, code)
    return render(request, "feedback/manage.html", _manage_context(request, report))


@login_required
@require_POST
def reveal_contact(request, code):
    _require_queue(request.user)
    report = selectors.get_report(request.user, code)
    contact = selectors.reporter_contact(request.user, report)  # audited when in clear
    revealed = permissions.can_see_reporter(request.user, report)
    context = _manage_context(request, report, contact=contact, revealed=revealed)
    if request.headers.get("HX-Request"):
        return render(request, "feedback/manage.html#contact", context)
    return render(request, "feedback/manage.html", context)


def _official_action(request, code, name: str, action, done):
    """Run ``action(report)`` for a posted form; a refused action shows the page again with
    the message next to the form and what was typed kept; nothing is changed then."""
    _require_queue(request.user)
    report = selectors.get_report(request.user, code)
    try:
        action(report)
    except NotAllowed:
        raise
    except BusinessError as error:
        context = _manage_context(
            request, report, error=error.message, failed=name, values=request.POST
        )
        return render(request, "feedback/manage.html", context, status=400)
    messages.success(request, done(report) if callable(done) else done)
    return redirect("feedback:manage", code=report.code)


@login_required
@require_POST
def accept(request, code):
    def act(report):
        services.accept_report(request.user, report=report)

    return _official_action(request, code, "accept", act, _("Đã tiếp nhận phản ánh."))


@login_required
@require_POST
def reject(request, code):
    def act(report):
        services.reject_report(request.user, report=report, reason=request.POST.get("reason", ""))

    return _official_action(request, code, "reject", act, _("Đã không tiếp nhận phản ánh."))


@login_required
@require_POST
def merge(request, code):
    def act(report):
        into_code = request.POST.get("into", "").strip().upper()
        into = selectors.reports_for(request.user).filter(code=into_code).first()
        if into is None:
            raise BusinessError(
                _("Không tìm thấy phản ánh mã «%(code)s».") % {"code": into_code}, field="into"
            )
        services.merge_report(request.user, report=report, into=into)

    return _official_action(
        request, code, "merge", act, _("Đã gộp vào phản ánh trùng; người dân được báo.")
    )


@login_required
@require_POST
def assign(request, code):
    def act(report):
        department = (
            departments_for(request.user)
            .filter(unit_id=report.unit_id, pk=_int(request.POST.get("department")) or 0)
            .first()
        )
        if department is None:
            raise BusinessError(_("Hãy chọn phòng/ban xử lý."), field="department")
        services.assign_report(
            request.user, report=report, department=department, note=request.POST.get("note", "")
        )
        act.department = department

    def done(report):
        return _("Đã chuyển cho %(department)s.") % {"department": act.department.name}

    return _official_action(request, code, "assign", act, done)


@login_required
@require_POST
def start(request, code):
    def act(report):
        services.start_report(request.user, report=report)

    return _official_action(request, code, "start", act, _("Đã bắt đầu xử lý."))


@login_required
@require_POST
def resolve(request, code):
    def act(report):
        services.resolve_report(
            request.user,
            report=report,
            answer=request.POST.get("answer", ""),
            photos=request.FILES.getlist("photos"),
        )

    return _official_action(
        request, code, "resolve", act, _("Đã trả lời và hoàn thành; người dân xem được kết quả.")
    )


@login_required
def file_on_behalf(request):
    """A group leader files for a resident of their group, an official for a caller."""
    user = request.user
    if not permissions.can_file_for_resident(user) and not permissions.can_triage(user):
        raise NotAllowed(_("Bạn không được nhập phản ánh thay người dân."))
    unit = user.unit
    if unit is None or not selectors.categories_for_unit(unit.id).exists():
        unit, _communes = _citizen_commune(request)
    leader = user.role == Role.GROUP_LEADER
    groups = (
        groups_for(user).filter(unit_id=unit.id).select_related(None).only("id", "name", "unit_id")
    )
    initial = {}
    if leader:
        first = groups.first()
        initial["group"] = first.pk if first else None
    form = ReportForm(
        request.POST or None,
        categories=_form_categories(unit.id),
        groups=groups,
        initial=initial,
    )
    if leader:
        form.fields["group"].empty_label = None
    status = 200
    if request.method == "POST":
        channel = Channel.GROUP if leader else Channel.HOTLINE
        report, status = _file_report(request, form, unit=unit, channel=channel)
        if report is not None:
            messages.success(
                request, _("Đã tạo phản ánh %(code)s thay người dân.") % {"code": report.code}
            )
            if selectors.reports_for(user).filter(pk=report.pk).exists():
                return redirect("feedback:manage", code=report.code)
            return redirect("feedback:track_detail", code=report.code)
    context = _form_context(request, form, unit, on_behalf=True, leader=leader)
    return render(request, "feedback/submit.html", context, status=status)


@login_required
def notifications(request):
    rows = list(notifications_for(request.user)[:50])
    unread = [n.pk for n in rows if n.read_at is None]
    if unread:
        mark_notifications_read(request.user, ids=unread)
    return render(request, "feedback/notifications.html", {"rows": rows, "unread_ids": set(unread)})

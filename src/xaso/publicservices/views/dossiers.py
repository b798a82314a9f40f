"""Pages of dossiers (hồ sơ) and the service-quality index, for officials: thin views over the
selectors and ``services.dossiers``.

- Commune leaders, officials and department staff (the one-stop desk): the dossier list with
  filters, a dossier's page with its actions (result, evaluation, apology letter sent), the
  desk form; leaders and officials also import files from the province's system.
- Everyone who reads dossiers — those roles and province officials (read-only, every commune
  of the province, one commune or all of them) — the monthly statistics and the index page
  with the records behind every indicator and a 12-month trend.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xaso.core.exceptions import BusinessError, NotAllowed
from xaso.publicservices import dossier_workbooks, importing, selectors
from xaso.publicservices import index as service_index
from xaso.publicservices.choices import Channel
from xaso.publicservices.forms_dossiers import DossierForm, FinishForm, RateForm
from xaso.publicservices.services import dossiers as services
from xaso.publicservices.services.dossier_import import import_dossiers

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TREND_MONTHS = 12
# Error reports of failed imports live here for a day, named by a random token kept in the
# uploader's session (nobody else can fetch them).
ERROR_REPORT_TTL = dt.timedelta(days=1)


# ---------------------------------------------------------------------------------------------
# Helpers


def _require_view(user) -> None:
    if not selectors.can_view_dossiers(user):
        raise NotAllowed(_("Vai trò của bạn không xem hồ sơ thủ tục hành chính."))


def _require_desk(user):
    """The commune of a desk user; others are refused."""
    if not selectors.can_work_dossiers(user) or user.unit is None or user.unit.parent_id is None:
        raise NotAllowed(_("Chỉ cán bộ bộ phận một cửa của xã/phường được làm việc này."))
    return user.unit


def _month(value: str | None, default: dt.date | None = None) -> dt.date | None:
    """``YYYY-MM`` → first day of the month (default when absent or malformed)."""
    try:
        year, month = (value or "").split("-")
        return dt.date(int(year), int(month), 1)
    except ValueError:
        return default


def _this_month() -> dt.date:
    return service_index.month_start(timezone.localdate())


def _last_month() -> dt.date:
    return service_index.month_start(_this_month() - dt.timedelta(days=1))


def _units_context(request, code: str | None) -> dict:
    """The communes a page covers (``don_vi``), and what the section's tabs offer the user."""
    user = request.user
    unit_ids, unit = selectors.resolve_units(user, code)
    return {
        "unit_ids": unit_ids,
        "unit": unit,
        "units": selectors.dossier_units(user),
        "unit_code": unit.code if unit and code else "",
        "can_work": selectors.can_work_dossiers(user),
        "can_import": selectors.can_import_dossiers(user),
    }


# ---------------------------------------------------------------------------------------------
# The dossier list


@login_required
def dossier_list(request):
    user = request.user
    _require_view(user)
    params = request.GET
    units = _units_context(request, params.get("don_vi"))
    records = params.get("chi_so", "")
    if records not in service_index.DOSSIER_FILTERS:
        records = ""
    month = _month(params.get("thang"))
    if records and month is None:
        month = _last_month()
    query = selectors.DossierQuery(
        unit_ids=tuple(units["unit_ids"]),
        month=month,
        procedure=params.get("thu_tuc", "")[:100],
        field=params.get("linh_vuc", "")[:60],
        channel=params.get("kenh", "") if params.get("kenh") in Channel.values else "",
        status=params.get("trang_thai", "")
        if params.get("trang_thai") in selectors.STATUSES
        else "",
        code=params.get("q", "").strip()[:60],
        records=records,
        numerator=params.get("phan", "tu") != "mau",
    )
    rows = selectors.dossier_list(user, query)
    page = Paginator(rows, PER_PAGE).get_page(params.get("page"))
    now = timezone.now()
    for dossier in page:
        dossier.late_now = dossier.is_late(now)
    drill = None
    if records:
        spec = service_index.DOSSIER_FILTERS[records]
        drill = {
            "label": spec.label,
            "numerator": query.numerator,
            "subtracts": spec.subtracts,
            "base": spec.base,
        }
    context = {
        **units,
        "page": page,
        "query": query,
        "month_value": month.strftime("%Y-%m") if month else "",
        "procedures": selectors.procedure_choices(),
        "fields": selectors.field_choices(),
        "channels": Channel.choices,
        "statuses": list(selectors.STATUSES.items()),
        "drill": drill,
        "pager_query": urlencode(
            [(k, v) for k, v in params.items() if k != "page" and v], doseq=False
        ),
    }
    if request.headers.get("HX-Request"):
        return render(request, "publicservices/dossier_list.html#results", context)
    return render(request, "publicservices/dossier_list.html", context)


# ---------------------------------------------------------------------------------------------
# One dossier and its actions


def _detail_context(request, dossier, **extra) -> dict:
    can_work = selectors.can_work_dossiers(request.user) and (
        request.user.is_superuser or request.user.unit_id == dossier.unit_id
    )
    return {
        "dossier": dossier,
        "late_now": dossier.is_late(),
        "can_work": can_work,
        "finish_form": extra.pop("finish_form", None) or FinishForm(),
        "rate_form": extra.pop("rate_form", None)
        or RateForm(initial={"satisfaction": dossier.satisfaction or None}),
        **extra,
    }


@login_required
def dossier_detail(request, pk):
    _require_view(request.user)
    dossier = selectors.get_dossier(request.user, pk)
    return render(request, "publicservices/dossier_detail.html", _detail_context(request, dossier))


def _act(request, pk, form_class, form_name: str, act, done: str):
    """POST an action on one dossier: the form cleans, the service decides; a refused action
    shows the page again with the message (400)."""
    _require_view(request.user)
    dossier = selectors.get_dossier(request.user, pk)
    form = form_class(request.POST) if form_class else None
    if form is None or form.is_valid():
        try:
            act(dossier, form.cleaned_data if form else {})
        except NotAllowed:
            raise
        except BusinessError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, done)
            return redirect("publicservices:dossier", pk=dossier.pk)
    context = _detail_context(request, dossier, **({form_name: form} if form else {}))
    return render(request, "publicservices/dossier_detail.html", context, status=400)


@login_required
@require_POST
def dossier_finish(request, pk):
    def act(dossier, data):
        services.finish_dossier(
            request.user,
            dossier=dossier,
            finished_at=data["finished_at"],
            result=data["result"],
            e_result=data["e_result"],
        )

    return _act(request, pk, FinishForm, "finish_form", act, _("Đã ghi nhận kết quả hồ sơ."))


@login_required
@require_POST
def dossier_rate(request, pk):
    def act(dossier, data):
        services.rate_dossier(request.user, dossier=dossier, satisfaction=data["satisfaction"])

    return _act(request, pk, RateForm, "rate_form", act, _("Đã ghi nhận đánh giá của người dân."))


@login_required
@require_POST
def dossier_apology(request, pk):
    def act(dossier, _data):
        services.mark_apology_sent(request.user, dossier=dossier)

    return _act(request, pk, None, "", act, _("Đã ghi nhận gửi thư xin lỗi."))


@login_required
def dossier_new(request):
    unit = _require_desk(request.user)
    form = DossierForm(request.POST or None, unit=unit, official=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                dossier = services.record_dossier(
                    request.user,
                    unit=unit,
                    code=data["code"],
                    procedure=data["procedure"],
                    received_at=data["received_at"],
                    channel=data["channel"],
                    due_at=data["due_at"],
                    fee_vnd=data["fee_vnd"],
                    paid_online=data["paid_online"],
                    digitized=data["digitized"],
                    reused_data=data["reused_data"],
                    used_population_data=data["used_population_data"],
                    official=data["official"] or request.user,
                )
            except NotAllowed:
                raise
            except BusinessError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(
                    request,
                    _("Đã tiếp nhận hồ sơ %(code)s, hẹn trả %(due)s.")
                    % {
                        "code": dossier.code,
                        "due": timezone.localtime(dossier.due_at).strftime("%H:%M %d/%m/%Y"),
                    },
                )
                return redirect("publicservices:dossier", pk=dossier.pk)
        status = 400
    return render(
        request, "publicservices/dossier_form.html", {"form": form, "unit": unit}, status=status
    )


# ---------------------------------------------------------------------------------------------
# Import


def _error_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports" / "dossier-errors"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _store_error_report(request, result) -> str:
    for old in _error_dir().glob("*.xlsx"):  # forget reports older than a day
        age = dt.datetime.now().timestamp() - old.stat().st_mtime
        if age > ERROR_REPORT_TTL.total_seconds():
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    report = dossier_workbooks.error_report(result.errors, more=result.more_errors)
    (_error_dir() / f"{token}.xlsx").write_bytes(report)
    tokens = request.session.get("dossier_error_reports", [])[-9:]
    request.session["dossier_error_reports"] = [*tokens, token]
    return token


@login_required
def dossier_import(request):
    user = request.user
    if not selectors.can_import_dossiers(user):
        raise NotAllowed(_("Chỉ lãnh đạo, công chức xã/phường được nhập hồ sơ."))
    unit = _require_desk(user)
    result, token, status = None, None, 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Hãy chọn tệp Excel (.xlsx) hoặc CSV để nhập."))
            status = 400
        elif upload.size > settings.XASO_MAX_UPLOAD_BYTES:
            limit = settings.XASO_MAX_UPLOAD_BYTES // (1024 * 1024)
            messages.error(request, _("Tệp quá lớn: tối đa %(mb)s MB.") % {"mb": limit})
            status = 400
        else:
            result = import_dossiers(user, unit=unit, file=upload.file, file_name=upload.name)
            if result.ok:
                messages.success(request, result.message)
                return redirect(reverse("publicservices:dossier_import") + "?xong=1")
            token = _store_error_report(request, result)
            status = 400
    return render(
        request,
        "publicservices/dossier_import.html",
        {
            "unit": unit,
            "result": result,
            "errors": result.errors[:200] if result else [],
            "error_count": (len(result.errors) + result.more_errors) if result else 0,
            "token": token,
            "limit_mb": settings.XASO_MAX_UPLOAD_BYTES // (1024 * 1024),
            "columns": importing.COLUMNS,
        },
        status=status,
    )


@login_required
def dossier_import_template(request):
    if not selectors.can_view_dossiers(request.user):
        raise NotAllowed(_("Vai trò của bạn không xem hồ sơ thủ tục hành chính."))
    procedures = [
        (p.code, p.national_code, p.name, p.field_name)
        for p in selectors.procedure_choices()
        if p.active
    ]
    response = HttpResponse(dossier_workbooks.template(procedures), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-ho-so.xlsx"'
    return response


@login_required
def dossier_import_errors(request, token):
    if token not in request.session.get("dossier_error_reports", []):
        raise Http404(_("Không có bảng lỗi."))
    path = _error_dir() / f"{token}.xlsx"
    if not path.exists():
        raise Http404(_("Bảng lỗi đã hết hạn."))
    return FileResponse(
        path.open("rb"), as_attachment=True, filename="loi-nhap-ho-so.xlsx", content_type=XLSX
    )


# ---------------------------------------------------------------------------------------------
# Statistics and the index


@login_required
def dossier_statistics(request):
    _require_view(request.user)
    units = _units_context(request, request.GET.get("don_vi"))
    month = _month(request.GET.get("thang"), _this_month())
    statistics = selectors.monthly_statistics(units["unit_ids"], month)
    return render(
        request,
        "publicservices/dossier_statistics.html",
        {**units, "month": month, "month_value": f"{month:%Y-%m}", "stats": statistics},
    )


def _indicator_rows(index, month, unit_code: str) -> list[dict]:
    base = {"thang": f"{month:%Y-%m}", **({"don_vi": unit_code} if unit_code else {})}
    list_url = reverse("publicservices:dossiers")
    rows = []
    for group in index.groups:
        for indicator in group.indicators:
            links = {}
            if indicator.records:
                query = {**base, "chi_so": indicator.records}
                links = {
                    "numerator": f"{list_url}?{urlencode(query)}",
                    "denominator": f"{list_url}?{urlencode({**query, 'phan': 'mau'})}",
                    "subtracts": service_index.DOSSIER_FILTERS[indicator.records].subtracts,
                }
            rows.append({"group": group, "indicator": indicator, "links": links})
    return rows


@login_required
def service_index_page(request):
    _require_view(request.user)
    units = _units_context(request, request.GET.get("don_vi"))
    month = _month(request.GET.get("thang"), _last_month())
    index = service_index.compute_index(units["unit_ids"], *service_index.month_period(month))
    rows = _indicator_rows(index, month, units["unit_code"])
    trend_url = (
        reverse("publicservices:service_index_trend")
        + "?"
        + urlencode(
            {
                "thang": f"{month:%Y-%m}",
                **({"don_vi": units["unit_code"]} if units["unit_code"] else {}),
            }
        )
    )
    return render(
        request,
        "publicservices/index_month.html",
        {
            **units,
            "index": index,
            "rows": rows,
            "month": month,
            "month_value": f"{month:%Y-%m}",
            "previous": service_index.month_start(month - dt.timedelta(days=1)),
            "next": service_index.next_month(month) if month < _this_month() else None,
            "trend_url": trend_url,
        },
    )


@login_required
def service_index_trend(request):
    """The points of the 12 months up to ``thang`` (total and per group), for the chart."""
    _require_view(request.user)
    units = _units_context(request, request.GET.get("don_vi"))
    last = _month(request.GET.get("thang"), _last_month())
    first = last
    for _step in range(TREND_MONTHS - 1):
        first = service_index.month_start(first - dt.timedelta(days=1))
    months = service_index.months_between(first, last)
    series = service_index.compute_index_series(units["unit_ids"], months)
    return JsonResponse(
        {
            "months": [f"{m:%m/%Y}" for m in months],
            "total": [i.points for i in series],
            "groups": [
                {
                    "name": group.name,
                    "max": group.max_points,
                    "points": [round(i.groups[n].points, 2) for i in series],
                }
                for n, group in enumerate(series[0].groups)
            ],
            "received": [i.indicator("1.4").denominator for i in series],
        }
    )

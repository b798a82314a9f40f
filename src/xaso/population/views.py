"""HTML pages of the population register: thin views over selectors and services."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from xaso.core.exceptions import BusinessError
from xaso.core.permissions import can_manage_population
from xaso.population import selectors, services, spreadsheets
from xaso.population.search import COUNT_LIMIT

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def group_list(request):
    groups = list(selectors.groups_with_counts(request.user))
    totals = {
        "households": sum(g.household_count for g in groups),
        "residents": sum(g.resident_count for g in groups),
    }
    return render(request, "population/group_list.html", {"groups": groups, "totals": totals})


@login_required
def group_detail(request, pk):
    group = selectors.get_group(request.user, pk)
    page = Paginator(selectors.households_with_counts(request.user, group=group), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "population/group_detail.html", {"group": group, "page": page})


@login_required
def group_export(request, pk):
    group = selectors.get_group(request.user, pk)
    content = services.export_group_roster(request.user, group=group)
    response = HttpResponse(content, content_type=XLSX)
    name = f"nhan-khau-{slugify(group.code)}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def household_detail(request, pk):
    household = selectors.get_household(request.user, pk)
    members = selectors.household_members(household)
    return render(
        request,
        "population/household_detail.html",
        {
            "household": household,
            "address": selectors.household_address(request.user, household),
            "members": members,
        },
    )


@login_required
def resident_list(request):
    query = request.GET.get("q", "").strip()
    group_id = request.GET.get("to") or None
    rows = selectors.search_residents(
        request.user, query, group_id=int(group_id) if group_id and group_id.isdigit() else None
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "group_id": group_id,
        "groups": selectors.group_choices(request.user),
        # Searches over many communes count up to a limit: "hơn 1.000 nhân khẩu".
        "count_capped": getattr(rows, "count_capped", False),
        "count_limit": COUNT_LIMIT,
    }
    if request.headers.get("HX-Request"):
        return render(request, "population/resident_list.html#results", context)
    return render(request, "population/resident_list.html", context)


@login_required
def resident_detail(request, pk):
    resident = selectors.get_resident(request.user, pk)
    return render(
        request,
        "population/resident_detail.html",
        {
            "resident": resident,
            "pii": selectors.resident_pii(request.user, resident),
            "changes": resident.changes.all()[:20],
        },
    )


@login_required
def import_template(request):
    codes = [group.code for group in selectors.group_choices(request.user)]
    response = HttpResponse(spreadsheets.import_template(codes), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-nhan-khau.xlsx"'
    return response


@login_required
def import_start(request):
    if not can_manage_population(request.user):
        raise Http404("Trang không tồn tại.")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Hãy chọn tệp Excel (.xlsx) hoặc CSV để nhập."))
        else:
            try:
                job = services.start_import(
                    request.user,
                    unit=request.user.unit,
                    file_name=upload.name,
                    chunks=upload.chunks(),
                )
            except BusinessError as error:
                messages.error(request, error.message)
            else:
                return redirect("population:import_status", pk=job.pk)
    jobs = selectors.import_jobs_for(request.user)[:10]
    limit_mb = settings.XASO_MAX_UPLOAD_BYTES // (1024 * 1024)
    return render(request, "population/import.html", {"jobs": jobs, "limit_mb": limit_mb})


@login_required
def import_status(request, pk):
    job = selectors.get_import_job(request.user, pk)
    template = "population/import_status.html"
    if request.headers.get("HX-Request"):
        template += "#progress"
    return render(request, template, {"job": job})


@login_required
def import_errors(request, pk):
    job = selectors.get_import_job(request.user, pk)
    if not job.error_report_path or not Path(job.error_report_path).exists():
        raise Http404("Không có bảng lỗi.")
    return FileResponse(
        open(job.error_report_path, "rb"),
        as_attachment=True,
        filename=f"loi-nhap-{job.pk}.xlsx",
        content_type=XLSX,
    )

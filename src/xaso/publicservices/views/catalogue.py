"""Pages of the procedure catalogue (thủ tục hành chính): thin views over the selectors and the
catalogue services.

- Anyone, without an account: the list with search as you type (diacritics-insensitive) and
  filters by lĩnh vực and online level; a procedure's page, made to print on one A4 sheet; its
  history of changes with a side-by-side comparison of two versions; a lĩnh vực as a catalogue
  file (the format the import reads back).
- Commune leaders and officials, platform admins: edit a procedure (a new version is kept),
  import catalogue files.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import yaml
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from xaso.core.exceptions import BusinessError, NotAllowed
from xaso.publicservices import selectors
from xaso.publicservices.choices import OnlineLevel
from xaso.publicservices.forms_catalogue import FORM_FIELD_OF, CatalogueUploadForm, ProcedureForm
from xaso.publicservices.labels import (
    FIELD_LABELS,
    channel_labels,
    document_kind,
    fee_text,
    field_label,
    number,
    online_level_label,
    time_limit_text,
    value_lines,
)
from xaso.publicservices.services.catalogue import (
    CatalogueInvalid,
    ProcedureInvalid,
    can_edit_catalogue,
    edit_procedure,
    import_catalogue,
)

# Parts of an entry that the history does not list (filled in from the file, never edited).
NOT_SHOWN_IN_HISTORY = {"field_code", "level", "code"}


def _require_editor(user) -> None:
    if not can_edit_catalogue(user):
        raise NotAllowed(_("Chỉ lãnh đạo, công chức xã/phường được sửa danh mục thủ tục."))


# ---------------------------------------------------------------------------------------------
# Anyone


def catalogue(request):
    query = request.GET.get("q", "").strip()[:200]
    field_code = request.GET.get("linh_vuc", "").strip()
    online_level = request.GET.get("muc_do", "")
    if online_level not in OnlineLevel.values:
        online_level = ""
    editor = can_edit_catalogue(request.user)
    found = selectors.search_procedures(
        query,
        field_code=field_code,
        online_level=online_level,
        include_inactive=editor,
        with_description=True,
    )
    context = {
        "found": found,
        "rows": [_list_row(p) for p in found.procedures],
        "query": query,
        "field_code": field_code,
        "online_level": online_level,
        "fields": selectors.catalogue_fields(),
        "levels": OnlineLevel.choices,
        "can_edit": editor,
    }
    template = "publicservices/catalogue_list.html"
    if request.headers.get("HX-Request"):
        template += "#results"
    return render(request, template, context)


def _list_row(procedure) -> dict:
    return {
        "procedure": procedure,
        "time_limit": time_limit_text(procedure.data["time_limit"], short=True),
        "fee": (
            _("{amount} đồng").format(amount=number(procedure.fee_vnd))
            if procedure.fee_vnd
            else procedure.fee_text
        ),
    }


def procedure_detail(request, code):
    procedure = selectors.get_procedure(code)
    data = procedure.data
    versions = list(selectors.procedure_versions(procedure)[:20])
    return render(
        request,
        "publicservices/procedure_detail.html",
        {
            "procedure": procedure,
            "data": data,
            "documents": [
                {**document, "kind": document_kind(document["original_or_copy"])}
                for document in data["documents"]
            ],
            "time_limit": time_limit_text(data["time_limit"]),
            "fee": fee_text(data["fee"]),
            "sentences": {
                "authority": _sentence(data["authority"]),
                "time_limit": _sentence(time_limit_text(data["time_limit"])),
                "fee": _sentence(fee_text(data["fee"])),
            },
            "channels": channel_labels(data["channels"]),
            "online_level": online_level_label(data["online_level"]),
            "history": [_history_row(version) for version in versions],
            "page_url": request.build_absolute_uri(
                reverse("publicservices:procedure", args=[procedure.code])
            ),
            "can_edit": can_edit_catalogue(request.user),
        },
    )


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def _history_row(version) -> dict:
    order = {name: index for index, name in enumerate(FIELD_LABELS)}
    fields = sorted(
        (name for name in version.changed_fields if name not in NOT_SHOWN_IN_HISTORY),
        key=lambda name: order.get(name, len(order)),
    )
    return {
        "version": version,
        "first": version.version == 1,
        "fields": [field_label(name) for name in fields],
    }


def procedure_history(request, code):
    """Every kept version, and two of them side by side (``?tu=1&den=3``; by default the one
    before the newest and the newest)."""
    procedure = selectors.get_procedure(code)
    versions = list(selectors.procedure_versions(procedure))
    newest = versions[0].version if versions else procedure.version
    new_number = _version_number(request.GET.get("den"), newest)
    old_number = _version_number(request.GET.get("tu"), max(new_number - 1, 1))
    comparison = None
    if len(versions) > 1:
        by_number = {version.version: version for version in versions}
        old, new = by_number.get(old_number), by_number.get(new_number)
        if old is None or new is None:
            raise Http404(_("Không có phiên bản này của thủ tục."))
        comparison = {"old": old, "new": new, "rows": version_diff(old.data, new.data)}
    return render(
        request,
        "publicservices/procedure_history.html",
        {
            "procedure": procedure,
            "history": [_history_row(version) for version in versions],
            "comparison": comparison,
            "old_number": old_number,
            "new_number": new_number,
            "show_editors": can_edit_catalogue(request.user),
        },
    )


def _version_number(value, default: int) -> int:
    return int(value) if value and str(value).isdigit() else default


@dataclass(frozen=True)
class DiffLine:
    text: str
    status: str  # "same" | "removed" | "added"


@dataclass(frozen=True)
class DiffRow:
    key: str
    label: str
    old: list[DiffLine]
    new: list[DiffLine]


def version_diff(old: dict, new: dict) -> list[DiffRow]:
    """The parts that differ between two versions, each as lines of text, the lines only in
    the old version marked removed and those only in the new one marked added."""
    keys = [key for key in FIELD_LABELS if key in old or key in new]
    keys += sorted((set(old) | set(new)) - set(keys))
    rows = []
    for key in keys:
        if key in NOT_SHOWN_IN_HISTORY or old.get(key) == new.get(key):
            continue
        before, after = value_lines(key, old.get(key)), value_lines(key, new.get(key))
        old_lines, new_lines = [], []
        matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            same = tag == "equal"
            old_lines += [DiffLine(text, "same" if same else "removed") for text in before[i1:i2]]
            new_lines += [DiffLine(text, "same" if same else "added") for text in after[j1:j2]]
        rows.append(DiffRow(key=key, label=field_label(key), old=old_lines, new=new_lines))
    return rows


def field_file(request, field_code):
    """One lĩnh vực of the catalogue as a file in the format of ``data/procedures/*.yaml``:
    what an official downloads, edits and imports back."""
    rows = selectors.procedures_of_field(field_code)
    if not rows:
        raise Http404(_("Không có lĩnh vực này trong danh mục."))
    document = {
        "field": {"code": field_code, "name": rows[0].field_name},
        "procedures": [
            {k: v for k, v in p.data.items() if k not in ("field", "field_code")} for p in rows
        ],
    }
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=100)
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{field_code}.yaml"'
    return response


# ---------------------------------------------------------------------------------------------
# Officials


@login_required
def procedure_edit(request, code):
    _require_editor(request.user)
    procedure = selectors.get_procedure(code)
    if request.method == "POST":
        form = ProcedureForm(request.POST)
        if form.is_valid():
            try:
                saved, changed = edit_procedure(
                    request.user,
                    procedure=procedure,
                    data=form.merged(procedure.data),
                    note=form.cleaned_data["change_note"],
                    active=form.cleaned_data["active"],
                )
            except ProcedureInvalid as error:
                for problem in error.problems:
                    target = FORM_FIELD_OF.get(problem.key, problem.key)
                    form.add_error(target if target in form.fields else None, problem.message)
            except BusinessError as error:
                target = error.field if error.field in form.fields else None
                form.add_error(target if error.field != "note" else "change_note", error.message)
            else:
                if changed:
                    messages.success(
                        request,
                        _("Đã lưu phiên bản {version} của thủ tục.").format(version=saved.version),
                    )
                else:
                    messages.info(request, _("Không có gì thay đổi; không tạo phiên bản mới."))
                return redirect("publicservices:procedure", code=procedure.code)
    else:
        form = ProcedureForm(
            initial=ProcedureForm.initial_for(procedure.data, active=procedure.active)
        )
    return render(
        request,
        "publicservices/procedure_edit.html",
        {"procedure": procedure, "form": form},
    )


@login_required
def catalogue_import(request):
    _require_editor(request.user)
    counts, problems = None, []
    form = CatalogueUploadForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        uploads = request.FILES.getlist("files")
        files = []
        for upload in uploads:
            if upload.size > settings.XASO_MAX_UPLOAD_BYTES:
                problems.append(
                    _("{name}: tệp lớn quá {mb} MB").format(
                        name=upload.name, mb=settings.XASO_MAX_UPLOAD_BYTES // (1024 * 1024)
                    )
                )
                continue
            files.append((upload.name, upload.read()))
        if not problems:
            try:
                counts = import_catalogue(request.user, files=files, note=form.cleaned_data["note"])
            except CatalogueInvalid as error:
                problems = error.problems
            except BusinessError as error:
                problems = [error.message]
    return render(
        request,
        "publicservices/catalogue_import.html",
        {
            "form": form,
            "counts": counts,
            "problems": problems,
            "fields": selectors.catalogue_fields(),
            "limit_mb": settings.XASO_MAX_UPLOAD_BYTES // (1024 * 1024),
        },
        status=400 if problems else 200,
    )

"""Forms of the catalogue pages for officials: editing one procedure and uploading catalogue
files.

A procedure's lists are edited as lines of text, one item per line, so that an official can
copy them from the legal text; a document reads

    Tờ khai đăng ký khai sinh | bản chính | 1 | mẫu: Tờ khai đăng ký khai sinh
    Biên bản xác nhận việc trẻ bị bỏ rơi | bản chính | 1 | khi: Trẻ bị bỏ rơi

(name | kind of copy | quantity | then optionally "mẫu: …", "khi: …" for a document needed only
in some cases, "ghi chú: …"), and a legal instrument "Luật Hộ tịch 2014 | Điều 16". The form only
turns the lines back into the catalogue's structure; whether the result is a valid procedure is
the catalogue's rules' to say (``services.catalogue.edit_procedure``).
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xaso.core.text import fold, normalize
from xaso.publicservices.choices import Channel, OnlineLevel, TimeUnit
from xaso.publicservices.labels import DOCUMENT_KIND_WORDS, document_line, legal_basis_line

# Folded words → kind of copy; the codes themselves are accepted too.
KIND_WORDS = {fold(words): code for code, words in DOCUMENT_KIND_WORDS.items()}
KIND_WORDS.update({code: code for code in DOCUMENT_KIND_WORDS})
KIND_WORDS.update(
    {
        "ban goc": "ban-chinh",
        "ban sao chung thuc": "ban-sao",
        "original": "ban-chinh",
        "copy": "ban-sao",
        "original or copy": "ban-chinh-hoac-ban-sao",
        "show": "xuat-trinh",
    }
)
# Folded "key:" of a document line → key of the document.
DOCUMENT_KEYS = {"mau": "form", "khi": "condition", "ghi chu": "note"}

# Which form field shows a problem with which part of the procedure.
FORM_FIELD_OF = {
    "time_limit": "time_limit_value",
    "fee": "fee_text",
    "legal_basis": "legal_basis",
    "channels": "channels",
    "online_level": "online_level",
    "national_code": "national_code",
    "effective_date": "effective_date",
}


def _lines(text: str) -> list[str]:
    return [normalize(line) for line in (text or "").splitlines() if normalize(line)]


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def parse_document(line: str, number: int) -> dict:
    """One line of the documents box → a document of the catalogue; ``forms.ValidationError``
    naming the line when it cannot be read."""
    name, *rest = [normalize(part) for part in line.split("|")]
    where = gettext("Dòng {n}").format(n=number)
    if not name:
        raise forms.ValidationError(gettext("{where}: thiếu tên giấy tờ.").format(where=where))
    document: dict[str, Any] = {"name": name}
    quantity = None
    for part in rest:
        if not part:
            continue
        key, colon, value = part.partition(":")
        folded = fold(part)
        if colon and fold(key) in DOCUMENT_KEYS:
            if not value.strip():
                raise forms.ValidationError(
                    gettext("{where}: «{part}» chưa có nội dung.").format(where=where, part=part)
                )
            document[DOCUMENT_KEYS[fold(key)]] = normalize(value)
        elif folded in KIND_WORDS:
            document["original_or_copy"] = KIND_WORDS[folded]
        elif folded.split(" ")[0].isdigit() and folded.split(" ")[1:] in ([], ["ban"]):
            quantity = int(folded.split(" ")[0])
        else:
            raise forms.ValidationError(
                gettext(
                    "{where}: không hiểu «{part}» (ghi: tên | bản chính / bản sao / bản chính "
                    "hoặc bản sao / xuất trình | số lượng | mẫu: … | khi: … | ghi chú: …)."
                ).format(where=where, part=part)
            )
    if "original_or_copy" not in document:
        raise forms.ValidationError(
            gettext(
                "{where}: ghi rõ bản chính, bản sao, bản chính hoặc bản sao, hay xuất trình."
            ).format(where=where)
        )
    ordered = {
        "name": name,
        "original_or_copy": document["original_or_copy"],
        "quantity": quantity or 1,
    }
    for key in ("form",):
        if key in document:
            ordered[key] = document[key]
    if "condition" in document:
        ordered["required"] = False
        ordered["condition"] = document["condition"]
    if "note" in document:
        ordered["note"] = document["note"]
    return ordered


def parse_legal_basis(line: str) -> dict:
    code, _sep, article = (normalize(part) for part in line.partition("|"))
    item = {"code": code}
    if article:
        item["article"] = article.replace("|", ",")
    return item


class ProcedureForm(forms.Form):
    """The parts of a procedure an official maintains. ``merged(current)`` gives the whole new
    catalogue entry."""

    name = forms.CharField(label=_("Tên thủ tục"), max_length=300)
    national_code = forms.CharField(
        label=_("Mã trên Cơ sở dữ liệu quốc gia"),
        required=False,
        max_length=20,
        help_text=_("Ví dụ 1.001193; để trống nếu chưa biết."),
    )
    authority = forms.CharField(label=_("Cơ quan giải quyết"), max_length=300)
    purpose = forms.CharField(
        label=_("Thủ tục để làm gì"), widget=forms.Textarea(attrs={"rows": 3})
    )
    applicants = forms.CharField(
        label=_("Ai được nộp"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một đối tượng."),
    )
    documents = forms.CharField(
        label=_("Thành phần hồ sơ"),
        widget=forms.Textarea(attrs={"rows": 12, "class": "ps-lines"}),
        help_text=_(
            "Mỗi dòng một giấy tờ: tên | bản chính / bản sao / bản chính hoặc bản sao / xuất "
            "trình | số lượng | mẫu: tên mẫu | khi: trường hợp cần (giấy tờ không bắt buộc) | "
            "ghi chú: …"
        ),
    )
    channels = forms.MultipleChoiceField(
        label=_("Cách thức nộp"), choices=Channel.choices, widget=forms.CheckboxSelectMultiple
    )
    online_level = forms.ChoiceField(label=_("Mức độ trực tuyến"), choices=OnlineLevel.choices)
    time_limit_value = forms.DecimalField(
        label=_("Thời hạn giải quyết"), min_value=Decimal("0.1"), max_digits=6, decimal_places=1
    )
    time_limit_unit = forms.ChoiceField(label=_("Đơn vị"), choices=TimeUnit.choices)
    same_day = forms.BooleanField(label=_("Giải quyết ngay trong ngày"), required=False)
    time_limit_note = forms.CharField(
        label=_("Ghi chú về thời hạn"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    extended_value = forms.DecimalField(
        label=_("Thời hạn kéo dài (nếu có)"),
        required=False,
        min_value=Decimal("0.1"),
        max_digits=6,
        decimal_places=1,
    )
    extended_unit = forms.ChoiceField(
        label=_("Đơn vị"), choices=[("", "—"), *TimeUnit.choices], required=False
    )
    extended_condition = forms.CharField(
        label=_("Khi nào được kéo dài"), required=False, max_length=300
    )
    fee_amount = forms.IntegerField(
        label=_("Mức thu (đồng)"),
        required=False,
        min_value=0,
        help_text=_("0 nếu miễn; để trống nếu mức thu do nơi khác quy định (vd. HĐND tỉnh)."),
    )
    fee_online_amount = forms.IntegerField(
        label=_("Mức thu khi nộp trực tuyến (đồng)"), required=False, min_value=0
    )
    fee_text = forms.CharField(label=_("Phí, lệ phí"), max_length=300)
    fee_note = forms.CharField(
        label=_("Ghi chú về phí"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một văn bản: tên văn bản | điều, khoản (nếu cần)."),
    )
    steps = forms.CharField(
        label=_("Trình tự thực hiện"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Mỗi dòng một bước, theo thứ tự."),
    )
    result = forms.CharField(label=_("Kết quả"), widget=forms.Textarea(attrs={"rows": 2}))
    keywords = forms.CharField(
        label=_("Từ khoá tìm kiếm"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một cách người dân hay gọi, ví dụ «làm giấy khai sinh»."),
    )
    notes = forms.CharField(
        label=_("Lưu ý"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi dòng một lưu ý."),
    )
    effective_date = forms.DateField(
        label=_("Ngày áp dụng"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    active = forms.BooleanField(label=_("Đang áp dụng"), required=False)
    change_note = forms.CharField(
        label=_("Nội dung thay đổi"),
        max_length=300,
        help_text=_("Ví dụ: «Sửa thời hạn theo Nghị định …». Ghi vào lịch sử thay đổi."),
        error_messages={"required": _("Hãy ghi nội dung thay đổi.")},
    )

    @classmethod
    def initial_for(cls, data: dict, *, active: bool = True) -> dict:
        """The form's initial values from a catalogue entry."""
        limit, fee = data["time_limit"], data["fee"]
        extended = limit.get("extended") or {}
        return {
            "name": data["name"],
            "national_code": data.get("national_code", ""),
            "authority": data["authority"],
            "purpose": data["purpose"],
            "applicants": "\n".join(data["applicants"]),
            "documents": "\n".join(document_line(d) for d in data["documents"]),
            "channels": list(data["channels"]),
            "online_level": data["online_level"],
            "time_limit_value": limit["value"],
            "time_limit_unit": limit["unit"],
            "same_day": bool(limit.get("same_day")),
            "time_limit_note": limit.get("note", ""),
            "extended_value": extended.get("value"),
            "extended_unit": extended.get("unit", ""),
            "extended_condition": extended.get("condition", ""),
            "fee_amount": fee.get("amount_vnd"),
            "fee_online_amount": fee.get("online_amount_vnd"),
            "fee_text": fee["text"],
            "fee_note": fee.get("note", ""),
            "legal_basis": "\n".join(legal_basis_line(item) for item in data["legal_basis"]),
            "steps": "\n".join(data["steps"]),
            "result": data["result"],
            "keywords": "\n".join(data["keywords"]),
            "notes": "\n".join(data.get("notes", [])),
            "effective_date": dt.date.fromisoformat(data["effective_date"]),
            "active": active,
        }

    def clean_documents(self):
        lines = _lines(self.cleaned_data["documents"])
        documents, errors = [], []
        for number, line in enumerate(lines, start=1):
            try:
                documents.append(parse_document(line, number))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return documents

    def clean_legal_basis(self):
        return [parse_legal_basis(line) for line in _lines(self.cleaned_data["legal_basis"])]

    def clean(self):
        cleaned = super().clean()
        extended = [cleaned.get(name) for name in ("extended_value", "extended_unit")]
        condition = normalize(cleaned.get("extended_condition") or "")
        started = any(value not in (None, "") for value in extended) or condition
        if started and (None in extended or "" in extended or not condition):
            self.add_error(
                "extended_value",
                gettext("Thời hạn kéo dài cần đủ số, đơn vị và trường hợp được kéo dài."),
            )
        return cleaned

    def merged(self, current: dict) -> dict:
        """The whole new catalogue entry: ``current`` with this form's values."""
        c = self.cleaned_data
        data = copy.deepcopy(current)
        data["name"] = normalize(c["name"])
        _set_optional(data, "national_code", normalize(c["national_code"]))
        data["authority"] = normalize(c["authority"])
        data["purpose"] = normalize(c["purpose"])
        data["applicants"] = _lines(c["applicants"])
        data["documents"] = c["documents"]
        data["channels"] = [code for code in Channel.values if code in c["channels"]]
        data["online_level"] = c["online_level"]

        limit = dict(current.get("time_limit", {}))
        limit["value"] = _number(c["time_limit_value"])
        limit["unit"] = c["time_limit_unit"]
        if c["same_day"]:
            limit["same_day"] = True
        elif "same_day" in limit:
            limit["same_day"] = False
        _set_optional(limit, "note", normalize(c["time_limit_note"]))
        if c.get("extended_value") is not None and c.get("extended_unit"):
            limit["extended"] = {
                "value": _number(c["extended_value"]),
                "unit": c["extended_unit"],
                "condition": normalize(c["extended_condition"]),
            }
        else:
            limit.pop("extended", None)
        data["time_limit"] = limit

        fee = dict(current.get("fee", {}))
        fee["amount_vnd"] = c["fee_amount"]
        _set_optional(fee, "online_amount_vnd", c["fee_online_amount"])
        fee["text"] = normalize(c["fee_text"])
        _set_optional(fee, "note", normalize(c["fee_note"]))
        data["fee"] = fee

        data["legal_basis"] = c["legal_basis"]
        data["steps"] = _lines(c["steps"])
        data["result"] = normalize(c["result"])
        data["keywords"] = _lines(c["keywords"])
        notes = _lines(c["notes"])
        if notes or current.get("notes") == []:
            data["notes"] = notes
        else:
            data.pop("notes", None)
        data["effective_date"] = c["effective_date"].isoformat()
        return data


def _set_optional(target: dict, key: str, value) -> None:
    """Set ``key`` when there is a value; drop it when the official cleared it."""
    if value in (None, ""):
        target.pop(key, None)
    else:
        target[key] = value


class CatalogueUploadForm(forms.Form):
    note = forms.CharField(
        label=_("Nội dung thay đổi"),
        required=False,
        max_length=300,
        help_text=_("Ghi vào lịch sử của các thủ tục thay đổi; để trống: «Nhập từ tệp …»."),
    )

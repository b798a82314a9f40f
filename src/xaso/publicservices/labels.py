"""How a procedure of the catalogue reads in Vietnamese: the names of its parts (for the change
history and the diff of two versions), the kinds of copy a document is brought as, and the
time limit and fee as one sentence each. Shared by the pages, the API and the assistant's
documents so that all three say the same thing."""

from __future__ import annotations

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from xaso.publicservices.choices import Channel, OnlineLevel, TimeUnit

# The parts of a procedure, in the order the procedure page shows them.
FIELD_LABELS = {
    "name": _("Tên thủ tục"),
    "national_code": _("Mã trên Cơ sở dữ liệu quốc gia"),
    "field": _("Lĩnh vực"),
    "field_code": _("Mã lĩnh vực"),
    "level": _("Cấp thực hiện"),
    "authority": _("Cơ quan giải quyết"),
    "purpose": _("Thủ tục để làm gì"),
    "applicants": _("Ai được nộp"),
    "documents": _("Thành phần hồ sơ"),
    "channels": _("Cách thức nộp"),
    "online_level": _("Mức độ trực tuyến"),
    "time_limit": _("Thời hạn giải quyết"),
    "fee": _("Phí, lệ phí"),
    "legal_basis": _("Căn cứ pháp lý"),
    "steps": _("Trình tự thực hiện"),
    "result": _("Kết quả"),
    "effective_date": _("Ngày áp dụng"),
    "keywords": _("Từ khoá tìm kiếm"),
    "notes": _("Lưu ý"),
    "code": _("Mã thủ tục"),
    "active": _("Tình trạng áp dụng"),
}

DOCUMENT_KINDS = {
    "ban-chinh": _("Bản chính"),
    "ban-sao": _("Bản sao"),
    "ban-chinh-hoac-ban-sao": _("Bản chính hoặc bản sao"),
    "xuat-trinh": _("Xuất trình"),
}

# The kinds as written in a document line (a syntax, so not translated).
DOCUMENT_KIND_WORDS = {
    "ban-chinh": "bản chính",
    "ban-sao": "bản sao",
    "ban-chinh-hoac-ban-sao": "bản chính hoặc bản sao",
    "xuat-trinh": "xuất trình",
}


def field_label(key: str) -> str:
    return str(FIELD_LABELS.get(key, key))


def number(value) -> str:
    """3 → "3", 1.5 → "1,5" (the Vietnamese decimal comma), 50000 → "50.000"."""
    if isinstance(value, float | Decimal) and value == int(value):
        value = int(value)
    return number_format(value, force_grouping=True)


def time_limit_text(time_limit: dict, *, short: bool = False) -> str:
    """E.g. "Trong ngày làm việc", "15 ngày; tối đa 25 ngày khi …" (``short``: without the
    longer limit some cases allow)."""
    if time_limit.get("same_day"):
        text = str(_("Trong ngày làm việc"))
    else:
        text = f"{number(time_limit['value'])} {TimeUnit(time_limit['unit']).label}"
    extended = None if short else time_limit.get("extended")
    if extended:
        text += str(_("; tối đa {value} {unit} khi {condition}")).format(
            value=number(extended["value"]),
            unit=TimeUnit(extended["unit"]).label,
            condition=_lower_first(extended["condition"]),
        )
    return text


def fee_text(fee: dict) -> str:
    """The fee as one line: the amount when there is one, then the catalogue's wording."""
    amount = fee.get("amount_vnd")
    if amount:
        text = str(_("{amount} đồng")).format(amount=number(amount))
        if fee["text"] and fee["text"] not in text:
            text += f" — {fee['text']}"
        return text
    return fee["text"]


def channel_labels(channels: list[str]) -> list[str]:
    return [str(Channel(code).label) for code in channels]


def online_level_label(code: str) -> str:
    return str(OnlineLevel(code).label)


def document_kind(code: str) -> str:
    return str(DOCUMENT_KINDS.get(code, code))


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


SEPARATOR = " | "


def document_line(document: dict) -> str:
    """A document as one line: "Tờ khai | bản chính | 1 | mẫu: … | khi: … | ghi chú: …" (the
    format of the edit form's documents box, and of the diff of two versions)."""
    parts = [
        document["name"],
        DOCUMENT_KIND_WORDS.get(document["original_or_copy"], document["original_or_copy"]),
        str(document["quantity"]),
    ]
    if document.get("form"):
        parts.append(f"mẫu: {document['form']}")
    if document.get("condition"):
        parts.append(f"khi: {document['condition']}")
    if document.get("note"):
        parts.append(f"ghi chú: {document['note']}")
    return SEPARATOR.join(parts)


def legal_basis_line(item: dict) -> str:
    return SEPARATOR.join([item["code"], *([item["article"]] if item.get("article") else [])])


def value_lines(key: str, value) -> list[str]:
    """A part of a procedure as lines of text a person can compare between two versions."""
    if value is None:
        return []
    if key == "documents":
        return [document_line(document) for document in value]
    if key == "legal_basis":
        return [legal_basis_line(item) for item in value]
    if key == "channels":
        return channel_labels(value)
    if key == "online_level":
        return [online_level_label(value)]
    if key == "time_limit":
        return [time_limit_text(value), *([value["note"]] if value.get("note") else [])]
    if key == "fee":
        lines = [fee_text(value)]
        if value.get("online_amount_vnd") is not None:
            amount = number(value["online_amount_vnd"])
            lines.append(str(_("Nộp trực tuyến: {amount} đồng")).format(amount=amount))
        return [*lines, *([value["note"]] if value.get("note") else [])]
    if key == "effective_date":
        year, month, day = str(value).split("-")
        return [f"{day}/{month}/{year}"]
    if key == "active":
        return [str(_("Đang áp dụng") if value else _("Ngưng áp dụng"))]
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, dict):
        return [f"{name}: {item}" for name, item in value.items()]
    return [str(value)]

"""Checks on catalogue entries before they are saved, worded in Vietnamese for the official who
edits a procedure or uploads a catalogue file.

The rules are those of :mod:`xaso.publicservices.catalogue` — the same JSON Schema validator and
the same cross-field rules — so that a procedure saved from a form or an upload is one that
``load_catalogue`` would accept. Only the wording differs: ``jsonschema`` explains a problem in
English ("'fee' is a required property"), which an official should not have to read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from jsonschema.exceptions import ValidationError as SchemaError

from xaso.publicservices import catalogue
from xaso.publicservices.labels import field_label

# Names of the parts inside a document, a time limit, a fee or a legal instrument.
PART_LABELS = {
    "name": pgettext_lazy("catalogue part", "tên giấy tờ"),
    "original_or_copy": pgettext_lazy("catalogue part", "loại bản"),
    "quantity": pgettext_lazy("catalogue part", "số lượng"),
    "form": pgettext_lazy("catalogue part", "mẫu"),
    "required": pgettext_lazy("catalogue part", "bắt buộc"),
    "condition": pgettext_lazy("catalogue part", "trường hợp cần"),
    "note": pgettext_lazy("catalogue part", "ghi chú"),
    "value": pgettext_lazy("catalogue part", "số"),
    "unit": pgettext_lazy("catalogue part", "đơn vị"),
    "same_day": pgettext_lazy("catalogue part", "giải quyết trong ngày"),
    "extended": pgettext_lazy("catalogue part", "thời hạn kéo dài"),
    "amount_vnd": pgettext_lazy("catalogue part", "mức thu"),
    "online_amount_vnd": pgettext_lazy("catalogue part", "mức thu khi nộp trực tuyến"),
    "text": pgettext_lazy("catalogue part", "nội dung"),
    "code": pgettext_lazy("catalogue part", "văn bản"),
    "article": pgettext_lazy("catalogue part", "điều, khoản"),
}
TYPE_NAMES = {
    "string": pgettext_lazy("value type", "chữ"),
    "integer": pgettext_lazy("value type", "số nguyên"),
    "number": pgettext_lazy("value type", "số"),
    "array": pgettext_lazy("value type", "danh sách"),
    "object": pgettext_lazy("value type", "nhóm thông tin"),
    "boolean": pgettext_lazy("value type", "có/không"),
    "null": pgettext_lazy("value type", "để trống"),
}
# The loader's cross-field rules, reworded for a person (matched on the start of its text).
RULE_WORDING = [
    (
        "documents: cần ít nhất",
        "documents",
        gettext_lazy("cần ít nhất một giấy tờ mọi người nộp đều phải có"),
    ),
    (
        "online_level 'toan-trinh' nhưng",
        "online_level",
        gettext_lazy(
            "trực tuyến toàn trình thì phải nhận hồ sơ trực tuyến (chọn kênh «Trực tuyến»)"
        ),
    ),
    (
        "online_level 'mot-phan' nhưng",
        "online_level",
        gettext_lazy("trực tuyến một phần thì phải nhận hồ sơ trực tuyến (chọn kênh «Trực tuyến»)"),
    ),
    (
        "online_level 'khong' nhưng",
        "online_level",
        gettext_lazy("thủ tục không trực tuyến thì không nhận hồ sơ qua kênh «Trực tuyến»"),
    ),
    (
        "time_limit: giải quyết trong ngày",
        "time_limit",
        gettext_lazy("giải quyết trong ngày thì thời hạn ghi 1 ngày làm việc"),
    ),
    (
        "time_limit.extended",
        "time_limit",
        gettext_lazy("thời hạn kéo dài phải dài hơn thời hạn thông thường"),
    ),
    (
        "fee: amount_vnd là 0",
        "fee",
        gettext_lazy("mức thu là 0 thì nội dung phải nói rõ «miễn» hoặc «không thu»"),
    ),
    (
        "fee: không có mức cố định",
        "fee",
        gettext_lazy(
            "không có mức thu cố định thì nội dung phải nêu nơi quy định mức thu (vd. nghị "
            "quyết của HĐND tỉnh)"
        ),
    ),
    ("effective_date", "effective_date", None),
]


@dataclass(frozen=True)
class Problem:
    """One problem of one procedure: ``key`` is the part of the procedure it is about (a key of
    the catalogue entry, "" for the whole), ``message`` says what is wrong, in Vietnamese."""

    key: str
    message: str

    def __str__(self) -> str:
        return self.message


def procedure_problems(data: dict[str, Any]) -> list[Problem]:
    """Everything wrong with one catalogue entry (with ``field`` and ``field_code`` filled in),
    as ``load_catalogue`` sees it; empty when it may be saved."""
    errors = sorted(catalogue._validator().iter_errors(data), key=lambda e: list(e.path))
    if errors:
        return [problem for error in errors for problem in _schema_problems(error)]
    return [_reworded(text) for text in catalogue._rule_problems(data)]


def catalogue_problems(path: str | Path) -> tuple[list[dict[str, Any]], list[str]]:
    """Read the catalogue files at ``path`` (a directory of ``*.yaml`` or one file) and return
    (procedures, problems), each problem as "file: thủ tục 'code': problem". The procedures are
    only usable when there is no problem."""
    root = Path(path)
    files = sorted(root.glob("*.yaml")) if root.is_dir() else [root]
    if not files:
        return [], [_("{name}: không có tệp *.yaml nào").format(name=root.name)]
    problems: list[str] = []
    procedures: list[dict[str, Any]] = []
    first_seen: dict[str, str] = {}
    for file in files:
        for procedure in catalogue._read_file(file, problems):
            code = procedure.get("code")
            where = _("{file}: thủ tục '{code}'").format(
                file=file.name, code=code if isinstance(code, str) else "?"
            )
            problems.extend(f"{where}: {p.message}" for p in procedure_problems(procedure))
            if isinstance(code, str):
                if code in first_seen:
                    problems.append(
                        _("{where}: mã bị trùng (đã có trong {file})").format(
                            where=where, file=first_seen[code]
                        )
                    )
                else:
                    first_seen[code] = file.name
            procedures.append(procedure)
    return procedures, problems


def where(path: Iterable[Any]) -> str:
    """["documents", 2, "name"] → "Thành phần hồ sơ, mục 3, tên giấy tờ"."""
    parts = list(path)
    if not parts:
        return _("Thủ tục")
    words = [field_label(str(parts[0]))]
    for part in parts[1:]:
        if isinstance(part, int):
            words.append(_("mục {number}").format(number=part + 1))
        else:
            words.append(str(PART_LABELS.get(part, part)))
    return ", ".join(words)


def _schema_problems(error: SchemaError) -> list[Problem]:
    path = list(error.absolute_path)
    key = str(path[0]) if path else ""
    validator, expected, value = error.validator, error.validator_value, error.instance
    if validator == "required":
        missing = [name for name in expected if isinstance(value, dict) and name not in value]
        return [
            Problem(
                name if not path else key, _("{where}: chưa có").format(where=where([*path, name]))
            )
            for name in missing
        ]
    if validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(set(value) - allowed) if isinstance(value, dict) else []
        names = ", ".join(f"«{name}»" for name in extra)
        message = ngettext(
            "{where}: có mục không được dùng: {names}",
            "{where}: có mục không được dùng: {names}",
            len(extra),
        ).format(where=where(path), names=names)
        return [Problem(key, message)]
    return [Problem(key, f"{where(path)}: {_explain(validator, expected, value)}")]


def _explain(validator: str, expected: Any, value: Any) -> str:
    if validator in ("minLength", "pattern") and isinstance(value, str) and not value.strip():
        return _("không được để trống")
    if validator == "pattern":
        return _("«{value}» không đúng định dạng").format(value=value)
    if validator == "minItems":
        if not value:
            return _("không được để trống")
        return ngettext("cần ít nhất {count} mục", "cần ít nhất {count} mục", expected).format(
            count=expected
        )
    if validator == "maxLength":
        return ngettext("dài quá {count} ký tự", "dài quá {count} ký tự", expected).format(
            count=expected
        )
    if validator == "uniqueItems":
        return _("có mục bị lặp")
    if validator == "enum":
        return _("«{value}» không phải một giá trị được dùng ({allowed})").format(
            value=value, allowed=", ".join(map(str, expected))
        )
    if validator == "const":
        return _("phải là «{expected}»").format(expected=expected)
    if validator == "exclusiveMinimum":
        return _("phải lớn hơn {expected}").format(expected=expected)
    if validator == "minimum":
        return _("không được nhỏ hơn {expected}").format(expected=expected)
    if validator == "type":
        kinds = [
            str(TYPE_NAMES.get(kind, kind))
            for kind in (expected if isinstance(expected, list) else [expected])
        ]
        alternatives = kinds[0]
        for kind in kinds[1:]:
            alternatives = _("{one} hoặc {other}").format(one=alternatives, other=kind)
        return _("phải là {kinds}").format(kinds=alternatives)
    if validator == "oneOf":
        return _("phải là một số không âm hoặc để trống")
    return _("không hợp lệ")


def _reworded(text: str) -> Problem:
    for start, key, wording in RULE_WORDING:
        if text.startswith(start):
            if wording is None:
                wording = _effective_date_wording(text)
            return Problem(key, f"{field_label(key)}: {wording}")
    return Problem("", text)


# The loader's words on the date, as ``effective_date '<value>' <what is wrong>``.
_EFFECTIVE_DATE = re.compile(r"effective_date '(?P<value>[^']*)' (?P<wrong>.*)", re.S)


def _effective_date_wording(text: str) -> str:
    match = _EFFECTIVE_DATE.fullmatch(text)
    if match and match["wrong"] == "không phải ngày hợp lệ":
        return _("ngày áp dụng '{value}' không phải ngày hợp lệ").format(value=match["value"])
    if match and match["wrong"] == "quá cũ":
        return _("ngày áp dụng '{value}' quá cũ").format(value=match["value"])
    return text.replace("effective_date", str(_("ngày áp dụng")), 1)

"""Checks on catalogue entries before they are saved, worded in Vietnamese for the official who
edits a procedure or uploads a catalogue file.

The rules are those of :mod:`xaso.publicservices.catalogue` — the same JSON Schema validator and
the same cross-field rules — so that a procedure saved from a form or an upload is one that
``load_catalogue`` would accept. Only the wording differs: ``jsonschema`` explains a problem in
English ("'fee' is a required property"), which an official should not have to read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema.exceptions import ValidationError as SchemaError

from xaso.publicservices import catalogue
from xaso.publicservices.labels import field_label

# Names of the parts inside a document, a time limit, a fee or a legal instrument.
PART_LABELS = {
    "name": "tên giấy tờ",
    "original_or_copy": "loại bản",
    "quantity": "số lượng",
    "form": "mẫu",
    "required": "bắt buộc",
    "condition": "trường hợp cần",
    "note": "ghi chú",
    "value": "số",
    "unit": "đơn vị",
    "same_day": "giải quyết trong ngày",
    "extended": "thời hạn kéo dài",
    "amount_vnd": "mức thu",
    "online_amount_vnd": "mức thu khi nộp trực tuyến",
    "text": "nội dung",
    "code": "văn bản",
    "article": "điều, khoản",
}
TYPE_NAMES = {
    "string": "chữ",
    "integer": "số nguyên",
    "number": "số",
    "array": "danh sách",
    "object": "nhóm thông tin",
    "boolean": "có/không",
    "null": "để trống",
}
# The loader's cross-field rules, reworded for a person (matched on the start of its text).
RULE_WORDING = [
    ("documents: cần ít nhất", "documents", "cần ít nhất một giấy tờ mọi người nộp đều phải có"),
    (
        "online_level 'toan-trinh' nhưng",
        "online_level",
        "trực tuyến toàn trình thì phải nhận hồ sơ trực tuyến (chọn kênh «Trực tuyến»)",
    ),
    (
        "online_level 'mot-phan' nhưng",
        "online_level",
        "trực tuyến một phần thì phải nhận hồ sơ trực tuyến (chọn kênh «Trực tuyến»)",
    ),
    (
        "online_level 'khong' nhưng",
        "online_level",
        "thủ tục không trực tuyến thì không nhận hồ sơ qua kênh «Trực tuyến»",
    ),
    (
        "time_limit: giải quyết trong ngày",
        "time_limit",
        "giải quyết trong ngày thì thời hạn ghi 1 ngày làm việc",
    ),
    ("time_limit.extended", "time_limit", "thời hạn kéo dài phải dài hơn thời hạn thông thường"),
    (
        "fee: amount_vnd là 0",
        "fee",
        "mức thu là 0 thì nội dung phải nói rõ «miễn» hoặc «không thu»",
    ),
    (
        "fee: không có mức cố định",
        "fee",
        "không có mức thu cố định thì nội dung phải nêu nơi quy định mức thu (vd. nghị quyết "
        "của HĐND tỉnh)",
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
        return [], [f"{root.name}: không có tệp *.yaml nào"]
    problems: list[str] = []
    procedures: list[dict[str, Any]] = []
    first_seen: dict[str, str] = {}
    for file in files:
        for procedure in catalogue._read_file(file, problems):
            code = procedure.get("code")
            where = f"{file.name}: thủ tục '{code if isinstance(code, str) else '?'}'"
            problems.extend(f"{where}: {p.message}" for p in procedure_problems(procedure))
            if isinstance(code, str):
                if code in first_seen:
                    problems.append(f"{where}: mã bị trùng (đã có trong {first_seen[code]})")
                else:
                    first_seen[code] = file.name
            procedures.append(procedure)
    return procedures, problems


def where(path: Iterable[Any]) -> str:
    """["documents", 2, "name"] → "Thành phần hồ sơ, mục 3, tên giấy tờ"."""
    parts = list(path)
    if not parts:
        return "Thủ tục"
    words = [field_label(str(parts[0]))]
    for part in parts[1:]:
        if isinstance(part, int):
            words.append(f"mục {part + 1}")
        else:
            words.append(PART_LABELS.get(part, part))
    return ", ".join(words)


def _schema_problems(error: SchemaError) -> list[Problem]:
    path = list(error.absolute_path)
    key = str(path[0]) if path else ""
    validator, expected, value = error.validator, error.validator_value, error.instance
    if validator == "required":
        missing = [name for name in expected if isinstance(value, dict) and name not in value]
        return [
            Problem(name if not path else key, f"{where([*path, name])}: chưa có")
            for name in missing
        ]
    if validator == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(set(value) - allowed) if isinstance(value, dict) else []
        names = ", ".join(f"«{name}»" for name in extra)
        return [Problem(key, f"{where(path)}: có mục không được dùng: {names}")]
    return [Problem(key, f"{where(path)}: {_explain(validator, expected, value)}")]


def _explain(validator: str, expected: Any, value: Any) -> str:
    if validator in ("minLength", "pattern") and isinstance(value, str) and not value.strip():
        return "không được để trống"
    if validator == "pattern":
        return f"«{value}» không đúng định dạng"
    if validator == "minItems":
        return "không được để trống" if not value else f"cần ít nhất {expected} mục"
    if validator == "maxLength":
        return f"dài quá {expected} ký tự"
    if validator == "uniqueItems":
        return "có mục bị lặp"
    if validator == "enum":
        return f"«{value}» không phải một giá trị được dùng ({', '.join(map(str, expected))})"
    if validator == "const":
        return f"phải là «{expected}»"
    if validator == "exclusiveMinimum":
        return f"phải lớn hơn {expected}"
    if validator == "minimum":
        return f"không được nhỏ hơn {expected}"
    if validator == "type":
        kinds = expected if isinstance(expected, list) else [expected]
        return "phải là " + " hoặc ".join(TYPE_NAMES.get(kind, kind) for kind in kinds)
    if validator == "oneOf":
        return "phải là một số không âm hoặc để trống"
    return "không hợp lệ"


def _reworded(text: str) -> Problem:
    for start, key, wording in RULE_WORDING:
        if text.startswith(start):
            if wording is None:
                wording = text.replace("effective_date", "ngày áp dụng", 1)
            return Problem(key, f"{field_label(key)}: {wording}")
    return Problem("", text)

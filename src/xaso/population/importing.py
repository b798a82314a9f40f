"""Reading and checking the household/resident template (.xlsx or .csv).

This module only reads and validates: it returns clean rows or a list of row-level errors
(row, column, Vietnamese message). Writing is ``services.import_population``, which writes all
rows in one transaction or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from xaso.core.text import fold, normalize
from xaso.population.choices import DigitalSkillsGroup, Relation, ResidenceStatus, Sex
from xaso.population.validation import (
    national_id_error,
    normalize_phone,
    phone_error,
)

MAX_ROWS = 200_000


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    width: int = 18
    hint: str = ""


COLUMNS: list[Column] = [
    Column("household_code", "Mã hộ", True, 12, "Mã hộ trong xã/phường, ví dụ HK000123"),
    Column("group_code", "Mã tổ dân phố", True, 14, "Mã tổ dân phố/thôn, ví dụ TDP01"),
    Column("address", "Địa chỉ (số nhà, ngõ)", False, 24, "Số 12, ngõ 34"),
    Column("street", "Đường/phố", False, 20, "Phạm Văn Đồng"),
    Column("full_name", "Họ và tên", True, 24, "Nguyễn Văn An"),
    Column("birth_date", "Ngày sinh (dd/mm/yyyy)", True, 14, "05/09/1985"),
    Column("sex", "Giới tính (Nam/Nữ)", True, 10, "Nam"),
    Column("national_id", "Số định danh cá nhân", True, 16, "12 chữ số"),
    Column("phone", "Số điện thoại", False, 14, "0912345678"),
    Column("relation_to_head", "Quan hệ với chủ hộ", True, 14, "Chủ hộ, Vợ/chồng, Con …"),
    Column("residence_status", "Tình trạng cư trú", True, 14, "Thường trú / Tạm trú / Tạm vắng"),
    Column("occupation", "Nghề nghiệp", False, 16, ""),
    Column("has_smartphone", "Có điện thoại thông minh (Có/Không)", False, 12, "Có"),
    Column("has_epayment", "Có tài khoản thanh toán điện tử (Có/Không)", False, 12, "Không"),
    Column("vneid_level2", "Đã kích hoạt VNeID mức 2 (Có/Không)", False, 12, "Có"),
    Column(
        "digital_skills_group",
        "Nhóm đối tượng kỹ năng số",
        False,
        18,
        "Người lao động, Học sinh, sinh viên …",
    ),
]
_BY_KEY = {c.key: c for c in COLUMNS}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    household_code: str
    group_code: str
    address: str
    street: str
    full_name: str
    birth_date: dt.date
    sex: str
    national_id: str
    phone: str
    relation_to_head: str
    residence_status: str
    occupation: str
    has_smartphone: bool
    has_epayment: bool
    vneid_level2: bool
    digital_skills_group: str


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0


class UnreadableFile(Exception):
    """The file cannot be read at all (wrong type, corrupt, empty); the message is Vietnamese."""


def _choice_lookup(choices, aliases: dict[str, str]) -> dict[str, str]:
    table = {fold(str(label)): value for value, label in choices.choices if value}
    table.update({fold(value): value for value, _label in choices.choices if value})
    table.update(aliases)
    return table


_SEX = _choice_lookup(Sex, {"nam": "male", "nu": "female", "m": "male", "f": "female"})
_RELATION = _choice_lookup(
    Relation,
    {
        "vo": "spouse",
        "chong": "spouse",
        "bo": "parent",
        "me": "parent",
        "cha": "parent",
        "ong": "grandparent",
        "ba": "grandparent",
        "anh": "sibling",
        "chi": "sibling",
        "em": "sibling",
        "con dau": "child_in_law",
        "con re": "child_in_law",
        "con nuoi": "child",
        "chu ho": "head",
    },
)
_RESIDENCE = _choice_lookup(ResidenceStatus, {})
_SKILLS = _choice_lookup(
    DigitalSkillsGroup,
    {
        "hoc sinh": "pupil",
        "sinh vien": "pupil",
        "can bo": "official",
        "cong chuc": "official",
        "nguoi cao tuoi": "elderly",
        "lao dong": "worker",
    },
)
_YES = {"co", "x", "1", "true", "yes", "c", "đ", "da"}
_NO = {"", "khong", "0", "false", "no", "k", "chua"}


def _header_key(text: str) -> str | None:
    folded = fold(str(text or ""))
    for column in COLUMNS:
        label = fold(column.label)
        if folded in (label, label.split(" (")[0], fold(column.key)):
            return column.key
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # Most cells are already clean: skip NFC and the white-space regex for plain ASCII.
        return value.strip() if value.isascii() and "  " not in value else normalize(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return normalize(str(value))


@functools.lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """``fold`` for the small vocabularies of coded columns (Nam, Có, Chủ hộ …), cached."""
    return fold(text)


def _digits(value, length: int) -> str:
    """Numbers typed into a cell formatted as number lose their leading zeros: restore them."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)).zfill(length)
    return _text(value).replace(" ", "").replace(".", "")


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    parts = text.split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts) and len(parts[2]) == 4:
        try:  # dd/mm/yyyy, the template's format, without strptime's locale look-ups
            return dt.date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            pass
        raise ValueError(f"Ngày '{text}' không đúng dạng dd/mm/yyyy.")
    for pattern in ("%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"Ngày '{text}' không đúng dạng dd/mm/yyyy.")


def read_table(path: Path) -> Iterator[list]:
    """Rows of the first sheet (.xlsx) or of a .csv file, header first."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _read_workbook(path)
    raise UnreadableFile("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")


def _read_workbook(path: Path) -> Iterator[list]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises several types for damaged files
        raise UnreadableFile(
            "Tệp bị hỏng hoặc không phải tệp Excel hợp lệ; hãy lưu lại bằng mẫu .xlsx."
        ) from error
    return iter(rows)


def _read_csv(path: Path) -> Iterator[list]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile("Tệp CSV phải được lưu với bảng mã UTF-8.") from error
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return iter(csv.reader(io.StringIO(text), delimiter=delimiter))


def parse(
    path: Path, *, known_groups: set[str], progress: Callable[[int, int], None] | None = None
) -> ParseResult:
    """Read ``path`` and check every row; ``known_groups`` are the commune's group codes."""
    rows = list(read_table(path))
    while rows and not any(_text(cell) for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise UnreadableFile("Tệp không có dữ liệu.")
    result = ParseResult(total_rows=max(len(rows) - 1, 0))
    header = rows[0]
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        if not _text(cell):
            continue
        key = _header_key(cell)
        if key is None:
            result.errors.append(RowError(1, _text(cell), "Cột không có trong mẫu nhập liệu."))
        elif key in positions:
            result.errors.append(RowError(1, _text(cell), "Cột bị lặp lại."))
        else:
            positions[key] = index
    for column in COLUMNS:
        if column.required and column.key not in positions:
            result.errors.append(RowError(1, column.label, "Thiếu cột bắt buộc."))
    if result.errors:
        return result
    if result.total_rows == 0:
        raise UnreadableFile("Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào.")
    if result.total_rows > MAX_ROWS:
        raise UnreadableFile(
            f"Tệp có {result.total_rows:,} dòng, vượt giới hạn {MAX_ROWS:,}"
            " dòng một lần nhập; hãy chia nhỏ tệp.".replace(",", ".")
        )

    seen_ids: dict[str, int] = {}
    household_groups: dict[str, tuple[str, int]] = {}
    household_heads: dict[str, int] = {}
    for offset, cells in enumerate(rows[1:]):
        row_number = offset + 2
        if progress and offset % 2000 == 0:
            progress(offset, result.total_rows)
        if not any(_text(cell) for cell in cells):
            continue
        parsed = _parse_row(row_number, cells, positions, known_groups, result.errors)
        if parsed is None:
            continue
        first = seen_ids.setdefault(parsed.national_id, row_number)
        if first != row_number:
            result.errors.append(
                RowError(
                    row_number,
                    _BY_KEY["national_id"].label,
                    f"Số định danh trùng với dòng {first}.",
                )
            )
        group, first_row = household_groups.setdefault(
            parsed.household_code, (parsed.group_code, row_number)
        )
        if group != parsed.group_code:
            result.errors.append(
                RowError(
                    row_number,
                    _BY_KEY["group_code"].label,
                    f"Hộ {parsed.household_code} đã ghi thuộc tổ {group} ở dòng {first_row}.",
                )
            )
        if parsed.relation_to_head == Relation.HEAD:
            head_row = household_heads.setdefault(parsed.household_code, row_number)
            if head_row != row_number:
                result.errors.append(
                    RowError(
                        row_number,
                        _BY_KEY["relation_to_head"].label,
                        f"Hộ {parsed.household_code} đã có chủ hộ ở dòng {head_row}.",
                    )
                )
        result.rows.append(parsed)
    if progress:
        progress(result.total_rows, result.total_rows)
    return result


def _parse_row(
    row_number: int,
    cells: list,
    positions: dict[str, int],
    known_groups: set[str],
    errors: list[RowError],
) -> ParsedRow | None:
    def cell(key: str):
        index = positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    before = len(errors)

    def fail(key: str, message: str) -> None:
        errors.append(RowError(row_number, _BY_KEY[key].label, message))

    values: dict = {}
    # Each cell becomes text once; dates, IDs and phones also look at the raw cell below.
    text = {column.key: _text(cell(column.key)) for column in COLUMNS}
    for column in COLUMNS:
        if column.required and not text[column.key]:
            fail(column.key, "Không được để trống.")
    if len(errors) > before:
        return None

    values["household_code"] = text["household_code"].upper()
    values["group_code"] = text["group_code"].upper()
    if values["group_code"] not in known_groups:
        fail("group_code", f"Không có tổ dân phố mã '{values['group_code']}' trong xã/phường.")
    values["address"] = text["address"]
    values["street"] = text["street"]
    values["full_name"] = text["full_name"]
    if len(values["full_name"]) > 120:
        fail("full_name", "Họ và tên dài quá 120 ký tự.")
    try:
        values["birth_date"] = _date(cell("birth_date"))
        if values["birth_date"] > dt.date.today():
            fail("birth_date", "Ngày sinh ở tương lai.")
        elif values["birth_date"].year < 1900:
            fail("birth_date", "Năm sinh trước 1900.")
    except ValueError as error:
        fail("birth_date", str(error))
        values["birth_date"] = None
    values["sex"] = _SEX.get(_folded(text["sex"]), "")
    if not values["sex"]:
        fail("sex", "Giới tính phải là 'Nam' hoặc 'Nữ'.")
    values["national_id"] = _digits(cell("national_id"), 12)
    message = national_id_error(
        values["national_id"], birth_date=values["birth_date"], sex=values["sex"] or None
    )
    if message:
        fail("national_id", message)
    phone_cell = cell("phone")
    if isinstance(phone_cell, int | float) and not isinstance(phone_cell, bool):
        phone_cell = "0" + str(int(phone_cell))
    values["phone"] = normalize_phone(_text(phone_cell))
    message = phone_error(values["phone"])
    if message:
        fail("phone", message)
    for key, table, message in (
        ("relation_to_head", _RELATION, "Quan hệ với chủ hộ không hợp lệ (ví dụ: Chủ hộ, Con)."),
        (
            "residence_status",
            _RESIDENCE,
            "Tình trạng cư trú phải là Thường trú, Tạm trú hoặc Tạm vắng.",
        ),
    ):
        values[key] = table.get(_folded(text[key]), "")
        if not values[key]:
            fail(key, message)
    values["occupation"] = text["occupation"][:120]
    for key in ("has_smartphone", "has_epayment", "vneid_level2"):
        raw = cell(key)
        if isinstance(raw, bool):
            values[key] = raw
            continue
        folded = _folded(text[key])
        if folded in _YES:
            values[key] = True
        elif folded in _NO:
            values[key] = False
        else:
            fail(key, "Chỉ ghi 'Có' hoặc 'Không'.")
    skills = _folded(text["digital_skills_group"])
    values["digital_skills_group"] = _SKILLS.get(skills, "") if skills else ""
    if skills and not values["digital_skills_group"]:
        fail("digital_skills_group", "Nhóm đối tượng không có trong danh mục.")
    if len(errors) > before:
        return None
    return ParsedRow(row=row_number, **values)

"""Reading and checking the household/resident template (.xlsx or .csv).

This module only reads and validates: it returns clean rows or a list of row-level errors
(row, column, Vietnamese message). Writing is ``services.run_import``, which writes all rows in
one transaction or nothing.

The checks run column by column, not row by row: a column is cleaned in a few C-level passes
(``core.text.normalize_many``), a coded column (Nam/Nữ, Có/Không, Chủ hộ …) is mapped through
a table built once for its few distinct values, and only the cells that fail a fast check are
looked at one by one to word the error. Checking 100,000 rows then costs a fraction of reading
the workbook, with the same messages as a row-by-row check.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from xaso.core.text import fold, normalize, normalize_many
from xaso.population.choices import DigitalSkillsGroup, Relation, ResidenceStatus, Sex
from xaso.population.validation import (
    PROVINCE_BIRTH_CODES,
    century_sex_digit,
    national_id_error,
    normalize_phone,
    phone_error,
)
from xaso.population.workbook import TableReader, UnreadableFile, read_table

__all__ = ["COLUMNS", "ParseResult", "ParsedRows", "RowError", "UnreadableFile", "parse"]

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
class ParsedRows:
    """The valid rows of a file, column by column: ``full_name[i]`` belongs to the row numbered
    ``numbers[i]`` in the spreadsheet. Values are clean and coded (``sex`` is ``male`` or
    ``female``, booleans are booleans), birth dates are ISO text (``1985-09-05``)."""

    numbers: list[int] = field(default_factory=list)
    household_code: list[str] = field(default_factory=list)
    group_code: list[str] = field(default_factory=list)
    address: list[str] = field(default_factory=list)
    street: list[str] = field(default_factory=list)
    full_name: list[str] = field(default_factory=list)
    birth_date: list[str] = field(default_factory=list)
    sex: list[str] = field(default_factory=list)
    national_id: list[str] = field(default_factory=list)
    phone: list[str] = field(default_factory=list)
    relation_to_head: list[str] = field(default_factory=list)
    residence_status: list[str] = field(default_factory=list)
    occupation: list[str] = field(default_factory=list)
    has_smartphone: list[bool] = field(default_factory=list)
    has_epayment: list[bool] = field(default_factory=list)
    vneid_level2: list[bool] = field(default_factory=list)
    digital_skills_group: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.numbers)


@dataclass
class ParseResult:
    rows: ParsedRows = field(default_factory=ParsedRows)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0


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
        return normalize(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return normalize(str(value))


def _texts(values: Sequence) -> list[str]:
    """``_text`` of every cell of a column. A column of few distinct values (Nam/Nữ, Có/Không,
    group codes) is cleaned once per value; any other column of strings in one joined pass."""
    distinct = set(values)
    if len(distinct) * 8 < len(values):
        cleaned = {value: _text(value) for value in distinct}
        return list(map(cleaned.__getitem__, values))
    if set(map(type, values)) <= {str}:
        return normalize_many(list(values))
    return [_text(value) for value in values]


@functools.lru_cache(maxsize=4096)
def _folded(text: str) -> str:
    """``fold`` for the small vocabularies of coded columns (Nam, Có, Chủ hộ …), cached."""
    return fold(text)


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


def _birth_date(value, today: dt.date) -> tuple[str, str | None]:
    """(ISO date or "", error message or None) for one birth-date cell."""
    try:
        if isinstance(value, str) and len(value) == 10 and value[2] == value[5] == "/":
            # dd/mm/yyyy as the template asks, clean already: no second clean-up, no split
            day, month, year = value[:2], value[3:5], value[6:]
            if (day + month + year).isdigit() and value.isascii():
                born = dt.date(int(year), int(month), int(day))
            else:
                born = _date(value)
        else:
            born = _date(value)
    except ValueError:
        return "", f"Ngày '{_text(value)}' không đúng dạng dd/mm/yyyy."
    if born > today:
        return born.isoformat(), "Ngày sinh ở tương lai."
    if born.year < 1900:
        return born.isoformat(), "Năm sinh trước 1900."
    return born.isoformat(), None


def _number_text(value, length: int) -> str:
    """A number typed into a cell formatted as number has lost its leading zeros."""
    return str(int(value)).zfill(length)


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse(
    source: Path | TableReader,
    *,
    known_groups: set[str],
    progress: Callable[[int, int], None] | None = None,
) -> ParseResult:
    """Read ``source`` (a path, or a ``TableReader`` already at work on one) and check every
    row; ``known_groups`` are the commune's group codes."""
    rows = source.rows() if isinstance(source, TableReader) else read_table(Path(source))
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
    _Checker(rows, positions, known_groups, result, progress).run()
    return result


class _Checker:
    """The checks of ``parse``, one column at a time. Errors go to ``result.errors`` in row
    order; when there are none, ``result.rows`` holds every non-blank row."""

    def __init__(self, rows, positions, known_groups, result, progress):
        self.result, self.known_groups, self.progress = result, known_groups, progress
        data = rows[1:]
        width = max(positions.values()) + 1
        if data and min(map(len, data)) < width:  # ragged CSV lines
            data = [row + [None] * (width - len(row)) if len(row) < width else row for row in data]
        self.data = data
        by_position = list(zip(*data, strict=False)) if data else []
        empty = ("",) * len(data)
        # The raw cells and their clean text, per template column (absent optional: empty).
        self.raw = {
            c.key: by_position[positions[c.key]] if c.key in positions else empty for c in COLUMNS
        }
        self.errors: list[tuple[int, int, RowError]] = []
        self.blank: set[int] = set()
        self.blank_required: set[int] = set()

    def _report(self, done: float) -> None:
        if self.progress:
            total = self.result.total_rows
            self.progress(int(total * done), total)

    def fail(self, index: int, key: str, message: str) -> None:
        """An error in data row ``index`` (0-based); rows with an empty required cell report
        only that, as a person fixing the file would want."""
        if index in self.blank or (index in self.blank_required and message != _EMPTY):
            return
        column = _BY_KEY[key]
        error = RowError(index + 2, column.label, message)
        self.errors.append((index, _ORDER[key], error))

    def run(self) -> None:
        self._report(0)
        text = {key: _texts(values) for key, values in self.raw.items()}
        self._report(0.3)
        count = len(self.data)
        # Rows that are blank in every column are skipped, as a person would expect.
        filled = list(map(any, zip(*text.values(), strict=True)))
        blank = self.blank = {
            i for i, f in enumerate(filled) if not f and not any(_text(c) for c in self.data[i])
        }
        for column in COLUMNS:
            if column.required and not all(text[column.key]):
                for i, value in enumerate(text[column.key]):
                    if not value and i not in blank:
                        self.blank_required.add(i)
                        self.fail(i, column.key, _EMPTY)
        values = self._check_cells(text)
        self._report(0.8)
        keep = [i for i in range(count) if i not in blank] if blank else None
        bad = {i for i, _order, _error in self.errors}
        self._check_across_rows(values, keep, bad)
        self._report(1)
        if self.errors:
            self.errors.sort(key=lambda item: (item[0], item[1]))
            self.result.errors.extend(error for _i, _order, error in self.errors)
            return
        numbers = list(range(2, count + 2))
        if keep is None:
            self.result.rows = ParsedRows(numbers=numbers, **values)
        else:
            self.result.rows = ParsedRows(
                numbers=[numbers[i] for i in keep],
                **{key: [column[i] for i in keep] for key, column in values.items()},
            )

    def _mapped(self, key: str, column: list[str], table: dict, message: str) -> list:
        """Coded values through ``table`` (folded text → code), one look-up per distinct text."""
        codes = {value: table.get(_folded(value)) for value in set(column)}
        if None in codes.values():
            for i, value in enumerate(column):
                if codes[value] is None:
                    self.fail(i, key, message)
        return [codes[value] or "" for value in column]

    def _check_cells(self, text: dict[str, list[str]]) -> dict[str, list]:
        raw, fail = self.raw, self.fail
        values: dict[str, list] = {}
        values["household_code"] = _upper(text["household_code"])
        groups = values["group_code"] = _upper(text["group_code"])
        unknown = set(groups) - self.known_groups
        if unknown:
            for i, code in enumerate(groups):
                if code in unknown:
                    fail(i, "group_code", f"Không có tổ dân phố mã '{code}' trong xã/phường.")
        values["address"], values["street"] = text["address"], text["street"]
        names = values["full_name"] = text["full_name"]
        if names and max(map(len, names)) > 120:
            for i, name in enumerate(names):
                if len(name) > 120:
                    fail(i, "full_name", "Họ và tên dài quá 120 ký tự.")
        values["birth_date"] = self._birth_dates(text["birth_date"])
        values["sex"] = self._mapped("sex", text["sex"], _SEX, "Giới tính phải là 'Nam' hoặc 'Nữ'.")
        values["national_id"] = self._national_ids(text, values)
        values["phone"] = self._phones(text["phone"])
        values["relation_to_head"] = self._mapped(
            "relation_to_head",
            text["relation_to_head"],
            _RELATION,
            "Quan hệ với chủ hộ không hợp lệ (ví dụ: Chủ hộ, Con).",
        )
        values["residence_status"] = self._mapped(
            "residence_status",
            text["residence_status"],
            _RESIDENCE,
            "Tình trạng cư trú phải là Thường trú, Tạm trú hoặc Tạm vắng.",
        )
        occupations = text["occupation"]
        if occupations and max(map(len, occupations)) > 120:
            occupations = [o[:120] for o in occupations]
        values["occupation"] = occupations
        for key in ("has_smartphone", "has_epayment", "vneid_level2"):
            values[key] = self._yes_no(key, raw[key], text[key])
        skills = {value: _folded(value) for value in set(text["digital_skills_group"])}
        codes = {
            value: _SKILLS.get(folded, "") if folded else "" for value, folded in skills.items()
        }
        for i, value in enumerate(text["digital_skills_group"]):
            if skills[value] and not codes[value]:
                fail(i, "digital_skills_group", "Nhóm đối tượng không có trong danh mục.")
        values["digital_skills_group"] = [codes[v] for v in text["digital_skills_group"]]
        return values

    def _birth_dates(self, texts: list[str]) -> list[str]:
        cells = self.raw["birth_date"]
        # Date-formatted cells arrive as dates; the others as text (already cleaned).
        inputs = (
            [cell if isinstance(cell, dt.date) else texts[i] for i, cell in enumerate(cells)]
            if not set(map(type, cells)) <= {str}
            else texts
        )
        today = dt.date.today()
        parsed = {value: _birth_date(value, today) for value in set(inputs)}
        if any(message for _iso, message in parsed.values()):
            for i, value in enumerate(inputs):
                message = parsed[value][1]
                if message:
                    self.fail(i, "birth_date", message)
        iso = {value: date for value, (date, _message) in parsed.items()}
        return list(map(iso.__getitem__, inputs))

    def _national_ids(self, text: dict[str, list[str]], values: dict[str, list]) -> list[str]:
        cells = self.raw["national_id"]
        if set(map(type, cells)) <= {str}:
            numbers = _joined_map(text["national_id"], _strip_separators)
        else:
            numbers = [
                _number_text(cell, 12) if _is_number(cell) else t.replace(" ", "").replace(".", "")
                for cell, t in zip(cells, text["national_id"], strict=True)
            ]
        births, sexes = values["birth_date"], values["sex"]
        years = [born[:4] for born in births]
        # Digits 4–6 a valid number must have, per (birth year, sex) (validation.py).
        expected = {}
        for year, sex in set(zip(years, sexes, strict=True)):
            if year and sex and 1900 <= int(year) <= 2399:
                born = dt.date(int(year), 1, 1)
                expected[year, sex] = f"{century_sex_digit(born, sex)}{int(year) % 100:02d}"
        wanted = list(map(expected.get, zip(years, sexes, strict=True)))
        # Whole-column checks first; only when one fails are the rows looked at one by one.
        digits = "".join(numbers)
        if (
            len(digits) == 12 * len(numbers)
            and digits.isdigit()
            and digits.isascii()
            and {number[:3] for number in numbers} <= PROVINCE_BIRTH_CODES
            and [number[3:6] for number in numbers] == wanted
        ):
            return numbers
        for i, (number, born, sex) in enumerate(zip(numbers, births, sexes, strict=True)):
            if (
                len(number) == 12
                and number.isdigit()
                and number.isascii()
                and number[:3] in PROVINCE_BIRTH_CODES
                and number[3:6] == wanted[i]
            ):
                continue
            message = national_id_error(
                number,
                birth_date=dt.date.fromisoformat(born) if born else None,
                sex=sex or None,
            )
            if message:
                self.fail(i, "national_id", message)
        return numbers

    def _phones(self, texts: list[str]) -> list[str]:
        cells = self.raw["phone"]
        if set(map(type, cells)) <= {str} and _MOBILE_OR_EMPTY.fullmatch("\x00".join(texts)):
            return texts  # every cell empty or a plain mobile number: nothing to clean or check
        if set(map(type, cells)) <= {str}:
            phones = [
                p if not p or (p.isdigit() and p[0] == "0") else normalize_phone(p) for p in texts
            ]
        else:
            phones = [
                "0" + str(int(cell)) if _is_number(cell) else normalize_phone(t)
                for cell, t in zip(cells, texts, strict=True)
            ]
        for i, phone in enumerate(phones):
            if not phone or (
                len(phone) == 10
                and phone.isdigit()
                and phone.isascii()
                and phone[0] == "0"
                and phone[1] in "35789"
            ):
                continue  # the common mobile number: what _PHONE accepts, without the regex
            message = phone_error(phone)
            if message:
                self.fail(i, "phone", message)
        return phones

    def _yes_no(self, key: str, cells: Sequence, texts: list[str]) -> list[bool]:
        answers = {}
        for value in set(texts):
            folded = _folded(value)
            answers[value] = True if folded in _YES else False if folded in _NO else None
        # Cells typed as TRUE/FALSE arrive as booleans and are taken as they are.
        out = list(map(answers.__getitem__, texts))
        if bool in set(map(type, cells)):
            out = [
                cell if isinstance(cell, bool) else o for cell, o in zip(cells, out, strict=True)
            ]
        if None in out:
            for i, answer in enumerate(out):
                if answer is None:
                    self.fail(i, key, "Chỉ ghi 'Có' hoặc 'Không'.")
            out = [bool(answer) for answer in out]
        return out

    def _check_across_rows(self, values: dict[str, list], keep: list[int] | None, bad: set[int]):
        """Duplicate national IDs, a household in two groups, two heads of one household —
        among the rows whose own cells are valid."""
        ids, households = values["national_id"], values["household_code"]
        groups, relations = values["group_code"], values["relation_to_head"]
        if keep is None and not bad:  # the usual case: every row, whole columns at a time
            rows = range(len(ids))
            distinct_ids = len(set(ids))
            pairs, codes = len(set(zip(households, groups, strict=True))), len(set(households))
        else:
            rows = [i for i in (keep if keep is not None else range(len(ids))) if i not in bad]
            distinct_ids = len({ids[i] for i in rows})
            pairs = len({(households[i], groups[i]) for i in rows})
            codes = len({households[i] for i in rows})
        if distinct_ids != len(rows):
            first: dict[str, int] = {}
            for i in rows:
                seen = first.setdefault(ids[i], i)
                if seen != i:
                    self.fail(i, "national_id", f"Số định danh trùng với dòng {seen + 2}.")
        if pairs != codes:
            group_of: dict[str, tuple[str, int]] = {}
            for i in rows:
                group, seen = group_of.setdefault(households[i], (groups[i], i))
                if group != groups[i]:
                    self.fail(
                        i,
                        "group_code",
                        f"Hộ {households[i]} đã ghi thuộc tổ {group} ở dòng {seen + 2}.",
                    )
        heads = [i for i in rows if relations[i] == Relation.HEAD]
        if len({households[i] for i in heads}) != len(heads):
            head_of: dict[str, int] = {}
            for i in heads:
                seen = head_of.setdefault(households[i], i)
                if seen != i:
                    self.fail(
                        i,
                        "relation_to_head",
                        f"Hộ {households[i]} đã có chủ hộ ở dòng {seen + 2}.",
                    )


def _joined_map(texts: list[str], change: Callable[[str], str]) -> list[str]:
    """``[change(t) for t in texts]`` as one call on the joined column, for changes that act
    on characters one by one (upper case, removing spaces) and leave the separator alone."""
    if not texts:
        return []
    changed = change("\x00".join(texts)).split("\x00")
    return changed if len(changed) == len(texts) else [change(t) for t in texts]


def _upper(texts: list[str]) -> list[str]:
    return _joined_map(texts, str.upper)


def _strip_separators(text: str) -> str:
    return text.replace(" ", "").replace(".", "")


_EMPTY = "Không được để trống."
# A joined phone column (cells separated by NUL) where every cell is empty or a mobile number
# that validation.phone_error accepts as it is.
_MOBILE_OR_EMPTY = re.compile(r"(?:0[35789][0-9]{8})?(?:\x00(?:0[35789][0-9]{8})?)*")
_ORDER = {column.key: position for position, column in enumerate(COLUMNS)}

"""Reading and checking a file of dossiers (hồ sơ) exported from the province's case-handling
system (hệ thống thông tin giải quyết thủ tục hành chính cấp tỉnh), as .xlsx or .csv.

This module only reads and validates: ``parse`` returns the clean rows, or every problem as a
row-level error (row, column, Vietnamese message) — the writer (``services.dossiers.
import_dossiers``) then writes all rows in one transaction, or nothing. The two workbooks the
import page offers, the template and the error report, are in ``dossier_workbooks``.

What a file must hold
---------------------
A sheet with a header row (within its first ``HEADER_SEARCH_ROWS`` rows: exports often start
with a title) naming at least the eight columns of the issue — code, procedure, received at,
channel, due, finished at, result, satisfaction — under the template's labels or the usual
names of exports ("Số hồ sơ", "Ngày hẹn trả", "Hình thức nộp" …); optional columns add the
online level, fee, online payment, digitisation, electronic result, data reuse, the official
and the date the apology letter was sent. Other columns (the applicant's name, address …) are
ignored and never stored. The first sheet that has the header is read; when none has it, the
error says which columns are missing from the closest one.

Cells: dates as Excel dates or text ``dd/mm/yyyy hh:mm[:ss]`` / ``dd/mm/yyyy`` /
``yyyy-mm-dd hh:mm`` in Vietnam time (a due date without a time means the end of that day's
office hours); the procedure as its catalogue code, its national code or its exact name; the
channel, result, satisfaction and yes/no columns as their Vietnamese words (diacritics
optional). A blank due is computed from the procedure's time limit.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from xaso.core.calendar import DAY_END
from xaso.core.text import fold, normalize
from xaso.publicservices.choices import Channel, DossierResult, OnlineLevel, Satisfaction
from xaso.publicservices.labels import number

MAX_ROWS = 200_000
MAX_ERRORS = 5_000
HEADER_SEARCH_ROWS = 10
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


class UnreadableFile(Exception):
    """The file cannot be read at all (wrong type, damaged, empty); the message is Vietnamese."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool
    aliases: tuple[str, ...] = ()
    hint: str = ""
    width: int = 18


COLUMNS: list[Column] = [
    Column(
        "code",
        "Mã hồ sơ",
        True,
        ("so ho so", "ma so ho so", "so bien nhan", "ma bien nhan", "code"),
        "Mã hồ sơ trên hệ thống một cửa, duy nhất trong xã/phường",
        22,
    ),
    Column(
        "procedure",
        "Thủ tục",
        True,
        ("ten thu tuc", "ma thu tuc", "thu tuc hanh chinh", "ten thu tuc hanh chinh", "procedure"),
        "Mã thủ tục trong danh mục, mã trên CSDL quốc gia hoặc đúng tên thủ tục",
        36,
    ),
    Column(
        "received_at",
        "Ngày tiếp nhận",
        True,
        ("thoi gian tiep nhan", "ngay nhan", "ngay nop", "ngay nhan ho so", "received at"),
        "dd/mm/yyyy hh:mm",
        18,
    ),
    Column(
        "channel",
        "Kênh nộp",
        True,
        ("hinh thuc nop", "kenh", "kenh tiep nhan", "hinh thuc tiep nhan", "channel"),
        "Trực tiếp / Trực tuyến / Bưu chính",
        14,
    ),
    Column(
        "due_at",
        "Hạn trả kết quả",
        True,
        ("ngay hen tra", "han giai quyet", "han xu ly", "ngay hen tra ket qua", "due"),
        "dd/mm/yyyy hh:mm; để trống thì tính theo thời hạn của thủ tục",
        18,
    ),
    Column(
        "finished_at",
        "Ngày có kết quả",
        True,
        ("ngay hoan thanh", "ngay tra ket qua", "ngay ket thuc", "ngay xu ly xong", "finished at"),
        "dd/mm/yyyy hh:mm; để trống nếu đang giải quyết",
        18,
    ),
    Column(
        "result",
        "Kết quả",
        True,
        ("ket qua giai quyet", "trang thai", "tinh trang", "result"),
        "Đã giải quyết / Từ chối / Rút hồ sơ / Đang giải quyết",
        16,
    ),
    Column(
        "satisfaction",
        "Đánh giá của người dân",
        True,
        ("danh gia", "muc do hai long", "danh gia hai long", "satisfaction"),
        "Hài lòng / Bình thường / Không hài lòng; để trống nếu chưa đánh giá",
        16,
    ),
    Column(
        "online_level",
        "Mức độ trực tuyến",
        False,
        ("muc do dich vu cong", "muc do dvc", "online level"),
        "Toàn trình / Một phần / Trực tiếp",
        14,
    ),
    Column(
        "fee_vnd",
        "Phí, lệ phí (đồng)",
        False,
        ("phi le phi", "le phi", "phi", "so tien phi", "fee"),
        "Số tiền, ví dụ 20000; để trống thì lấy theo danh mục",
        14,
    ),
    Column(
        "paid_online",
        "Thanh toán trực tuyến",
        False,
        ("thanh toan truc tuyen", "thanh toan online", "paid online"),
        "Có / Không",
        12,
    ),
    Column(
        "digitized",
        "Đã số hoá hồ sơ",
        False,
        ("so hoa", "da so hoa", "so hoa ho so", "digitized", "digitised"),
        "Có / Không",
        12,
    ),
    Column(
        "e_result",
        "Kết quả điện tử",
        False,
        ("co ket qua dien tu", "tra ket qua dien tu", "e-result", "e result"),
        "Có / Không",
        12,
    ),
    Column(
        "reused_data",
        "Tái sử dụng dữ liệu số hoá",
        False,
        ("tai su dung du lieu", "tai su dung", "reused data"),
        "Có / Không",
        12,
    ),
    Column(
        "used_population_data",
        "Khai thác dữ liệu dân cư / VNeID",
        False,
        ("khai thac du lieu dan cu", "du lieu dan cu", "vneid"),
        "Có / Không",
        12,
    ),
    Column(
        "official",
        "Cán bộ xử lý",
        False,
        ("can bo", "nguoi xu ly", "can bo tiep nhan", "official"),
        "Họ tên hoặc tên đăng nhập của cán bộ",
        20,
    ),
    Column(
        "apology_sent_at",
        "Ngày gửi thư xin lỗi",
        False,
        ("gui thu xin loi", "thu xin loi", "ngay thu xin loi"),
        "dd/mm/yyyy nếu hồ sơ trễ hạn đã được gửi thư xin lỗi",
        16,
    ),
]
BY_KEY = {c.key: c for c in COLUMNS}
OPTIONAL_KEYS = tuple(c.key for c in COLUMNS if not c.required)


def _header_name(text: str) -> str:
    """Folded header text without a parenthesised hint: "Ngày tiếp nhận (dd/mm/yyyy)"."""
    folded = fold(str(text or ""))
    folded = re.sub(r"\([^)]*\)", "", folded)
    return re.sub(r"[^0-9a-z]+", " ", folded).strip()


_HEADER_NAMES: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.label, _column.key, *_column.aliases):
        _HEADER_NAMES.setdefault(_header_name(_name), _column.key)


def header_key(text) -> str | None:
    return _HEADER_NAMES.get(_header_name(text))


# --- Vocabularies (folded text → code) -------------------------------------------------------

CHANNELS = {
    "truc tiep": Channel.IN_PERSON,
    "nop truc tiep": Channel.IN_PERSON,
    "tai bo phan mot cua": Channel.IN_PERSON,
    "mot cua": Channel.IN_PERSON,
    "truc tuyen": Channel.ONLINE,
    "nop truc tuyen": Channel.ONLINE,
    "online": Channel.ONLINE,
    "dich vu cong truc tuyen": Channel.ONLINE,
    "dvc truc tuyen": Channel.ONLINE,
    "buu chinh": Channel.POST,
    "buu chinh cong ich": Channel.POST,
    "qua buu chinh": Channel.POST,
    "buu dien": Channel.POST,
}
RESULTS = {
    "": DossierResult.PENDING,
    "dang giai quyet": DossierResult.PENDING,
    "dang xu ly": DossierResult.PENDING,
    "chua co ket qua": DossierResult.PENDING,
    "da giai quyet": DossierResult.APPROVED,
    "da tra ket qua": DossierResult.APPROVED,
    "hoan thanh": DossierResult.APPROVED,
    "da hoan thanh": DossierResult.APPROVED,
    "co ket qua": DossierResult.APPROVED,
    "dung han": DossierResult.APPROVED,
    "truoc han": DossierResult.APPROVED,
    "tre han": DossierResult.APPROVED,
    "qua han": DossierResult.APPROVED,
    "approved": DossierResult.APPROVED,
    "tu choi": DossierResult.REFUSED,
    "tu choi giai quyet": DossierResult.REFUSED,
    "khong giai quyet": DossierResult.REFUSED,
    "refused": DossierResult.REFUSED,
    "rut ho so": DossierResult.WITHDRAWN,
    "cong dan rut ho so": DossierResult.WITHDRAWN,
    "da rut": DossierResult.WITHDRAWN,
    "withdrawn": DossierResult.WITHDRAWN,
}
SATISFACTIONS = {
    "": "",
    "chua danh gia": "",
    "hai long": Satisfaction.SATISFIED,
    "rat hai long": Satisfaction.SATISFIED,
    "satisfied": Satisfaction.SATISFIED,
    "binh thuong": Satisfaction.NEUTRAL,
    "chap nhan duoc": Satisfaction.NEUTRAL,
    "neutral": Satisfaction.NEUTRAL,
    "khong hai long": Satisfaction.DISSATISFIED,
    "rat khong hai long": Satisfaction.DISSATISFIED,
    "dissatisfied": Satisfaction.DISSATISFIED,
}
ONLINE_LEVELS = {
    "toan trinh": OnlineLevel.FULL,
    "truc tuyen toan trinh": OnlineLevel.FULL,
    "dvc toan trinh": OnlineLevel.FULL,
    "mot phan": OnlineLevel.PARTIAL,
    "truc tuyen mot phan": OnlineLevel.PARTIAL,
    "dvc mot phan": OnlineLevel.PARTIAL,
    "khong": OnlineLevel.NONE,
    "truc tiep": OnlineLevel.NONE,
    "truc tiep buu chinh": OnlineLevel.NONE,
}
for _choices, _table in (
    (Channel, CHANNELS),
    (OnlineLevel, ONLINE_LEVELS),
    (Satisfaction, SATISFACTIONS),
):
    for _value, _label in _choices.choices:
        _table.setdefault(_header_name(str(_label)), _value)
        _table.setdefault(_header_name(_value), _value)
YES = {"co", "x", "1", "true", "yes", "da", "dung", "c"}
NO = {"", "khong", "0", "false", "no", "chua", "k"}
# What a cell outside its column's words gets told; ``{value}``: the cell's text.
CHANNEL_ERROR = gettext_lazy("“{value}”: kênh nộp phải là Trực tiếp, Trực tuyến hoặc Bưu chính.")
RESULT_ERROR = gettext_lazy(
    "“{value}”: kết quả phải là Đã giải quyết, Từ chối, Rút hồ sơ hoặc Đang giải quyết."
)
SATISFACTION_ERROR = gettext_lazy(
    "“{value}”: đánh giá phải là Hài lòng, Bình thường hoặc Không hài lòng."
)
ONLINE_LEVEL_ERROR = gettext_lazy(
    "“{value}”: mức độ trực tuyến phải là Toàn trình, Một phần hoặc Trực tiếp."
)


# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ParsedDossier:
    """A valid row, in the database's terms (aware datetimes, codes, ids)."""

    row: int
    code: str
    procedure_id: int
    received_at: dt.datetime
    channel: str
    due_at: dt.datetime | None  # None: compute from the procedure's time limit
    finished_at: dt.datetime | None
    result: str
    satisfaction: str
    # Optional columns: present in the file or not (``ParseResult.columns``).
    online_level: str | None = None
    fee_vnd: int | None = None
    paid_online: bool | None = None
    digitized: bool | None = None
    e_result: bool | None = None
    reused_data: bool | None = None
    used_population_data: bool | None = None
    official_id: int | None = None
    official_name: str | None = None
    apology_sent_at: dt.datetime | None = None


@dataclass
class ParseResult:
    rows: list[ParsedDossier] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    total_rows: int = 0
    sheet: str = ""
    columns: set[str] = field(default_factory=set)  # keys of the columns found
    ignored: list[str] = field(default_factory=list)  # headers of columns not imported
    more_errors: int = 0  # errors beyond MAX_ERRORS, counted only


@dataclass(frozen=True)
class Lookups:
    """What the rows are checked against: the catalogue and the commune's officials."""

    procedures: dict[str, int]  # code, national code and folded name → id
    officials: dict[str, int]  # folded full name and username → user id
    now: dt.datetime


# --- Reading -----------------------------------------------------------------------------------


def read_sheets(source: Path | BinaryIO, name: str = "") -> list[tuple[str, list[list]]]:
    """(sheet name, rows) of every sheet of a workbook, or the one table of a CSV file.
    ``source`` is a path or an open binary file (an upload); ``name`` gives its type then."""
    suffix = Path(name or getattr(source, "name", "") or str(source)).suffix.lower()
    if suffix not in SUFFIXES:
        raise UnreadableFile(_("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv)."))
    data = source.read_bytes() if isinstance(source, Path) else source.read()
    if not data:
        raise UnreadableFile(_("Tệp rỗng."))
    if suffix == ".csv":
        return [("CSV", _read_csv(data))]
    return _read_workbook(data)


def _read_workbook(data: bytes) -> list[tuple[str, list[list]]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return [
            (name, workbook.get_sheet_by_name(name).to_python(skip_empty_area=False))
            for name in workbook.sheet_names
        ]
    except Exception as error:  # calamine raises several types for damaged files
        raise UnreadableFile(
            _("Tệp bị hỏng hoặc không phải tệp Excel hợp lệ; hãy lưu lại dưới dạng .xlsx.")
        ) from error


def _read_csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("Tệp CSV phải được lưu với bảng mã UTF-8.")) from error
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def _find_table(sheets) -> tuple[str, int, dict[str, int], list[str], list[list]] | RowError:
    """(sheet name, header row index, column positions, ignored headers, rows) of the first
    sheet with every required column, or the error naming what the closest one misses."""
    best = None  # (required found, sheet, row index, positions)
    for name, rows in sheets:
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            positions: dict[str, int] = {}
            for position, cell in enumerate(row):
                key = header_key(cell) if cell not in (None, "") else None
                if key and key not in positions:
                    positions[key] = position
            found = sum(1 for c in COLUMNS if c.required and c.key in positions)
            if found == sum(1 for c in COLUMNS if c.required):
                ignored = [
                    _text(cell)
                    for position, cell in enumerate(row)
                    if _text(cell) and position not in positions.values()
                ]
                return name, index, positions, ignored, rows
            if found and (best is None or found > best[0]):
                best = (found, name, index, positions)
    if best is None:
        sheet_names = ", ".join(f"“{name}”" for name, _rows in sheets) or "—"
        return RowError(
            1,
            "",
            _(
                "Không tìm thấy bảng hồ sơ trong tệp (trang tính: {sheets}): cần một dòng tiêu đề "
                "có các cột Mã hồ sơ, Thủ tục, Ngày tiếp nhận, Kênh nộp, Hạn trả kết quả, Ngày có "
                "kết quả, Kết quả, Đánh giá của người dân. Hãy dùng mẫu nhập hồ sơ."
            ).format(sheets=sheet_names),
        )
    _found, name, index, positions = best
    missing = [c.label for c in COLUMNS if c.required and c.key not in positions]
    return RowError(
        index + 1,
        ", ".join(missing),
        ngettext(
            "Trang tính “{sheet}” thiếu cột bắt buộc: {columns}.",
            "Trang tính “{sheet}” thiếu cột bắt buộc: {columns}.",
            len(missing),
        ).format(sheet=name, columns=", ".join(missing)),
    )


# --- Cells -------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    """``normalize`` with a fast path for the usual cell: already NFC, no stray spaces."""
    if (
        (text.isascii() or unicodedata.is_normalized("NFC", text))
        and text.isprintable()
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
    ):
        return text
    return normalize(text)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return _clean(value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return normalize(str(value))


_DMY = re.compile(
    r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T,]+(\d{1,2})[:hg](\d{2})(?::(\d{2}))?)?"
)
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_HM_FIRST = re.compile(
    r"(\d{1,2})[:hg](\d{2})(?::(\d{2}))?[ ,]+(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
)


def parse_moment(value, *, end_of_day: bool = False) -> dt.datetime | None:
    """An aware datetime in Vietnam time, or None for a blank cell. A date without a time is
    midnight — or, with ``end_of_day``, the end of that day's office hours. Raises
    ``ValueError`` for a cell that is not a date."""
    tz = timezone.get_default_timezone()
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, DAY_END if end_of_day else dt.time(0), tzinfo=tz)
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("not a date")
    text = _clean(str(value))
    if not text:
        return None
    if len(text) >= 16 and text[2] == "/" and text[5] == "/" and text[10] == " ":
        # The exports' usual "dd/mm/yyyy hh:mm[:ss]", without the regular expressions.
        digits = text[:2] + text[3:5] + text[6:10] + text[11:13] + text[14:16]
        if text[13] == ":" and digits.isdigit() and digits.isascii():
            seconds = text[17:]
            if len(text) == 16 or (text[16] == ":" and len(seconds) == 2 and seconds.isdigit()):
                return dt.datetime(
                    int(text[6:10]),
                    int(text[3:5]),
                    int(text[:2]),
                    int(text[11:13]),
                    int(text[14:16]),
                    int(seconds or 0),
                    tzinfo=tz,
                )
    match = _DMY.fullmatch(text)
    if match:
        day, month, year, hour, minute, second = match.groups()
    else:
        match = _YMD.fullmatch(text)
        if match:
            year, month, day, hour, minute, second = match.groups()
        else:
            match = _HM_FIRST.fullmatch(text)
            if not match:
                raise ValueError("not a date")
            hour, minute, second, day, month, year = match.groups()
    if hour is None:
        date = dt.date(int(year), int(month), int(day))
        return dt.datetime.combine(date, DAY_END if end_of_day else dt.time(0), tzinfo=tz)
    return dt.datetime(
        int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=tz
    )


_MONEY = re.compile(r"(\d{1,3}(?:[.,  ]\d{3})+|\d+)\s*(?:d|dong|vnd)?")
_FREE = {"mien", "mien phi", "khong thu", "khong"}


def _fee(value) -> int | None:
    """Whole đồng ("20.000", "20000 đ", 20000); a blank cell → None (the catalogue's fee);
    "Miễn phí" → 0. Raises ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value < 0 or value != int(value):
            raise ValueError("not a whole amount")
        return int(value)
    text = fold(str(value))
    if not text:
        return None
    if text in _FREE:
        return 0
    match = _MONEY.fullmatch(text)
    if not match:
        raise ValueError("not an amount")
    return int(re.sub(r"\D", "", match.group(1)))


# --- Checking ----------------------------------------------------------------------------------


def parse(
    sheets: list[tuple[str, list[list]]],
    lookups: Lookups,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> ParseResult:
    """Check every row of the dossier table found in ``sheets`` (``read_sheets``)."""
    table = _find_table(sheets)
    if isinstance(table, RowError):
        return ParseResult(errors=[table])
    sheet, header_index, positions, ignored, rows = table
    data = rows[header_index + 1 :]
    while data and not any(_text(cell) for cell in data[-1]):
        data.pop()
    result = ParseResult(sheet=sheet, columns=set(positions), ignored=ignored)
    result.total_rows = len(data)
    if not data:
        raise UnreadableFile(_("Tệp chỉ có dòng tiêu đề, không có hồ sơ nào."))
    if len(data) > MAX_ROWS:
        raise UnreadableFile(
            _(
                "Tệp có {rows} dòng, vượt giới hạn {limit} dòng một lần nhập; hãy chia nhỏ tệp."
            ).format(rows=number(len(data)), limit=number(MAX_ROWS))
        )
    _RowChecker(result, positions, lookups, header_index + 2).run(data, progress)
    return result


class _RowChecker:
    def __init__(self, result: ParseResult, positions: dict[str, int], lookups: Lookups, first):
        self.result, self.positions, self.lookups, self.first = result, positions, lookups, first
        self.width = max(positions.values()) + 1
        self.seen: dict[str, int] = {}
        # Folded text → code, cached per distinct cell text.
        self.cache: dict[tuple[str, str], object] = {}
        self.answers: dict[str, object] = {}  # yes/no cell text → True, False or "?"
        self.latest = lookups.now + dt.timedelta(minutes=5)

    def fail(self, row: int, key: str, message: str) -> None:
        if len(self.result.errors) >= MAX_ERRORS:
            self.result.more_errors += 1
            return
        self.result.errors.append(RowError(row, BY_KEY[key].label if key else "", message))

    def _mapped(self, row: int, key: str, cell, table: dict, message):
        """``message``: told when the cell is none of ``table``'s words (``{value}``: the cell)."""
        text = _text(cell)
        cached = self.cache.get((key, text))
        if cached is None:
            cached = table.get(_header_name(text), False) if text else table.get("", False)
            self.cache[key, text] = cached
        if cached is False:
            self.fail(row, key, str(message).format(value=text))
            return None
        return cached

    def _moment(self, row: int, key: str, cell, *, end_of_day=False) -> tuple[object, bool]:
        """(moment or None, whether the cell was readable)."""
        try:
            moment = parse_moment(cell, end_of_day=end_of_day)
        except (ValueError, OverflowError):
            self.fail(
                row,
                key,
                _("“{value}” không phải ngày giờ hợp lệ (dd/mm/yyyy hh:mm).").format(
                    value=_text(cell)
                ),
            )
            return None, False
        if moment is not None and moment.year < 2000:
            self.fail(
                row, key, _("Năm {year} không hợp lệ (trước năm 2000).").format(year=moment.year)
            )
            return None, False
        return moment, True

    def _yes_no(self, row: int, key: str, cell) -> bool | None:
        if isinstance(cell, bool):
            return cell
        answer = self.answers.get(cell) if isinstance(cell, str) else None
        if answer is None:
            folded = _header_name(_text(cell))
            answer = True if folded in YES else (False if folded in NO else "?")
            if isinstance(cell, str):
                self.answers[cell] = answer
        if answer == "?":
            self.fail(
                row, key, _("“{value}”: chỉ ghi “Có” hoặc “Không”.").format(value=_text(cell))
            )
            return None
        return answer

    def run(self, data: list[list], progress) -> None:
        positions, has = self.positions, self.positions.__contains__
        total = len(data)
        step = max(1, total // 20)
        for index, cells in enumerate(data):
            if progress and index % step == 0:
                progress(index, total)
            if len(cells) < self.width:
                cells = list(cells) + [None] * (self.width - len(cells))
            if not any(cells[p] not in (None, "") for p in positions.values()):
                continue  # a blank row
            self.row(self.first + index, {key: cells[p] for key, p in positions.items()}, has)
        if progress:
            progress(total, total)

    def row(self, number: int, cell: dict, has) -> None:
        errors_before = len(self.result.errors) + self.result.more_errors
        lookups = self.lookups
        code = _text(cell["code"])
        if not code:
            self.fail(number, "code", _("Không được để trống."))
        elif len(code) > 60:
            self.fail(number, "code", _("Mã hồ sơ dài quá {count} ký tự.").format(count=60))
        elif code in self.seen:
            self.fail(
                number,
                "code",
                _("Mã hồ sơ “{code}” trùng với dòng {row}.").format(code=code, row=self.seen[code]),
            )
        else:
            self.seen[code] = number

        procedure_text = _text(cell["procedure"])
        procedure_id = None
        if not procedure_text:
            self.fail(number, "procedure", _("Không được để trống."))
        else:
            procedure_id = lookups.procedures.get(procedure_text) or lookups.procedures.get(
                fold(procedure_text)
            )
            if procedure_id is None:
                self.fail(
                    number,
                    "procedure",
                    _(
                        "Không có thủ tục “{procedure}” trong danh mục (ghi mã thủ tục, mã trên "
                        "CSDL quốc gia hoặc đúng tên thủ tục)."
                    ).format(procedure=procedure_text),
                )

        received, ok = self._moment(number, "received_at", cell["received_at"])
        if ok and received is None:
            self.fail(number, "received_at", _("Không được để trống."))
        elif received is not None and received > self.latest:
            self.fail(number, "received_at", _("Ngày tiếp nhận ở tương lai."))

        channel = None
        if not _text(cell["channel"]):
            self.fail(number, "channel", _("Không được để trống."))
        else:
            channel = self._mapped(
                number,
                "channel",
                cell["channel"],
                CHANNELS,
                CHANNEL_ERROR,
            )

        due, _due_ok = self._moment(number, "due_at", cell["due_at"], end_of_day=True)
        if due is not None and received is not None and due < received:
            self.fail(number, "due_at", _("Hạn trả kết quả trước ngày tiếp nhận."))

        finished, finished_ok = self._moment(number, "finished_at", cell["finished_at"])
        if finished is not None:
            if received is not None and finished < received:
                self.fail(number, "finished_at", _("Ngày có kết quả trước ngày tiếp nhận."))
            elif finished > self.latest:
                self.fail(number, "finished_at", _("Ngày có kết quả ở tương lai."))

        result = self._mapped(
            number,
            "result",
            cell["result"],
            RESULTS,
            RESULT_ERROR,
        )
        if result is not None:
            if finished is None and result != DossierResult.PENDING and finished_ok:
                self.fail(
                    number, "finished_at", _("Hồ sơ đã có kết quả nhưng thiếu ngày có kết quả.")
                )
            elif finished is not None and result == DossierResult.PENDING:
                if _text(cell["result"]):
                    self.fail(
                        number,
                        "result",
                        _("Hồ sơ có ngày có kết quả thì không thể đang giải quyết."),
                    )
                else:
                    result = DossierResult.APPROVED

        satisfaction = self._mapped(
            number,
            "satisfaction",
            cell["satisfaction"],
            SATISFACTIONS,
            SATISFACTION_ERROR,
        )
        if satisfaction and finished is None and finished_ok:
            self.fail(number, "satisfaction", _("Chỉ hồ sơ đã có kết quả mới có đánh giá."))

        parsed = {}
        if has("online_level"):
            text = _text(cell["online_level"])
            parsed["online_level"] = (
                self._mapped(
                    number,
                    "online_level",
                    text,
                    ONLINE_LEVELS,
                    ONLINE_LEVEL_ERROR,
                )
                if text
                else None
            )
        if has("fee_vnd"):
            try:
                parsed["fee_vnd"] = _fee(cell["fee_vnd"])
            except ValueError:
                self.fail(
                    number,
                    "fee_vnd",
                    _("“{value}”: phí phải là số tiền (đồng), ví dụ 20000.").format(
                        value=_text(cell["fee_vnd"])
                    ),
                )
        for key in ("paid_online", "digitized", "e_result", "reused_data", "used_population_data"):
            if has(key):
                parsed[key] = self._yes_no(number, key, cell[key])
        if has("official"):
            name = _text(cell["official"])[:120]
            parsed["official_name"] = name
            parsed["official_id"] = lookups.officials.get(fold(name)) if name else None
        if has("apology_sent_at"):
            sent, _sent_ok = self._moment(number, "apology_sent_at", cell["apology_sent_at"])
            if sent is not None and received is not None and sent < received:
                self.fail(
                    number, "apology_sent_at", _("Ngày gửi thư xin lỗi trước ngày tiếp nhận.")
                )
            parsed["apology_sent_at"] = sent

        if len(self.result.errors) + self.result.more_errors > errors_before:
            return
        self.result.rows.append(
            ParsedDossier(
                row=number,
                code=code,
                procedure_id=procedure_id,
                received_at=received,
                channel=channel,
                due_at=due,
                finished_at=finished,
                result=result,
                satisfaction=satisfaction,
                **parsed,
            )
        )

"""Reading the rows of an uploaded table: the first sheet of an .xlsx (python-calamine) or a
.csv file.

No Django in here, on purpose: ``xaso import FILE`` starts reading the file in a background
thread before Django is set up (``xaso.cli``). python-calamine parses the workbook without
holding the GIL, so the 0.5 s of Django start-up and the ~1 s of reading overlap instead of
adding up.
"""

from __future__ import annotations

import csv
import io
import threading
from pathlib import Path


class UnreadableFile(Exception):
    """The file cannot be read at all (wrong type, corrupt, empty); the message is Vietnamese."""


def read_table(path: Path) -> list[list]:
    """Rows of the first sheet (.xlsx) or of a .csv file, header first."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods"):
        return _read_workbook(path)
    raise UnreadableFile("Chỉ nhận tệp Excel (.xlsx) hoặc CSV (.csv).")


def _read_workbook(path: Path) -> list[list]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises several types for damaged files
        raise UnreadableFile(
            "Tệp bị hỏng hoặc không phải tệp Excel hợp lệ; hãy lưu lại bằng mẫu .xlsx."
        ) from error


def _read_csv(path: Path) -> list[list]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile("Tệp CSV phải được lưu với bảng mã UTF-8.") from error
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


class TableReader:
    """``read_table(path)`` running in a background thread; ``rows()`` waits for it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._rows: list[list] | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, name="xaso-read-table", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            self._rows = read_table(self.path)
        except BaseException as error:  # handed to the caller of rows()
            self._error = error

    def rows(self) -> list[list]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._rows


_started: dict[Path, TableReader] = {}


def start_reading(path: str | Path) -> TableReader:
    """Begin reading ``path`` now; ``reader_for`` the same path later picks the reader up."""
    resolved = Path(path).resolve()
    reader = _started.get(resolved)
    if reader is None:
        reader = _started[resolved] = TableReader(resolved)
    return reader


def reader_for(path: str | Path) -> TableReader:
    """The reader ``start_reading`` began for ``path``, or a new one (used once)."""
    resolved = Path(path).resolve()
    return _started.pop(resolved, None) or TableReader(resolved)

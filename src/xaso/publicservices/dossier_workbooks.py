"""The two workbooks of the dossier import page: the template (the columns ``importing`` reads,
drop-down lists, the catalogue's procedures to copy from, a guide) and the error report."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xaso.publicservices.importing import COLUMNS, RowError

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")


def _style_header(sheet, widths: Iterable[int]) -> None:
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 36


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template(procedures: list[tuple[str, str, str, str]]) -> bytes:
    """The import template: the data sheet "Hồ sơ" (header only), the catalogue's procedures
    (code, national code, name, field) to copy from, and a guide with an example row — kept off
    the data sheet so that it can never be imported by mistake."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Hồ sơ"
    sheet.append([c.label for c in COLUMNS])
    _style_header(sheet, [c.width for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        if column.key == "code":  # codes as text, so Excel keeps leading zeros
            for row in range(2, 2002):
                sheet.cell(row=row, column=index).number_format = "@"
    lists = {
        "channel": ["Trực tiếp", "Trực tuyến", "Bưu chính"],
        "result": ["Đã giải quyết", "Từ chối", "Rút hồ sơ", "Đang giải quyết"],
        "satisfaction": ["Hài lòng", "Bình thường", "Không hài lòng"],
        "online_level": ["Toàn trình", "Một phần", "Trực tiếp"],
        **{key: ["Có", "Không"] for key in ("paid_online", "digitized", "e_result", "reused_data")},
        "used_population_data": ["Có", "Không"],
    }
    keys = [c.key for c in COLUMNS]
    for key, values in lists.items():
        letter = get_column_letter(keys.index(key) + 1)
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không hợp lệ",
            error="Hãy chọn một giá trị trong danh sách.",
        )
        validation.add(f"{letter}2:{letter}20001")
        sheet.add_data_validation(validation)
    catalogue = workbook.create_sheet("Danh mục thủ tục")
    catalogue.append(["Mã thủ tục", "Mã trên CSDL quốc gia", "Tên thủ tục", "Lĩnh vực"])
    _style_header(catalogue, [44, 16, 80, 24])
    for row in procedures:
        catalogue.append(list(row))
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Ví dụ", "Ghi chú"])
    _style_header(guide, [32, 10, 24, 70])
    example = {
        "code": "00611-250115-0001",
        "procedure": procedures[0][0] if procedures else "chung-thuc-ban-sao-tu-ban-chinh",
        "received_at": "15/01/2025 08:40",
        "channel": "Trực tiếp",
        "due_at": "15/01/2025 17:00",
        "finished_at": "15/01/2025 10:15",
        "result": "Đã giải quyết",
        "satisfaction": "Hài lòng",
        "online_level": "Một phần",
        "fee_vnd": "6000",
        "paid_online": "Không",
        "digitized": "Có",
        "e_result": "Có",
        "reused_data": "Không",
        "used_population_data": "Có",
        "official": "Phạm Văn Hùng",
        "apology_sent_at": "",
    }
    for column in COLUMNS:
        guide.append(
            [column.label, "Có" if column.required else "", example[column.key], column.hint]
        )
    guide.append([])
    for line in (
        "Mỗi dòng là một hồ sơ; cột “Bắt buộc” phải có trong tệp (ô có thể để trống như ghi chú).",
        "Ngày giờ theo giờ Việt Nam, dạng dd/mm/yyyy hh:mm (ô kiểu ngày của Excel cũng được).",
        "Nhập lại cùng tệp không tạo hồ sơ trùng: hồ sơ được nhận ra theo mã và được cập nhật.",
        "Nếu có bất kỳ lỗi nào, không dòng nào được nhập; hệ thống trả về bảng lỗi.",
        "Các cột khác của tệp xuất từ hệ thống của tỉnh (họ tên, địa chỉ người nộp …) bị bỏ qua.",
    ):
        guide.append([line])
    return _to_bytes(workbook)


def error_report(errors: Iterable[RowError], *, more: int = 0) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Lỗi")
    sheet.append(["Dòng", "Cột", "Lỗi"])
    for error in errors:
        sheet.append([error.row, error.column, error.message])
    if more:
        sheet.append(["", "", f"… và {more} lỗi khác (sửa các lỗi trên rồi nhập lại)."])
    return _to_bytes(workbook)

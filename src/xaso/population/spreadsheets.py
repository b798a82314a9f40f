"""Excel files officials handle: the import template, the error report, the group roster."""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xaso.population.choices import DigitalSkillsGroup, Relation, ResidenceStatus
from xaso.population.importing import COLUMNS, RowError

_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_HEADER_FONT = Font(bold=True, color="FFFFFF")


def _style_header(sheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.row_dimensions[1].height = 42


def _to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_template(group_codes: list[str]) -> bytes:
    """The template the UI offers: the header row (data starts on row 2), drop-down lists, and a
    guide sheet with an example for each column — kept off the data sheet so that an example
    can never be imported by mistake."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nhân khẩu"
    sheet.append([c.label for c in COLUMNS])
    _style_header(sheet, [c.width for c in COLUMNS])
    example = {
        "household_code": "HK000001",
        "group_code": group_codes[0] if group_codes else "TDP01",
        "address": "Số 12, ngõ 34",
        "street": "Phạm Văn Đồng",
        "full_name": "Nguyễn Văn An",
        "birth_date": "05/09/1985",
        "sex": "Nam",
        "national_id": "001085012345",
        "phone": "0912345678",
        "relation_to_head": "Chủ hộ",
        "residence_status": "Thường trú",
        "occupation": "Kỹ sư",
        "has_smartphone": "Có",
        "has_epayment": "Có",
        "vneid_level2": "Có",
        "digital_skills_group": "Người lao động",
    }
    # ID numbers, phones and dates as text, so Excel keeps leading zeros and dd/mm/yyyy.
    for index, column in enumerate(COLUMNS, start=1):
        if column.key in ("national_id", "phone", "birth_date", "household_code"):
            for row in range(2, 5002):
                sheet.cell(row=row, column=index).number_format = "@"
    lists = {
        "sex": ["Nam", "Nữ"],
        "relation_to_head": [str(label) for _v, label in Relation.choices],
        "residence_status": [str(label) for _v, label in ResidenceStatus.choices],
        "has_smartphone": ["Có", "Không"],
        "has_epayment": ["Có", "Không"],
        "vneid_level2": ["Có", "Không"],
        "digital_skills_group": [str(label) for v, label in DigitalSkillsGroup.choices if v],
    }
    if group_codes:
        lists["group_code"] = group_codes
    lookup = workbook.create_sheet("Danh mục")
    for list_index, (key, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(list_index)
        lookup.cell(row=1, column=list_index, value=key)
        for row, value in enumerate(values, start=2):
            lookup.cell(row=row, column=list_index, value=value)
        column_index = [c.key for c in COLUMNS].index(key) + 1
        target = get_column_letter(column_index)
        validation = DataValidation(
            type="list",
            formula1=f"'Danh mục'!${letter}$2:${letter}${len(values) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không hợp lệ",
            error="Hãy chọn một giá trị trong danh sách.",
        )
        validation.add(f"{target}2:{target}5001")
        sheet.add_data_validation(validation)
    lookup.sheet_state = "hidden"
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột", "Bắt buộc", "Ví dụ", "Ghi chú"])
    _style_header(guide, [36, 10, 22, 50])
    for column in COLUMNS:
        guide.append(
            [column.label, "Có" if column.required else "", example[column.key], column.hint]
        )
    guide.append([])
    guide.append(["Mỗi dòng là một nhân khẩu; các nhân khẩu cùng hộ ghi cùng một mã hộ."])
    guide.append(
        [
            "Nhập lại cùng tệp không tạo bản ghi trùng: nhân khẩu được nhận ra theo số"
            " định danh cá nhân và được cập nhật."
        ]
    )
    guide.append(["Nếu có bất kỳ lỗi nào, không dòng nào được nhập; hệ thống trả về bảng lỗi."])
    return _to_bytes(workbook)


def error_report(errors: Iterable[RowError]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Lỗi"
    sheet.append(["Dòng", "Cột", "Lỗi"])
    _style_header(sheet, [8, 36, 80])
    for error in errors:
        sheet.append([error.row, error.column, error.message])
    return _to_bytes(workbook)


def roster(rows: Iterable[list], title: str) -> bytes:
    """A group's roster, in the import template's columns (so it can be edited and re-imported)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Nhân khẩu")
    sheet.append([c.label for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    workbook.properties.title = title
    return _to_bytes(workbook)

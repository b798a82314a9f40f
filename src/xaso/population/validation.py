"""Checks on the values a resident record carries.

Số định danh cá nhân (Luật Căn cước 2023 Art. 12; structure of NĐ 137/2015 Art. 13, still
followed by issued numbers): 12 digits —
  1–3  code of the province (old 63-province list, 001–096) or country where the birth was
       registered;
  4    century and sex: 1900s male 0 / female 1, 2000s 2/3, 2100s 4/5, 2200s 6/7, 2300s 8/9;
  5–6  last two digits of the birth year;
  7–12 serial number.
"""

from __future__ import annotations

import datetime as dt
import re

from xaso.core.phones import normalize_phone, phone_error

__all__ = ["normalize_phone", "phone_error"]  # kept here for the importer and the API

_NATIONAL_ID = re.compile(r"^\d{12}$")

# Province-of-birth codes of the pre-2025 list (NĐ 137/2015 Annex); gaps are unused numbers.
PROVINCE_BIRTH_CODES = frozenset(
    f"{n:03d}"
    for n in (
        1,
        2,
        4,
        6,
        8,
        10,
        11,
        12,
        14,
        15,
        17,
        19,
        20,
        22,
        24,
        25,
        26,
        27,
        30,
        31,
        33,
        34,
        35,
        36,
        37,
        38,
        40,
        42,
        44,
        45,
        46,
        48,
        49,
        51,
        52,
        54,
        56,
        58,
        60,
        62,
        64,
        66,
        67,
        68,
        70,
        72,
        74,
        75,
        77,
        79,
        80,
        82,
        83,
        84,
        86,
        87,
        89,
        91,
        92,
        93,
        94,
        95,
        96,
    )
)


def century_sex_digit(birth_date: dt.date, sex: str) -> int:
    century_index = (birth_date.year // 100) - 19  # 1900s → 0, 2000s → 1 …
    return century_index * 2 + (1 if sex == "female" else 0)


def national_id_error(number: str, *, birth_date: dt.date | None, sex: str | None) -> str | None:
    """A Vietnamese message saying what is wrong with ``number``, or None when it is valid."""
    if not _NATIONAL_ID.match(number):
        return "Số định danh cá nhân phải gồm đúng 12 chữ số."
    if number[:3] not in PROVINCE_BIRTH_CODES:
        return f"Mã tỉnh nơi đăng ký khai sinh '{number[:3]}' không tồn tại."
    if birth_date is None or sex not in ("male", "female"):
        return None
    if not 1900 <= birth_date.year <= 2399:
        return "Năm sinh nằm ngoài khoảng số định danh có thể mã hoá."
    expected = century_sex_digit(birth_date, sex)
    if int(number[3]) != expected:
        return (
            f"Chữ số thứ 4 ({number[3]}) không khớp với giới tính và thế kỷ sinh "
            f"(phải là {expected})."
        )
    if number[4:6] != f"{birth_date.year % 100:02d}":
        return f"Chữ số thứ 5–6 ({number[4:6]}) không khớp với năm sinh {birth_date.year}."
    return None

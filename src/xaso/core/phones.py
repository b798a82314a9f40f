"""Vietnamese phone numbers: 10 digits starting with 0 (mobile 03/05/07/08/09, landline 02x),
as people write them (+84, spaces, dots, dashes)."""

import re

from django.utils.translation import gettext as _

_PHONE = re.compile(r"^0(3|5|7|8|9|2\d)\d{8}$")


def normalize_phone(text: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", text or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits


def phone_error(phone: str) -> str | None:
    if phone and not _PHONE.match(phone):
        return _("Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).")
    return None

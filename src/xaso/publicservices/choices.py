"""Vocabularies of public services (dịch vụ công): online levels, channels, dossier results."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OnlineLevel(models.TextChoices):
    """Mức độ dịch vụ công trực tuyến (NĐ 42/2022/NĐ-CP)."""

    FULL = "toan-trinh", _("Trực tuyến toàn trình")
    PARTIAL = "mot-phan", _("Trực tuyến một phần")
    NONE = "khong", _("Trực tiếp / bưu chính")


class Channel(models.TextChoices):
    """Where a dossier was submitted."""

    IN_PERSON = "truc-tiep", _("Trực tiếp tại bộ phận một cửa")
    ONLINE = "truc-tuyen", _("Trực tuyến")
    POST = "buu-chinh", _("Bưu chính công ích")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "ngay-lam-viec", _("ngày làm việc")
    DAYS = "ngay", _("ngày")
    HOURS = "gio", _("giờ làm việc")


class DossierResult(models.TextChoices):
    PENDING = "", _("Đang giải quyết")
    APPROVED = "approved", _("Đã giải quyết")
    REFUSED = "refused", _("Từ chối giải quyết")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")


class Satisfaction(models.TextChoices):
    """The citizen's answer on the portal's evaluation (hài lòng / bình thường / không hài lòng)."""

    SATISFIED = "satisfied", _("Hài lòng")
    NEUTRAL = "neutral", _("Bình thường")
    DISSATISFIED = "dissatisfied", _("Không hài lòng")


class DossierSource(models.TextChoices):
    IMPORT = "import", _("Nhập từ hệ thống một cửa của tỉnh")
    DESK = "desk", _("Ghi nhận tại bộ phận một cửa")

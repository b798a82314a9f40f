"""Stable codes (English) with Vietnamese labels for the platform's shared vocabularies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh / thành phố")
    COMMUNE = "commune", _("Xã / phường / đặc khu")


class GroupKind(models.TextChoices):
    """Self-governing resident communities under a commune (TT 04/2012/TT-BNV)."""

    TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")
    THON = "thon", _("Thôn")
    AP = "ap", _("Ấp")
    BAN = "ban", _("Bản")


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Quản trị nền tảng")
    PROVINCE_OFFICIAL = "province_official", _("Cán bộ cấp tỉnh")
    COMMUNE_LEADER = "commune_leader", _("Lãnh đạo UBND xã/phường")
    COMMUNE_OFFICIAL = "commune_official", _("Cán bộ, công chức xã/phường")
    DEPARTMENT_STAFF = "department_staff", _("Cán bộ phòng/ban chuyên môn")
    GROUP_LEADER = "group_leader", _("Tổ trưởng tổ dân phố / trưởng thôn")
    COMMUNITY_TECH = "community_tech", _("Thành viên tổ công nghệ số cộng đồng")
    CITIZEN = "citizen", _("Người dân")


class AuditAction(models.TextChoices):
    CREATE = "create", _("Tạo mới")
    UPDATE = "update", _("Cập nhật")
    DELETE = "delete", _("Xoá")
    READ_PII = "read_pii", _("Xem dữ liệu cá nhân")
    EXPORT = "export", _("Xuất dữ liệu")
    IMPORT = "import", _("Nhập dữ liệu")
    LOGIN = "login", _("Đăng nhập")
    TOKEN = "token", _("Cấp/thu hồi mã truy cập")

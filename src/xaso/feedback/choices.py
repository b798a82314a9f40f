"""Vocabularies of citizen feedback (phản ánh kiến nghị): statuses, channels, timeline events."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    NEW = "new", _("Mới gửi")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    ASSIGNED = "assigned", _("Đã chuyển xử lý")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    RESOLVED = "resolved", _("Đã giải quyết")
    REJECTED = "rejected", _("Không tiếp nhận")
    DUPLICATE = "duplicate", _("Trùng phản ánh khác")


OPEN_STATUSES = (
    ReportStatus.NEW,
    ReportStatus.ACCEPTED,
    ReportStatus.ASSIGNED,
    ReportStatus.IN_PROGRESS,
)
CLOSED_STATUSES = (ReportStatus.RESOLVED, ReportStatus.REJECTED, ReportStatus.DUPLICATE)


class Channel(models.TextChoices):
    WEB = "web", _("Cổng trực tuyến")
    KIOSK = "kiosk", _("Ki-ốt tại trụ sở")
    GROUP = "group", _("Tổ dân phố")
    HOTLINE = "hotline", _("Đường dây nóng")
    OPEN311 = "open311", _("Ứng dụng kết nối (Open311)")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Gửi phản ánh")
    ACCEPTED = "accepted", _("Tiếp nhận")
    REJECTED = "rejected", _("Không tiếp nhận")
    MERGED = "merged", _("Gộp vào phản ánh trùng")
    ASSIGNED = "assigned", _("Chuyển xử lý")
    STARTED = "started", _("Bắt đầu xử lý")
    RESOLVED = "resolved", _("Trả lời, giải quyết xong")
    REOPENED = "reopened", _("Mở lại")
    RATED = "rated", _("Đánh giá")
    ESCALATED = "escalated", _("Cảnh báo quá hạn")


class PhotoKind(models.TextChoices):
    REPORT = "report", _("Ảnh người phản ánh")
    RESOLUTION = "resolution", _("Ảnh kết quả xử lý")


class AttributeType(models.TextChoices):
    """Open311 GeoReport v2 attribute datatypes (§ GET Service Definition)."""

    STRING = "string", _("Chuỗi ngắn")
    NUMBER = "number", _("Số")
    DATETIME = "datetime", _("Ngày giờ")
    TEXT = "text", _("Văn bản")
    SINGLE = "singlevaluelist", _("Chọn một")
    MULTI = "multivaluelist", _("Chọn nhiều")

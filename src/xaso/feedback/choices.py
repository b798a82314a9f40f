"""Vocabularies of citizen feedback (phản ánh kiến nghị): statuses, channels, timeline events."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
    SUBMITTED = "submitted", pgettext_lazy("timeline event", "Gửi phản ánh")
    ACCEPTED = "accepted", pgettext_lazy("timeline event", "Tiếp nhận")
    REJECTED = "rejected", pgettext_lazy("timeline event", "Không tiếp nhận")
    MERGED = "merged", pgettext_lazy("timeline event", "Gộp vào phản ánh trùng")
    ASSIGNED = "assigned", pgettext_lazy("timeline event", "Chuyển xử lý")
    STARTED = "started", pgettext_lazy("timeline event", "Bắt đầu xử lý")
    RESOLVED = "resolved", pgettext_lazy("timeline event", "Trả lời, giải quyết xong")
    REOPENED = "reopened", pgettext_lazy("timeline event", "Mở lại")
    RATED = "rated", pgettext_lazy("timeline event", "Đánh giá")
    ESCALATED = "escalated", pgettext_lazy("timeline event", "Cảnh báo quá hạn")


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

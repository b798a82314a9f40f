"""Citizen feedback (phản ánh kiến nghị): categories with their SLA, reports, their timeline
and photos, and the Open311 clients allowed to post.

A category is an Open311 *service* of one commune (``service_code`` = ``Category.code``,
``jurisdiction_id`` = the commune's unit code). Reporter contact data is personal data:
encrypted at rest, never public, never in Open311 GET responses.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.crypto import EncryptedTextField
from xaso.core.models import AdministrativeUnit, Department, ResidentialGroup, User
from xaso.core.tenancy import ScopedQuerySet
from xaso.feedback.choices import (
    CLOSED_STATUSES,
    AttributeType,
    Channel,
    EventKind,
    PhotoKind,
    ReportStatus,
)


class Category(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit,
        models.CASCADE,
        related_name="feedback_categories",
        verbose_name=_("xã/phường"),
    )
    code = models.SlugField(_("mã lĩnh vực"), max_length=40)
    name = models.CharField(_("tên lĩnh vực"), max_length=120)
    description = models.TextField(_("mô tả"), blank=True)
    group = models.CharField(_("nhóm"), max_length=60, blank=True)
    keywords = models.CharField(_("từ khoá"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_categories",
        verbose_name=_("phòng/ban xử lý mặc định"),
    )
    sla_hours = models.PositiveIntegerField(
        _("thời hạn xử lý (giờ làm việc)"),
        default=16,
        help_text=_("Tính theo giờ hành chính: thứ Hai–thứ Sáu, 7:30–17:00, trừ ngày nghỉ lễ."),
    )
    active = models.BooleanField(_("đang dùng"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_unit_wide_for_groups = True

    class Meta:
        verbose_name = _("lĩnh vực phản ánh")
        verbose_name_plural = _("lĩnh vực phản ánh")
        ordering = ["unit", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="feedback_category_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CategoryAttribute(models.Model):
    """An extra question of a category (Open311 service definition attribute)."""

    category = models.ForeignKey(
        Category, models.CASCADE, related_name="attributes", verbose_name=_("lĩnh vực")
    )
    code = models.SlugField(_("mã"), max_length=40)
    description = models.CharField(_("câu hỏi"), max_length=200)
    datatype = models.CharField(
        _("kiểu dữ liệu"), max_length=20, choices=AttributeType.choices, default="string"
    )
    datatype_description = models.CharField(_("hướng dẫn"), max_length=200, blank=True)
    required = models.BooleanField(_("bắt buộc"), default=False)
    variable = models.BooleanField(_("người dân nhập"), default=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=1)
    values = models.JSONField(
        _("các lựa chọn"), default=list, blank=True, help_text='[{"key": "…", "name": "…"}]'
    )

    class Meta:
        verbose_name = _("câu hỏi bổ sung")
        verbose_name_plural = _("câu hỏi bổ sung")
        ordering = ["category", "order"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="feedback_attribute_code"),
            models.UniqueConstraint(fields=["category", "order"], name="feedback_attribute_order"),
        ]

    def __str__(self) -> str:
        return self.description

    def value_keys(self) -> list[str]:
        return [str(v.get("key")) for v in self.values or []]


class Open311Client(models.Model):
    """An application allowed to POST requests; only a SHA-256 digest of its key is kept."""

    name = models.CharField(_("tên ứng dụng"), max_length=120)
    unit = models.ForeignKey(
        AdministrativeUnit,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chỉ cho xã/phường"),
    )
    prefix = models.CharField(_("đầu mã"), max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("ứng dụng Open311")
        verbose_name_plural = _("ứng dụng Open311")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class Report(models.Model):
    unit = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, related_name="reports", verbose_name=_("xã/phường")
    )
    group = models.ForeignKey(
        ResidentialGroup,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("tổ dân phố"),
    )
    category = models.ForeignKey(
        Category, models.PROTECT, related_name="reports", verbose_name=_("lĩnh vực")
    )
    code = models.CharField(_("mã phản ánh"), max_length=20, unique=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    channel = models.CharField(_("kênh tiếp nhận"), max_length=10, choices=Channel.choices)
    description = models.TextField(_("nội dung"))
    attributes = models.JSONField(_("thông tin bổ sung"), default=dict, blank=True)
    # Where the problem is (a public place, not the reporter's home).
    address = models.CharField(_("địa điểm"), max_length=300, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    reporter_name = EncryptedTextField(_("người phản ánh"), blank=True)
    reporter_phone = EncryptedTextField(_("số điện thoại"), blank=True)
    reporter_phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    reporter_email = EncryptedTextField(_("thư điện tử"), blank=True)
    # Keyed hash of the sender's IP, for the rate limit only.
    client_hash = models.CharField(max_length=64, blank=True)
    filed_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập thay"),
    )
    open311_client = models.ForeignKey(
        Open311Client, models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    department = models.ForeignKey(
        Department,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("phòng/ban xử lý"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("trùng với"),
    )
    rejection_reason = models.TextField(_("lý do không tiếp nhận"), blank=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    created_at = models.DateTimeField(_("thời điểm gửi"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)
    accepted_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("chuyển xử lý lúc"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("giải quyết lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("cảnh báo quá hạn lúc"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("đánh giá"), null=True, blank=True)
    rating_comment = models.TextField(_("nhận xét"), blank=True)
    rated_at = models.DateTimeField(_("đánh giá lúc"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("số lần mở lại"), default=0)
    # Secret that lets the citizen who filed rate or reopen (sent back in a signed cookie).
    access_key = models.CharField(max_length=32, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_group_field = "group_id"

    class Meta:
        verbose_name = _("phản ánh kiến nghị")
        verbose_name_plural = _("phản ánh kiến nghị")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["unit", "status", "due_at"]),
            models.Index(fields=["unit", "created_at"]),
            models.Index(fields=["unit", "department", "status"]),
            models.Index(fields=["client_hash", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    def is_overdue(self, now=None) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < (now or timezone.now())

    @property
    def hours_to_resolve(self) -> float | None:
        if self.resolved_at is None:
            return None
        return (self.resolved_at - self.created_at).total_seconds() / 3600

    @property
    def open311_status(self) -> str:
        return "open" if self.is_open else "closed"


class ReportEvent(models.Model):
    """One step on a report's timeline. ``public`` steps (and their ``note``) are shown to the
    citizen; internal notes are not."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="events")
    kind = models.CharField(_("sự kiện"), max_length=12, choices=EventKind.choices)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    actor = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    actor_label = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    department = models.ForeignKey(
        Department, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("ghi chú"), blank=True)
    public = models.BooleanField(_("công khai"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "report__unit_id"
    scope_group_field = "report__group_id"

    class Meta:
        verbose_name = _("diễn biến xử lý")
        verbose_name_plural = _("diễn biến xử lý")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"


def _photo_path(photo: ReportPhoto, filename: str) -> str:
    now = timezone.now()
    return f"feedback/{now:%Y/%m}/{filename}"


class ReportPhoto(models.Model):
    """A photo, re-encoded on upload (no EXIF kept). Served through the feedback views."""

    report = models.ForeignKey(Report, models.CASCADE, related_name="photos")
    kind = models.CharField(max_length=10, choices=PhotoKind.choices, default=PhotoKind.REPORT)
    image = models.FileField(upload_to=_photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "report__unit_id"
    scope_group_field = "report__group_id"

    class Meta:
        ordering = ["report", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.image.name}"

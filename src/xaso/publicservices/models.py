"""The procedure catalogue (thủ tục hành chính cấp xã) and the dossiers (hồ sơ) a commune
receives, from which the service-quality index of QĐ 766/QĐ-TTg is computed.

Procedures are shared by every commune (the catalogue is national); their full description
lives in ``data`` (the structure of ``data/procedure.schema.json``) with the fields that lists,
filters and the index need copied into columns. Every change keeps a ``ProcedureVersion``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.models import AdministrativeUnit, User
from xaso.core.tenancy import ScopedQuerySet
from xaso.publicservices.choices import (
    Channel,
    DossierResult,
    DossierSource,
    OnlineLevel,
    Satisfaction,
    TimeUnit,
)


class Procedure(models.Model):
    code = models.SlugField(_("mã thủ tục"), max_length=100, unique=True)
    national_code = models.CharField(_("mã trên CSDL quốc gia"), max_length=20, blank=True)
    name = models.CharField(_("tên thủ tục"), max_length=300)
    field_code = models.SlugField(_("mã lĩnh vực"), max_length=60)
    field_name = models.CharField(_("lĩnh vực"), max_length=120)
    online_level = models.CharField(
        _("mức độ trực tuyến"), max_length=12, choices=OnlineLevel.choices
    )
    time_limit_value = models.DecimalField(_("thời hạn"), max_digits=6, decimal_places=1)
    time_limit_unit = models.CharField(
        _("đơn vị thời hạn"), max_length=14, choices=TimeUnit.choices
    )
    # None: there is a fee, but the provincial People's Council sets the amount.
    fee_vnd = models.PositiveIntegerField(_("lệ phí (đồng)"), null=True, blank=True)
    has_fee = models.BooleanField(_("có thu phí, lệ phí"), default=False)
    fee_text = models.CharField(_("lệ phí"), max_length=300)
    effective_date = models.DateField(_("ngày áp dụng"))
    active = models.BooleanField(_("đang áp dụng"), default=True)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    data = models.JSONField(_("nội dung"))
    # Folded name, keywords and purpose for diacritics-insensitive search.
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["field_name", "name"]

    def __str__(self) -> str:
        return self.name


class ProcedureVersion(models.Model):
    """A kept state of a procedure: what applied from ``effective_date``."""

    procedure = models.ForeignKey(Procedure, models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField(_("phiên bản"))
    effective_date = models.DateField(_("ngày áp dụng"))
    data = models.JSONField(_("nội dung"))
    changed_at = models.DateTimeField(_("thay đổi lúc"), default=timezone.now)
    changed_by = models.ForeignKey(User, models.SET_NULL, null=True, blank=True, related_name="+")
    changed_fields = models.JSONField(_("các mục thay đổi"), default=list, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "version"], name="procedure_version")
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} v{self.version}"


class Dossier(models.Model):
    """One application (hồ sơ) received by a commune, as the province's case-handling system
    exports it or as the one-stop desk records it."""

    unit = models.ForeignKey(
        AdministrativeUnit, models.PROTECT, related_name="dossiers", verbose_name=_("xã/phường")
    )
    code = models.CharField(_("mã hồ sơ"), max_length=60)
    procedure = models.ForeignKey(
        Procedure, models.PROTECT, related_name="dossiers", verbose_name=_("thủ tục")
    )
    received_at = models.DateTimeField(_("ngày tiếp nhận"))
    channel = models.CharField(_("kênh nộp"), max_length=12, choices=Channel.choices)
    online_level = models.CharField(
        _("mức độ trực tuyến của hồ sơ"),
        max_length=12,
        choices=OnlineLevel.choices,
        default=OnlineLevel.NONE,
    )
    due_at = models.DateTimeField(_("ngày hẹn trả"))
    finished_at = models.DateTimeField(_("ngày có kết quả"), null=True, blank=True)
    result = models.CharField(
        _("kết quả"), max_length=10, choices=DossierResult.choices, blank=True, default=""
    )
    satisfaction = models.CharField(
        _("đánh giá của người dân"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    fee_vnd = models.PositiveIntegerField(_("phí, lệ phí (đồng)"), default=0)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    digitized = models.BooleanField(_("đã số hoá hồ sơ"), default=False)
    e_result = models.BooleanField(_("có kết quả điện tử"), default=False)
    reused_data = models.BooleanField(_("tái sử dụng dữ liệu đã số hoá"), default=False)
    used_population_data = models.BooleanField(
        _("khai thác dữ liệu dân cư / tài khoản VNeID"), default=False
    )
    official = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="dossiers",
        verbose_name=_("cán bộ xử lý"),
    )
    official_name = models.CharField(_("cán bộ xử lý"), max_length=120, blank=True)
    apology_due = models.BooleanField(_("phải gửi thư xin lỗi"), default=False)
    apology_sent_at = models.DateTimeField(_("đã gửi thư xin lỗi lúc"), null=True, blank=True)
    source = models.CharField(
        _("nguồn"), max_length=8, choices=DossierSource.choices, default=DossierSource.DESK
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_unit_wide_for_groups = False

    class Meta:
        verbose_name = _("hồ sơ thủ tục hành chính")
        verbose_name_plural = _("hồ sơ thủ tục hành chính")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="dossier_code_unique_in_unit")
        ]
        indexes = [
            models.Index(fields=["unit", "received_at"]),
            models.Index(fields=["unit", "finished_at"]),
            models.Index(fields=["unit", "procedure", "received_at"]),
            # The periodic check for newly late dossiers reads only the unfinished ones.
            models.Index(
                fields=["due_at"],
                condition=models.Q(finished_at__isnull=True),
                name="dossier_unfinished_due",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    def is_late(self, now=None) -> bool:
        end = self.finished_at or now or timezone.now()
        return end > self.due_at

    @property
    def on_time(self) -> bool | None:
        return None if self.finished_at is None else self.finished_at <= self.due_at


class DossierMonth(models.Model):
    """Monthly rollup of one commune's dossiers of one procedure (unit × month × procedure):
    what the service-quality index and the monthly statistics read, so that their cost does
    not grow with the number of dossiers. Counts of dossiers *received* in the month and of
    dossiers *finished* in the month (months in Vietnam time). Rebuilt from the dossiers by
    ``services.rollups.refresh_rollups`` after every write and by a periodic task; never
    edited by hand."""

    unit = models.ForeignKey(AdministrativeUnit, models.CASCADE, related_name="+")
    month = models.DateField(_("tháng"))  # the first day of the month
    procedure = models.ForeignKey(Procedure, models.CASCADE, related_name="+")
    # Received in the month
    received = models.PositiveIntegerField(default=0)
    synced = models.PositiveIntegerField(default=0)  # from the province's system
    online = models.PositiveIntegerField(default=0)  # submitted online (any level)
    full_online = models.PositiveIntegerField(default=0)  # online, fully online level
    partial_online = models.PositiveIntegerField(default=0)  # online, partly online level
    with_fee = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)  # with a fee, paid online
    digitized = models.PositiveIntegerField(default=0)
    reused = models.PositiveIntegerField(default=0)
    population_data = models.PositiveIntegerField(default=0)
    # Finished in the month (withdrawn dossiers are not counted)
    finished = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    e_result = models.PositiveIntegerField(default=0)
    late_or_unhappy = models.PositiveIntegerField(default=0)
    rated = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    dissatisfied = models.PositiveIntegerField(default=0)
    refreshed_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_unit_wide_for_groups = False

    COUNTS = (
        "received",
        "synced",
        "online",
        "full_online",
        "partial_online",
        "with_fee",
        "paid_online",
        "digitized",
        "reused",
        "population_data",
        "finished",
        "on_time",
        "e_result",
        "late_or_unhappy",
        "rated",
        "satisfied",
        "dissatisfied",
    )

    class Meta:
        verbose_name = _("tổng hợp hồ sơ theo tháng")
        verbose_name_plural = _("tổng hợp hồ sơ theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "procedure"], name="dossier_month_unique"
            )
        ]
        indexes = [models.Index(fields=["month", "unit"])]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%m/%Y} {self.procedure_id}"

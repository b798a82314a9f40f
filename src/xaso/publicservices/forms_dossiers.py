"""Forms of the one-stop desk (bộ phận một cửa): record a dossier, enter its result, the
citizen's evaluation. They only read and clean input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.models import User
from xaso.publicservices.choices import Channel, DossierResult, Satisfaction
from xaso.publicservices.models import Procedure
from xaso.publicservices.selectors import DOSSIER_DESK_ROLES

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _now_local() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class ProcedureChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Procedure) -> str:
        return f"{obj.field_name} — {obj.name}"


class DossierForm(forms.Form):
    code = forms.CharField(
        label=_("Mã hồ sơ"),
        max_length=60,
        help_text=_("Số biên nhận trên hệ thống một cửa, ví dụ 00611-250115-0001."),
    )
    procedure = ProcedureChoiceField(
        label=_("Thủ tục"), queryset=Procedure.objects.none(), empty_label=_("— Chọn thủ tục —")
    )
    received_at = forms.DateTimeField(label=_("Ngày giờ tiếp nhận"), widget=DATETIME_WIDGET)
    channel = forms.ChoiceField(label=_("Kênh nộp"), choices=Channel.choices)
    due_at = forms.DateTimeField(
        label=_("Hạn trả kết quả"),
        required=False,
        widget=DATETIME_WIDGET,
        help_text=_("Để trống: tính theo thời hạn giải quyết của thủ tục (ngày làm việc)."),
    )
    fee_vnd = forms.IntegerField(
        label=_("Phí, lệ phí (đồng)"),
        required=False,
        min_value=0,
        help_text=_("Để trống: theo mức trong danh mục thủ tục."),
    )
    paid_online = forms.BooleanField(label=_("Thanh toán trực tuyến"), required=False)
    digitized = forms.BooleanField(label=_("Đã số hoá thành phần hồ sơ"), required=False)
    reused_data = forms.BooleanField(label=_("Tái sử dụng dữ liệu đã số hoá"), required=False)
    used_population_data = forms.BooleanField(
        label=_("Khai thác dữ liệu dân cư / tài khoản VNeID"), required=False
    )
    official = forms.ModelChoiceField(
        label=_("Cán bộ xử lý"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— Người tiếp nhận —"),
    )

    def __init__(self, *args, unit, official=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = Procedure.objects.filter(active=True).order_by(
            "field_name", "name"
        )
        self.fields["official"].queryset = User.objects.filter(
            unit=unit, role__in=DOSSIER_DESK_ROLES, is_active=True
        ).order_by("full_name", "username")
        self.fields["received_at"].initial = _now_local()
        self.fields["official"].initial = official.pk if official else None


class FinishForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Kết quả"),
        choices=[(v, label) for v, label in DossierResult.choices if v],
        initial=DossierResult.APPROVED,
    )
    finished_at = forms.DateTimeField(label=_("Ngày giờ có kết quả"), widget=DATETIME_WIDGET)
    e_result = forms.BooleanField(label=_("Có kết quả điện tử"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finished_at"].initial = _now_local()


class RateForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Đánh giá của người dân"), choices=Satisfaction.choices
    )

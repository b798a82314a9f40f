"""Forms of the feedback pages. They only read what the browser sent (types, choices); the
business rules — location inside the commune, photos, rate limits, the workflow — are the
services', whose ``BusinessError.field`` puts each message next to its field here."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.core.exceptions import BusinessError
from xaso.feedback.choices import AttributeType
from xaso.feedback.models import Category, CategoryAttribute
from xaso.feedback.services import MIN_DESCRIPTION


def attribute_field_name(category: Category, attribute: CategoryAttribute) -> str:
    # Two categories may ask questions with the same code: the name carries the category.
    return f"a{category.pk}-{attribute.code}"


def _attribute_field(attribute: CategoryAttribute) -> forms.Field:
    options = {
        "required": False,
        "label": attribute.description,
        "help_text": attribute.datatype_description,
    }
    choices = [(str(v.get("key")), str(v.get("name"))) for v in attribute.values or []]
    if attribute.datatype == AttributeType.SINGLE:
        return forms.ChoiceField(choices=[("", _("— Chọn —")), *choices], **options)
    if attribute.datatype == AttributeType.MULTI:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **options
        )
    if attribute.datatype == AttributeType.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), **options)
    if attribute.datatype == AttributeType.NUMBER:
        widget = forms.TextInput(attrs={"inputmode": "decimal"})
        return forms.CharField(widget=widget, **options)
    if attribute.datatype == AttributeType.DATETIME:
        widget = forms.DateTimeInput(attrs={"type": "datetime-local"})
        return forms.CharField(widget=widget, **options)
    return forms.CharField(max_length=1000, **options)


class ReportForm(forms.Form):
    """A report as a citizen (or an official, for a caller) fills it in."""

    category = forms.ModelChoiceField(
        queryset=Category.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Hãy chọn lĩnh vực phản ánh."),
            "invalid_choice": _("Lĩnh vực đã chọn không còn nhận phản ánh; hãy chọn lại."),
        },
    )
    description = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 4000}),
        label=_("Nội dung phản ánh"),
    )
    address = forms.CharField(required=False, max_length=300, label=_("Địa chỉ, mô tả vị trí"))
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    reporter_name = forms.CharField(required=False, max_length=120, label=_("Họ và tên"))
    reporter_phone = forms.CharField(
        required=False,
        max_length=20,
        label=_("Số điện thoại"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_email = forms.EmailField(
        required=False,
        max_length=200,
        label=_("Thư điện tử"),
        error_messages={"invalid": _("Địa chỉ thư điện tử không hợp lệ.")},
    )
    # Not read from the form (the files come with the request); it carries their messages.
    photos = forms.Field(required=False)
    group = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label=_("Tổ dân phố"),
        empty_label=_("— Theo vị trí trên bản đồ —"),
    )

    def __init__(self, *args, categories, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        self.fields["category"].queryset = Category.objects.filter(
            pk__in=[c.pk for c in self.categories]
        )
        if groups is None:
            del self.fields["group"]
        else:
            self.fields["group"].queryset = groups
        self.fields["reporter_name"].widget.attrs["autocomplete"] = "name"
        self.fields["reporter_email"].widget.attrs["autocomplete"] = "email"
        self.fields["address"].widget.attrs["autocomplete"] = "off"
        # The extra questions of every category; the page shows those of the chosen one.
        self.questions: list[tuple[Category, list[str]]] = []
        for category in self.categories:
            names = []
            for attribute in category.attributes.all():
                if attribute.variable:
                    name = attribute_field_name(category, attribute)
                    self.fields[name] = _attribute_field(attribute)
                    self.fields[name].required_by_category = attribute.required
                    names.append(name)
            if names:
                self.questions.append((category, names))

    def question_groups(self):
        """(category, bound fields) for the template."""
        return [(category, [self[n] for n in names]) for category, names in self.questions]

    def clean_category(self) -> Category:
        # The instance the page was built from, its questions already loaded.
        chosen = self.cleaned_data["category"]
        return next((c for c in self.categories if c.pk == chosen.pk), chosen)

    def clean_description(self) -> str:
        text = (self.cleaned_data.get("description") or "").strip()
        if len(text) < MIN_DESCRIPTION:
            raise forms.ValidationError(
                _("Hãy mô tả sự việc (ít nhất %(count)d ký tự).") % {"count": MIN_DESCRIPTION}
            )
        return text

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            data["latitude"] = data["longitude"] = None
        return data

    def attributes(self, category: Category) -> dict:
        """The answers to ``category``'s questions, keyed by the question's code."""
        answers = {}
        for attribute in category.attributes.all():
            name = attribute_field_name(category, attribute)
            if name in self.cleaned_data:
                answers[attribute.code] = self.cleaned_data[name]
        return answers

    def add_business_error(self, error: BusinessError, category: Category | None) -> None:
        """Show a service's refusal next to the field it names."""
        field = error.field or None
        if field and field.startswith("attribute[") and category is not None:
            code = field[len("attribute[") : -1]
            field = f"a{category.pk}-{code}"
        elif field in ("latitude", "longitude"):
            field = "address"  # the place is one block on the page; its message sits there
        if field not in self.fields:
            field = None
        self.add_error(field, error.message)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicservicesConfig(AppConfig):
    name = "xaso.publicservices"
    label = "publicservices"
    verbose_name = _("Dịch vụ công")

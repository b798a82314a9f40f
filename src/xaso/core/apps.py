from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "xaso.core"
    label = "core"
    verbose_name = _("Nền tảng")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from xaso.core.models import Holiday
        from xaso.core.selectors import forget_holidays

        for signal in (post_save, post_delete):
            signal.connect(lambda **_: forget_holidays(), sender=Holiday, weak=False)

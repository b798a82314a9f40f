from django.apps import AppConfig


class PublicservicesConfig(AppConfig):
    """Filled by a later issue; the app exists so the layout of ARCHITECTURE.md holds."""

    name = "xaso.publicservices"
    label = "publicservices"

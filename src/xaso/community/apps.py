from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Filled by a later issue; the app exists so the layout of ARCHITECTURE.md holds."""

    name = "xaso.community"
    label = "community"

from django.apps import AppConfig


class AssistantConfig(AppConfig):
    """Filled by a later issue; the app exists so the layout of ARCHITECTURE.md holds."""

    name = "xaso.assistant"
    label = "assistant"

from django.apps import AppConfig


class SkillsConfig(AppConfig):
    """Filled by a later issue; the app exists so the layout of ARCHITECTURE.md holds."""

    name = "xaso.skills"
    label = "skills"

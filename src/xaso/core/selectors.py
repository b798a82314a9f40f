"""Scoped reads of the platform foundation."""

from django.db.models import QuerySet
from django.http import Http404

from xaso.core.models import AdministrativeUnit, AuditLog, Department, ResidentialGroup


def units_for(actor) -> QuerySet[AdministrativeUnit]:
    return AdministrativeUnit.objects.for_actor(actor).select_related("parent")


def get_unit(actor, code: str) -> AdministrativeUnit:
    unit = units_for(actor).filter(code=code).first()
    if unit is None:
        raise Http404("Không tìm thấy đơn vị hành chính.")
    return unit


def groups_for(actor) -> QuerySet[ResidentialGroup]:
    return ResidentialGroup.objects.for_actor(actor).select_related("unit", "leader")


def departments_for(actor) -> QuerySet[Department]:
    return Department.objects.for_actor(actor).select_related("unit", "head")


def audit_log_for(actor) -> QuerySet[AuditLog]:
    return AuditLog.objects.for_actor(actor).select_related("actor")


_HOLIDAYS_TTL = 300.0  # seconds: another process's admin edit is seen within five minutes
_holidays: tuple[float, frozenset] | None = None


def forget_holidays() -> None:
    """Drop this process's copy of the holiday list (after it changes, and between tests)."""
    global _holidays
    _holidays = None


def holidays_between(start, end) -> set:
    """Dates off between two dates (inclusive), for working-time clocks. The list is small and
    read by every report filed and dossier recorded, so each process keeps it for a few
    minutes instead of querying it every time."""
    global _holidays
    import time

    from xaso.core.models import Holiday

    now = time.monotonic()
    if _holidays is None or now - _holidays[0] > _HOLIDAYS_TTL:
        _holidays = (now, frozenset(Holiday.objects.values_list("date", flat=True)))
    return {day for day in _holidays[1] if start <= day <= end}


def unread_notifications(user):
    from xaso.core.models import Notification

    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user, read_at__isnull=True)


def notifications_for(user):
    """The user's own notifications, newest first (the inbox under the bell)."""
    from xaso.core.models import Notification

    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")

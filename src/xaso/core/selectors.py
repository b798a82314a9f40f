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

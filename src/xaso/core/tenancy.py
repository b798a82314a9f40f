"""Tenancy scoping, done in one place.

Every selector, API endpoint, export and the assistant reads through
``Model.objects.for_actor(user)``. A model says how its rows belong to a commune with two
class attributes:

- ``scope_unit_field``: the lookup of the commune the row belongs to (``"unit_id"``,
  ``"household__unit_id"``), or ``"id"`` for the unit table itself;
- ``scope_group_field``: the lookup of the residential group, for rows a group leader may see
  (group leaders see nothing of a model that has none, unless ``scope_unit_wide_for_groups``).

Who sees what:
- platform admin: everything;
- province official: the province and every commune in it;
- commune leader / official / department staff / community tech member: their commune;
- group leader: the rows of the groups they lead, in their commune;
- citizen or a user without a unit: nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from xaso.core.choices import Role

COMMUNE_ROLES = {
    Role.COMMUNE_LEADER,
    Role.COMMUNE_OFFICIAL,
    Role.DEPARTMENT_STAFF,
    Role.COMMUNITY_TECH,
}


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    unit_ids: frozenset[int] = frozenset()
    # None: every group of the units above; a set: only these groups (group leaders).
    group_ids: frozenset[int] | None = None

    def allows_unit(self, unit_id: int | None) -> bool:
        return self.everything or (unit_id in self.unit_ids and self.group_ids is None)

    def allows_group(self, unit_id: int | None, group_id: int | None) -> bool:
        if self.everything:
            return True
        if unit_id not in self.unit_ids:
            return False
        return self.group_ids is None or group_id in self.group_ids


NOTHING = Scope()


def scope_for(user) -> Scope:
    """The units and groups ``user`` may act on (cached on the user object for the request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached = getattr(user, "_xaso_scope", None)
    if cached is not None:
        return cached
    scope = _compute_scope(user)
    user._xaso_scope = scope
    return scope


def _compute_scope(user) -> Scope:
    from xaso.core.models import AdministrativeUnit, ResidentialGroup

    if user.is_superuser or user.role == Role.PLATFORM_ADMIN:
        return Scope(everything=True)
    if user.unit_id is None:
        return NOTHING
    if user.role == Role.PROVINCE_OFFICIAL:
        communes = AdministrativeUnit.objects.filter(parent_id=user.unit_id).values_list(
            "id", flat=True
        )
        return Scope(unit_ids=frozenset([user.unit_id, *communes]))
    if user.role in COMMUNE_ROLES:
        return Scope(unit_ids=frozenset([user.unit_id]))
    if user.role == Role.GROUP_LEADER:
        groups = ResidentialGroup.objects.filter(unit_id=user.unit_id, leader=user).values_list(
            "id", flat=True
        )
        return Scope(unit_ids=frozenset([user.unit_id]), group_ids=frozenset(groups))
    return NOTHING


class ScopedQuerySet(models.QuerySet):
    def for_actor(self, user) -> ScopedQuerySet:
        return self.for_scope(scope_for(user))

    def for_scope(self, scope: Scope) -> ScopedQuerySet:
        model = self.model
        if scope.everything:
            return self.all()
        if not scope.unit_ids:
            return self.none()
        unit_field = model.scope_unit_field
        rows = self.filter(**{f"{unit_field}__in": scope.unit_ids})
        if scope.group_ids is None:
            return rows
        group_field = getattr(model, "scope_group_field", None)
        if group_field:
            return rows.filter(**{f"{group_field}__in": scope.group_ids})
        if getattr(model, "scope_unit_wide_for_groups", False):
            return rows
        return self.none()

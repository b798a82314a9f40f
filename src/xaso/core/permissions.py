"""What each role may do, beyond the tenancy scope (which rows) of ``tenancy.py``.

Least privilege for personal data: the national ID number is shown in clear only to the
commune's leaders and officials who keep the register; phones and house addresses also to
the group leader of the household. Everyone else sees them masked.
"""

from xaso.core.choices import Role

_REGISTER_KEEPERS = {Role.COMMUNE_LEADER, Role.COMMUNE_OFFICIAL}


def _role(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.role


def can_see_national_id(user) -> bool:
    return _role(user) in _REGISTER_KEEPERS


def can_see_contact(user) -> bool:
    """Phone and house address."""
    return _role(user) in _REGISTER_KEEPERS | {Role.GROUP_LEADER}


def can_manage_population(user) -> bool:
    return _role(user) in _REGISTER_KEEPERS


def can_view_audit(user) -> bool:
    return _role(user) in {Role.COMMUNE_LEADER, Role.PLATFORM_ADMIN} or bool(
        user and getattr(user, "is_superuser", False)
    )

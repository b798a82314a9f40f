"""Who may do what with a report, beyond the tenancy scope of ``core/tenancy.py``.

- Triage (accept, reject, merge, assign) and filing from a hotline call: the commune's leaders
  and officials (the "one-stop" desk).
- Working a report (start, resolve): the staff of the department it is assigned to, and the
  triage roles.
- Filing on behalf of a resident: group leaders, for their own groups.
- Reporter contact details in clear: the triage roles and the assigned department.
"""

from xaso.core.choices import Role

TRIAGE_ROLES = {Role.COMMUNE_LEADER, Role.COMMUNE_OFFICIAL}


def _role(user):
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def can_triage(user) -> bool:
    return _role(user) in TRIAGE_ROLES or bool(getattr(user, "is_superuser", False))


def can_work(user, report) -> bool:
    if can_triage(user):
        return True
    return (
        _role(user) == Role.DEPARTMENT_STAFF
        and report.department_id is not None
        and user.department_id == report.department_id
    )


def can_file_for_resident(user) -> bool:
    return _role(user) in TRIAGE_ROLES | {Role.GROUP_LEADER}


def can_see_reporter(user, report) -> bool:
    return can_work(user, report)


def can_view_queue(user) -> bool:
    return _role(user) in TRIAGE_ROLES | {
        Role.DEPARTMENT_STAFF,
        Role.GROUP_LEADER,
        Role.PROVINCE_OFFICIAL,
        Role.PLATFORM_ADMIN,
    } or bool(getattr(user, "is_superuser", False))

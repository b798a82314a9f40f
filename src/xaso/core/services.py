"""Writes of the platform foundation: units, groups, departments, users, API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core import audit
from xaso.core.choices import AuditAction, GroupKind, Role, UnitLevel
from xaso.core.events import emit
from xaso.core.exceptions import BusinessError, NotAllowed
from xaso.core.models import AdministrativeUnit, ApiToken, Department, ResidentialGroup, User
from xaso.core.tenancy import scope_for
from xaso.core.text import fold

TOKEN_PREFIX = "xaso_"


@transaction.atomic
def sync_administrative_units() -> tuple[int, int]:
    """Load or refresh provinces and communes from the ``vietnam-provinces`` package.

    Returns (created, updated). Idempotent; units that left the package are kept (rows may
    point at them) — their names simply stop changing.
    """
    from vietnam_provinces import Province, Ward

    existing = {u.code: u for u in AdministrativeUnit.objects.all()}
    created_rows: list[AdministrativeUnit] = []
    updated = 0

    def upsert(code: str, name: str, level: str, division: str, parent_id: int | None):
        nonlocal updated
        name = " ".join(name.split())  # the package has a few double spaces
        unit = existing.get(code)
        if unit is None:
            unit = AdministrativeUnit(
                code=code,
                name=name,
                level=level,
                division_type=division,
                parent_id=parent_id,
                name_folded=fold(name),
            )
            created_rows.append(unit)
            existing[code] = unit
        elif (unit.name, unit.division_type, unit.parent_id) != (name, division, parent_id):
            unit.name, unit.division_type, unit.parent_id = name, division, parent_id
            unit.save()
            updated += 1
        return unit

    for province in Province.iter_all():
        upsert(
            f"{int(province.code):02d}",
            province.name,
            UnitLevel.PROVINCE,
            str(province.division_type.value),
            None,
        )
    AdministrativeUnit.objects.bulk_create(created_rows, batch_size=1000)
    province_ids = {
        int(u.code): u.id for u in AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE)
    }
    created = len(created_rows)
    created_rows.clear()
    for ward in Ward.iter_all():
        upsert(
            f"{int(ward.code):05d}",
            ward.name,
            UnitLevel.COMMUNE,
            str(ward.division_type.value),
            province_ids[int(ward.province_code)],
        )
    AdministrativeUnit.objects.bulk_create(created_rows, batch_size=1000)
    created += len(created_rows)
    return created, updated


def _check_unit(actor, unit: AdministrativeUnit) -> None:
    if actor is not None and not scope_for(actor).allows_unit(unit.id):
        raise NotAllowed(_("Bạn không có quyền với đơn vị này."))


@transaction.atomic
def create_residential_group(
    actor,
    *,
    unit: AdministrativeUnit,
    code: str,
    name: str,
    kind: str = GroupKind.TO_DAN_PHO,
    leader: User | None = None,
    boundary: dict | None = None,
) -> ResidentialGroup:
    _check_unit(actor, unit)
    code = code.strip().upper()
    if ResidentialGroup.objects.filter(unit=unit, code=code).exists():
        raise BusinessError(
            _("Mã tổ '{code}' đã có trong {unit}.").format(code=code, unit=unit.name), field="code"
        )
    group = ResidentialGroup.objects.create(
        unit=unit, code=code, name=name.strip(), kind=kind, leader=leader, boundary=boundary
    )
    audit.record(actor=actor, action=AuditAction.CREATE, obj=group)
    emit("core.group_created", unit_id=unit.id, group_id=group.id)
    return group


@transaction.atomic
def create_department(actor, *, unit: AdministrativeUnit, code: str, name: str) -> Department:
    _check_unit(actor, unit)
    department = Department.objects.create(unit=unit, code=code.strip(), name=name.strip())
    audit.record(actor=actor, action=AuditAction.CREATE, obj=department)
    return department


@transaction.atomic
def create_user(
    actor,
    *,
    username: str,
    password: str | None,
    role: str,
    unit: AdministrativeUnit | None,
    full_name: str = "",
    department: Department | None = None,
    is_staff: bool = False,
) -> User:
    if role not in Role.values:
        raise BusinessError(_("Vai trò '{role}' không tồn tại.").format(role=role), field="role")
    if unit is not None:
        _check_unit(actor, unit)
    if User.objects.filter(username=username).exists():
        raise BusinessError(
            _("Tên đăng nhập '{username}' đã được dùng.").format(username=username),
            field="username",
        )
    user = User(
        username=username,
        role=role,
        unit=unit,
        full_name=full_name,
        department=department,
        is_staff=is_staff,
        is_superuser=role == Role.PLATFORM_ADMIN,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=user,
        unit_id=user.unit_id,
        changes={"role": role},
    )
    return user


@transaction.atomic
def create_api_token(actor, *, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token for ``user``; the clear token is returned once and never stored."""
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:80],
        prefix=clear[: len(TOKEN_PREFIX) + 6],
        digest=hashlib.sha256(clear.encode()).hexdigest(),
    )
    audit.record(
        actor=actor,
        action=AuditAction.TOKEN,
        obj=token,
        unit_id=user.unit_id,
        changes={"event": "created", "user": user.username},
    )
    return token, clear


@transaction.atomic
def revoke_api_token(actor, *, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action=AuditAction.TOKEN,
        obj=token,
        unit_id=token.user.unit_id,
        changes={"event": "revoked"},
    )


def authenticate_token(clear: str) -> User | None:
    """The active user behind a bearer token, or None."""
    if not clear.startswith(TOKEN_PREFIX):
        return None
    digest = hashlib.sha256(clear.encode()).hexdigest()
    token = ApiToken.objects.select_related("user").filter(digest=digest, revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def next_counter_value(key: str) -> int:
    """The next value of the named sequence; call inside the transaction that uses it, so a
    rolled-back action gives its number back."""
    from django.db.models import F

    from xaso.core.models import Counter

    updated = Counter.objects.filter(key=key).update(value=F("value") + 1)
    if not updated:
        Counter.objects.get_or_create(key=key, defaults={"value": 0})
        Counter.objects.filter(key=key).update(value=F("value") + 1)
    return Counter.objects.values_list("value", flat=True).get(key=key)


def notify(users, *, title: str, body: str = "", url: str = "", unit_id: int | None = None) -> int:
    """Put a message in the in-app inbox of each user (duplicates and ``None`` skipped)."""
    from xaso.core.models import Notification

    recipients = {u.pk: u for u in users if u is not None and u.is_active}
    Notification.objects.bulk_create(
        Notification(user_id=pk, unit_id=unit_id, title=title[:200], body=body, url=url[:300])
        for pk in recipients
    )
    return len(recipients)


@transaction.atomic
def sync_holidays(years) -> int:
    """Add the default public holidays of ``years`` that are not in the list yet (run by the
    first migration and by ``xaso seed``). Returns how many were added."""
    from xaso.core.calendar import default_holidays
    from xaso.core.models import Holiday
    from xaso.core.selectors import forget_holidays

    wanted = default_holidays(years)
    existing = set(Holiday.objects.filter(date__in=wanted).values_list("date", flat=True))
    new = [Holiday(date=d, name=n) for d, n in wanted.items() if d not in existing]
    Holiday.objects.bulk_create(new)
    forget_holidays()  # bulk_create sends no signals
    return len(new)


def mark_notifications_read(actor, *, ids=None) -> int:
    """Mark the actor's unread notifications as read (only those in ``ids`` when given).
    Returns how many. Not audited: it changes nothing but the reader's own inbox."""
    from xaso.core.models import Notification

    if actor is None or not getattr(actor, "is_authenticated", False):
        return 0
    rows = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())

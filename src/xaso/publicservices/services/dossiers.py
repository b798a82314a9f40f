"""Writes of dossiers (hồ sơ): recorded at the one-stop desk (bộ phận một cửa) or imported from
the province's case-handling system, finished, rated; apology-letter reminders for late ones;
the monthly rollup the index reads.

One function per business action, keyword-only arguments, the acting user first, one
transaction, an audit record and a domain event:

- ``record_dossier``, ``finish_dossier``, ``rate_dossier``, ``mark_apology_sent``: the desk;
- ``import_dossiers`` (``dossier_import.py``): a file exported from the province's system,
  all rows or none;
- ``flag_late_dossiers``: the periodic check for dossiers that have become late;
- ``refresh_rollups`` (``rollups.py``): the monthly rollup the index reads.

Apology letters (thư xin lỗi): when a dossier is resolved late, the body that caused the delay
sends the citizen a written apology stating the reason and the new appointment (Nghị định
61/2018/NĐ-CP, Điều 19 khoản 6 and Điều 21, as amended by Nghị định 107/2021/NĐ-CP). A dossier
gets ``apology_due`` when its due time passes unfinished (``flag_late_dossiers``) or when it is
finished after it; the responsible official — the dossier's ``official``, or else the
commune's officials — is notified, and marks the letter sent.

Due times (``due_time_for``) count the procedure's time limit in the working time of
``core.calendar`` (Monday–Friday 7:30–17:00 minus ``Holiday``): N working days are N × 9.5
working hours from the moment of receipt, so a dossier received on Friday at 10:00 with three
working days is due on Wednesday at 10:00 (Thursday if Monday is a holiday). "Trong ngày"
procedures (same_day) are due at the end of the day of receipt, or of the next working day if
received after 15:00 (Nghị định 23/2015/NĐ-CP Điều 7; Luật Hộ tịch). A limit in calendar days
("ngày") ends at the end of office hours of its last day, moved to the next working day when
that day is a weekend or holiday (Bộ luật Dân sự 2015, Điều 147–148).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from xaso.core import audit
from xaso.core.calendar import DAY_END, HOURS_PER_DAY, add_working_hours, is_working_day
from xaso.core.choices import AuditAction, Role
from xaso.core.events import emit
from xaso.core.exceptions import BusinessError, NotAllowed
from xaso.core.i18n import record_language
from xaso.core.models import AdministrativeUnit, User
from xaso.core.selectors import holidays_between
from xaso.core.services import notify
from xaso.core.tenancy import scope_for
from xaso.core.text import normalize
from xaso.publicservices.choices import (
    Channel,
    DossierResult,
    DossierSource,
    OnlineLevel,
    Satisfaction,
    TimeUnit,
)
from xaso.publicservices.models import Dossier, Procedure
from xaso.publicservices.selectors import (
    STATUS_APOLOGY,
    can_work_dossiers,
)
from xaso.publicservices.services.rollups import refresh_rollups

SAME_DAY_CUTOFF = dt.time(15, 0)
CLOCK_SKEW = dt.timedelta(minutes=5)
LIST_URL = "/dich-vu-cong/ho-so/"


# --- Who may act -------------------------------------------------------------------------------


def require_role(actor, unit_id: int, allowed: Callable[[object], bool], message) -> None:
    """``message``: the refusal, translated lazily (``gettext_lazy``), shown when refused."""
    if actor is None:
        return  # the command line, tasks and the seeder act as the platform
    if not allowed(actor) or not scope_for(actor).allows_unit(unit_id):
        raise NotAllowed(str(message))


NOT_DESK = gettext_lazy("Bạn không được xử lý hồ sơ của xã/phường này.")


def _require_desk(actor, unit_id: int) -> None:
    require_role(actor, unit_id, can_work_dossiers, NOT_DESK)


# --- Due times ---------------------------------------------------------------------------------


def holidays_around(start: dt.datetime, days: int = 400) -> set[dt.date]:
    first = timezone.localtime(start).date()
    return holidays_between(first, first + dt.timedelta(days=days))


def _end_of_day(day: dt.date, tz) -> dt.datetime:
    return dt.datetime.combine(day, DAY_END, tzinfo=tz)


def _next_working_day(day: dt.date, holidays: set[dt.date]) -> dt.date:
    day += dt.timedelta(days=1)
    while not is_working_day(day, holidays):
        day += dt.timedelta(days=1)
    return day


def due_time_for(
    procedure: Procedure, received_at: dt.datetime, *, holidays: Iterable[dt.date] | None = None
) -> dt.datetime:
    """When a dossier of ``procedure`` received at ``received_at`` is due (see the module's
    docstring for the rules). ``holidays``: the days off to use (read from ``Holiday`` when
    not given; pass them when computing many)."""
    if holidays is None:
        holidays = holidays_around(received_at)
    holidays = holidays if isinstance(holidays, set | frozenset) else set(holidays)
    tz = timezone.get_default_timezone()
    local = timezone.localtime(received_at, tz)
    value = float(procedure.time_limit_value or Decimal(0))
    unit = procedure.time_limit_unit
    same_day = bool((procedure.data or {}).get("time_limit", {}).get("same_day"))
    if same_day:
        day = local.date()
        if not is_working_day(day, holidays) or local.time() >= SAME_DAY_CUTOFF:
            day = _next_working_day(day, holidays)
        return _end_of_day(day, tz)
    if unit == TimeUnit.DAYS:
        day = local.date() + dt.timedelta(days=max(1, round(value)))
        if not is_working_day(day, holidays):
            day = _next_working_day(day, holidays)
        return _end_of_day(day, tz)
    hours = value if unit == TimeUnit.HOURS else value * HOURS_PER_DAY
    return add_working_hours(received_at, hours, holidays)


# --- Notifications -----------------------------------------------------------------------------


def _apology_recipients(unit_id: int, official_ids: Iterable[int | None]) -> dict[int, list]:
    """Per dossier official id (None: no official): who is told an apology letter is due —
    the official, or the commune's officials (its leaders when it has none)."""
    wanted = {pk for pk in official_ids if pk}
    officials = {u.pk: u for u in User.objects.filter(pk__in=wanted, is_active=True)}
    commune = list(
        User.objects.filter(unit_id=unit_id, role=Role.COMMUNE_OFFICIAL, is_active=True)
    ) or list(User.objects.filter(unit_id=unit_id, role=Role.COMMUNE_LEADER, is_active=True))
    return {
        pk: [officials[pk]] if pk in officials and officials[pk].unit_id == unit_id else commune
        for pk in {*wanted, None}
    }


def notify_apologies(unit_id: int, dossiers: list[tuple[int | None, str]]) -> int:
    """One notification per recipient for the dossiers (official id, code) that now need an
    apology letter."""
    if not dossiers:
        return 0
    recipients = _apology_recipients(unit_id, (official for official, _code in dossiers))
    codes_for: dict[int, list[str]] = defaultdict(list)
    users: dict[int, User] = {}
    for official, code in dossiers:
        for user in recipients.get(official) or recipients[None]:
            codes_for[user.pk].append(code)
            users[user.pk] = user
    for pk, codes in codes_for.items():
        with record_language():
            _notify_late(users[pk], codes, unit_id)
    return len(codes_for)


def _notify_late(user, codes: list[str], unit_id: int) -> None:
    shown = ", ".join(codes[:5])
    if len(codes) > 5:
        more = len(codes) - 5
        shown = ngettext(
            "{codes} và {count} hồ sơ khác", "{codes} và {count} hồ sơ khác", more
        ).format(codes=shown, count=more)
    notify(
        [user],
        title=(
            _("Hồ sơ {code} trễ hạn: cần gửi thư xin lỗi").format(code=codes[0])
            if len(codes) == 1
            else ngettext(
                "{count} hồ sơ trễ hạn: cần gửi thư xin lỗi",
                "{count} hồ sơ trễ hạn: cần gửi thư xin lỗi",
                len(codes),
            ).format(count=len(codes))
        ),
        body=_(
            "Gửi thư xin lỗi người dân, nêu lý do và hẹn lại ngày trả kết quả: {dossiers}."
        ).format(dossiers=shown),
        url=f"{LIST_URL}?trang_thai={STATUS_APOLOGY}",
        unit_id=unit_id,
    )


# --- The desk ----------------------------------------------------------------------------------


def _check_moment(value: dt.datetime, name: str, field: str) -> dt.datetime:
    """``name``: the moment's name as the message starts with it (translated by the caller)."""
    if value is None or timezone.is_naive(value):
        raise BusinessError(_("{name} phải có ngày và giờ.").format(name=name), field=field)
    if value > timezone.now() + CLOCK_SKEW:
        raise BusinessError(_("{name} không được ở tương lai.").format(name=name), field=field)
    return value


def month_of(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else timezone.localtime(moment).date().replace(day=1)


@transaction.atomic
def record_dossier(
    actor,
    *,
    unit: AdministrativeUnit,
    code: str,
    procedure: Procedure,
    received_at: dt.datetime,
    channel: str,
    due_at: dt.datetime | None = None,
    online_level: str | None = None,
    fee_vnd: int | None = None,
    paid_online: bool = False,
    digitized: bool = False,
    e_result: bool = False,
    reused_data: bool = False,
    used_population_data: bool = False,
    official: User | None = None,
    official_name: str = "",
) -> Dossier:
    """A dossier received at the one-stop desk (or entered there from another channel)."""
    _require_desk(actor, unit.id)
    code = normalize(code)
    if not code:
        raise BusinessError(_("Hãy ghi mã hồ sơ."), field="code")
    if len(code) > 60:
        raise BusinessError(_("Mã hồ sơ dài quá {count} ký tự.").format(count=60), field="code")
    if Dossier.objects.filter(unit=unit, code=code).exists():
        raise BusinessError(
            _("Mã hồ sơ “{code}” đã có trong {unit}.").format(code=code, unit=unit.name),
            field="code",
        )
    if not procedure.active:
        raise BusinessError(
            _("Thủ tục “{procedure}” đã ngừng áp dụng.").format(procedure=procedure.name),
            field="procedure",
        )
    if channel not in Channel.values:
        raise BusinessError(_("Kênh nộp không hợp lệ."), field="channel")
    _check_moment(received_at, pgettext("moment", "Ngày tiếp nhận"), "received_at")
    if channel == Channel.ONLINE and procedure.online_level == OnlineLevel.NONE:
        raise BusinessError(
            _("Thủ tục “{procedure}” không cung cấp dịch vụ trực tuyến.").format(
                procedure=procedure.name
            ),
            field="channel",
        )
    if online_level is None:
        online_level = procedure.online_level if channel == Channel.ONLINE else OnlineLevel.NONE
    elif online_level not in OnlineLevel.values:
        raise BusinessError(_("Mức độ trực tuyến không hợp lệ."), field="online_level")
    if due_at is None:
        due_at = due_time_for(procedure, received_at)
    elif due_at < received_at:
        raise BusinessError(_("Hạn trả kết quả trước ngày tiếp nhận."), field="due_at")
    if fee_vnd is None:
        fee_vnd = procedure.fee_vnd or 0
    if fee_vnd < 0:
        raise BusinessError(_("Phí, lệ phí không được âm."), field="fee_vnd")
    if official is not None and official.unit_id != unit.id:
        raise BusinessError(_("Cán bộ xử lý phải thuộc xã/phường này."), field="official")
    now = timezone.now()
    dossier = Dossier.objects.create(
        unit=unit,
        code=code,
        procedure=procedure,
        received_at=received_at,
        channel=channel,
        online_level=online_level,
        due_at=due_at,
        fee_vnd=fee_vnd,
        paid_online=bool(paid_online and fee_vnd),
        digitized=digitized,
        e_result=e_result,
        reused_data=reused_data,
        used_population_data=used_population_data,
        official=official,
        official_name=(official_name or (official.display_name if official else ""))[:120],
        source=DossierSource.DESK,
        created_at=now,
        updated_at=now,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=dossier,
        changes={"procedure": procedure.code, "channel": channel},
    )
    refresh_rollups([unit.id], [month_of(received_at)])
    emit("publicservices.dossier_recorded", unit_id=unit.id, dossier_id=dossier.pk, code=code)
    return dossier


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().select_related("procedure").get(pk=dossier.pk)


@transaction.atomic
def finish_dossier(
    actor,
    *,
    dossier: Dossier,
    finished_at: dt.datetime,
    result: str,
    e_result: bool | None = None,
) -> Dossier:
    """The dossier has its result (approved or refused) or the citizen withdrew it. Finishing
    after the due time makes an apology letter due (unless withdrawn)."""
    _require_desk(actor, dossier.unit_id)
    dossier = _locked(dossier)
    if dossier.finished_at is not None:
        raise BusinessError(
            _("Hồ sơ {code} đã có kết quả.").format(code=dossier.code), field="result"
        )
    if result not in (DossierResult.APPROVED, DossierResult.REFUSED, DossierResult.WITHDRAWN):
        raise BusinessError(_("Hãy chọn kết quả giải quyết."), field="result")
    _check_moment(finished_at, pgettext("moment", "Ngày có kết quả"), "finished_at")
    if finished_at < dossier.received_at:
        raise BusinessError(_("Ngày có kết quả trước ngày tiếp nhận."), field="finished_at")
    dossier.finished_at = finished_at
    dossier.result = result
    if e_result is not None:
        dossier.e_result = e_result
    newly_late = (
        result != DossierResult.WITHDRAWN
        and finished_at > dossier.due_at
        and not dossier.apology_due
    )
    if newly_late:
        dossier.apology_due = True
    dossier.updated_at = timezone.now()
    dossier.save(update_fields=["finished_at", "result", "e_result", "apology_due", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=dossier,
        changes={"action": "finish", "result": result, "late": finished_at > dossier.due_at},
    )
    refresh_rollups([dossier.unit_id], [month_of(finished_at)])
    emit(
        "publicservices.dossier_finished",
        unit_id=dossier.unit_id,
        dossier_id=dossier.pk,
        code=dossier.code,
        on_time=finished_at <= dossier.due_at,
    )
    if newly_late:
        notify_apologies(dossier.unit_id, [(dossier.official_id, dossier.code)])
        emit(
            "publicservices.dossier_late",
            unit_id=dossier.unit_id,
            dossier_id=dossier.pk,
            code=dossier.code,
            due_at=dossier.due_at.isoformat(),
        )
    return dossier


@transaction.atomic
def rate_dossier(actor, *, dossier: Dossier, satisfaction: str) -> Dossier:
    """Record the citizen's evaluation (from the portal or the desk's rating device)."""
    _require_desk(actor, dossier.unit_id)
    dossier = _locked(dossier)
    if satisfaction not in Satisfaction.values:
        raise BusinessError(_("Hãy chọn mức độ hài lòng."), field="satisfaction")
    if dossier.finished_at is None or dossier.result == DossierResult.WITHDRAWN:
        raise BusinessError(_("Chỉ đánh giá được hồ sơ đã có kết quả."), field="satisfaction")
    before = dossier.satisfaction
    dossier.satisfaction = satisfaction
    dossier.updated_at = timezone.now()
    dossier.save(update_fields=["satisfaction", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=dossier,
        changes={"satisfaction": [before, satisfaction]},
    )
    refresh_rollups([dossier.unit_id], [month_of(dossier.finished_at)])
    emit(
        "publicservices.dossier_rated",
        unit_id=dossier.unit_id,
        dossier_id=dossier.pk,
        satisfaction=satisfaction,
    )
    return dossier


@transaction.atomic
def mark_apology_sent(actor, *, dossier: Dossier, sent_at: dt.datetime | None = None) -> Dossier:
    """The official sent the citizen the apology letter for a late dossier."""
    _require_desk(actor, dossier.unit_id)
    dossier = _locked(dossier)
    if not dossier.apology_due:
        raise BusinessError(
            _("Hồ sơ {code} không trễ hạn, không cần thư xin lỗi.").format(code=dossier.code)
        )
    if dossier.apology_sent_at is not None:
        raise BusinessError(
            _("Thư xin lỗi của hồ sơ {code} đã được ghi nhận gửi lúc {sent_at}.").format(
                code=dossier.code,
                sent_at=f"{timezone.localtime(dossier.apology_sent_at):%H:%M %d/%m/%Y}",
            )
        )
    sent_at = _check_moment(
        sent_at or timezone.now(), pgettext("moment", "Ngày gửi thư"), "sent_at"
    )
    dossier.apology_sent_at = sent_at
    dossier.updated_at = timezone.now()
    dossier.save(update_fields=["apology_sent_at", "updated_at"])
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=dossier, changes={"apology": "sent"})
    emit(
        "publicservices.apology_sent",
        unit_id=dossier.unit_id,
        dossier_id=dossier.pk,
        code=dossier.code,
    )
    return dossier


def flag_late_dossiers(*, now: dt.datetime | None = None) -> int:
    """Mark every unfinished dossier past its due time that is not marked yet as needing an
    apology letter, notify who must write it (one message per person and commune) and emit
    ``publicservices.dossier_late`` for each. Run by the scheduler; idempotent. Returns how
    many were flagged."""
    now = now or timezone.now()
    flagged = 0
    pending = (
        Dossier.objects.filter(finished_at__isnull=True, due_at__lt=now, apology_due=False)
        .order_by()
        .values_list("unit_id", flat=True)
        .distinct()
    )
    for unit_id in list(pending):
        flagged += _flag_unit(unit_id, now)
    return flagged


@transaction.atomic
def _flag_unit(unit_id: int, now: dt.datetime) -> int:
    rows = list(
        Dossier.objects.select_for_update()
        .filter(unit_id=unit_id, finished_at__isnull=True, due_at__lt=now, apology_due=False)
        .order_by("due_at")
        .values_list("id", "code", "official_id", "due_at")
    )
    if not rows:
        return 0
    Dossier.objects.filter(id__in=[row[0] for row in rows]).update(apology_due=True)
    for pk, code, _official, due in rows:
        audit.record(
            actor=None,
            action=AuditAction.UPDATE,
            unit_id=unit_id,
            object_type="publicservices.dossier",
            object_id=str(pk),
            object_repr=code,
            changes={"action": "late", "due_at": due.isoformat()},
        )
        emit(
            "publicservices.dossier_late",
            unit_id=unit_id,
            dossier_id=pk,
            code=code,
            due_at=due.isoformat(),
        )
    notify_apologies(unit_id, [(official, code) for _pk, code, official, _due in rows])
    return len(rows)

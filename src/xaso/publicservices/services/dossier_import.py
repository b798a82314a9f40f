"""The import of dossiers exported from the province's case-handling system (.xlsx/.csv):
``importing`` reads and checks every row; here the clean rows are compared with the commune's
stored dossiers by code and the difference written in one transaction — new rows in one bulk
insert, changed rows by primary key — or nothing at all when any row has an error. Importing
the same file again changes nothing. Late dossiers get their apology letter due, and the
officials who must write them are told in one message each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, ngettext

from xaso.core import audit, bulk
from xaso.core.choices import AuditAction
from xaso.core.events import emit
from xaso.core.models import AdministrativeUnit, User
from xaso.core.text import fold
from xaso.publicservices import importing
from xaso.publicservices.choices import Channel, DossierResult, DossierSource, OnlineLevel
from xaso.publicservices.models import Dossier, Procedure
from xaso.publicservices.selectors import can_import_dossiers
from xaso.publicservices.services.dossiers import (
    due_time_for,
    holidays_around,
    month_of,
    notify_apologies,
    require_role,
)
from xaso.publicservices.services.rollups import refresh_rollups

# The columns of a dossier the import compares and writes, in this order.
FIELDS = (
    "procedure_id",
    "received_at",
    "channel",
    "online_level",
    "due_at",
    "finished_at",
    "result",
    "satisfaction",
    "fee_vnd",
    "paid_online",
    "digitized",
    "e_result",
    "reused_data",
    "used_population_data",
    "official_id",
    "official_name",
    "apology_due",
    "apology_sent_at",
)
DATETIMES = {"received_at", "due_at", "finished_at", "apology_sent_at"}
NOT_IMPORTER = gettext_lazy("Bạn không được nhập hồ sơ của xã/phường này.")


def _datetime_adapter() -> Callable[[dt.datetime], object]:
    """How to hand an aware datetime to the database: what ``adapt_datetimefield_value``
    returns, without its per-call settings look-ups on SQLite (UTC text, the connection's
    time zone being UTC unless DATABASES sets another)."""
    connection = connections[router.db_for_write(Dossier)]
    if connection.vendor == "sqlite" and connection.timezone == dt.UTC:
        return lambda value: str(value.astimezone(dt.UTC).replace(tzinfo=None))
    return connection.ops.adapt_datetimefield_value


def _aware(value) -> dt.datetime | None:
    """A datetime as a database cursor returns it (SQLite: UTC text) as an aware datetime."""
    if value is None or (isinstance(value, dt.datetime) and value.tzinfo is not None):
        return value
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC)


@dataclass
class ImportResult:
    file_name: str
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[importing.RowError] = field(default_factory=list)
    more_errors: int = 0
    sheet: str = ""
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def message(self) -> str:
        if self.errors:
            count = len(self.errors) + self.more_errors
            return ngettext(
                "Không nhập hồ sơ nào: tệp có {count} lỗi.",
                "Không nhập hồ sơ nào: tệp có {count} lỗi.",
                count,
            ).format(count=count)
        total = self.created + self.updated + self.unchanged
        return ngettext(
            "Đã nhập {total} hồ sơ: {created} mới, {updated} cập nhật, {unchanged} không đổi.",
            "Đã nhập {total} hồ sơ: {created} mới, {updated} cập nhật, {unchanged} không đổi.",
            total,
        ).format(total=total, created=self.created, updated=self.updated, unchanged=self.unchanged)


def _lookups(unit_id: int, now: dt.datetime) -> importing.Lookups:
    procedures: dict[str, int] = {}
    for pk, code, national, name in Procedure.objects.values_list(
        "id", "code", "national_code", "name"
    ):
        procedures.setdefault(fold(name), pk)
        if national:
            procedures[national] = pk
        procedures[code] = pk
    officials: dict[str, int] = {}
    for pk, username, full_name in User.objects.filter(unit_id=unit_id, is_active=True).values_list(
        "id", "username", "full_name"
    ):
        officials.setdefault(fold(username), pk)
        if full_name:
            officials.setdefault(fold(full_name), pk)
    return importing.Lookups(procedures=procedures, officials=officials, now=now)


def import_dossiers(
    actor,
    *,
    unit: AdministrativeUnit,
    file: str | Path | BinaryIO,
    file_name: str = "",
    progress: Callable[[str, int, int], None] | None = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Import the dossiers of a file exported from the province's system (.xlsx/.csv): every
    row is checked first; with any error nothing is written and the result lists them (row,
    column, message). Dossiers are matched by (unit, code): new ones are created, changed ones
    updated, identical ones left alone, so importing the same file again changes nothing.
    Columns the file does not have keep their stored values. ``progress(phase, done, total)``
    reports on the way (the command line's progress line)."""
    require_role(actor, unit.id, can_import_dossiers, NOT_IMPORTER)
    now = now or timezone.now()
    source = Path(file) if isinstance(file, str | Path) else file
    file_name = file_name or Path(str(getattr(source, "name", "") or source)).name
    result = ImportResult(file_name=file_name[:200])

    def report(phase: str, done: int, total: int) -> None:
        if progress:
            progress(phase, done, total)

    report("Đang đọc tệp", 0, 0)
    try:
        sheets = importing.read_sheets(source, file_name)
        parsed = importing.parse(
            sheets,
            _lookups(unit.id, now),
            progress=lambda done, total: report("Đang kiểm tra", done, total),
        )
    except importing.UnreadableFile as error:
        result.errors = [importing.RowError(0, "", str(error))]
        return result
    result.total_rows, result.sheet = parsed.total_rows, parsed.sheet
    result.ignored_columns = parsed.ignored
    if parsed.errors:
        result.errors, result.more_errors = parsed.errors, parsed.more_errors
        return result
    with transaction.atomic():
        _DossierWriter(actor, unit, parsed, now, result, report).write()
    return result


class _DossierWriter:
    """Compares the parsed rows with the stored dossiers of the commune and writes the
    difference in bulk (``core.bulk``): new rows in one go, changed rows by primary key."""

    def __init__(self, actor, unit, parsed: importing.ParseResult, now, result, report):
        self.actor, self.unit, self.parsed, self.now = actor, unit, parsed, now
        self.result, self.report = result, report
        self.columns = parsed.columns
        self.adapt = _datetime_adapter()

    def write(self) -> None:
        rows = self.parsed.rows
        procedures = {
            p.pk: p
            for p in Procedure.objects.filter(id__in={r.procedure_id for r in rows}).only(
                "id", "online_level", "fee_vnd", "time_limit_value", "time_limit_unit", "data"
            )
        }
        first = min(r.received_at for r in rows)
        span = (max(r.received_at for r in rows) - first).days + 400
        holidays = holidays_around(first, span)
        stored = self._stored()
        creates, updates, months, newly_late = [], [], set(), []
        total = len(rows)
        for index, row in enumerate(rows):
            if index % 10_000 == 0:
                self.report("Đang so sánh với dữ liệu đã có", index, total)
            old = stored.get(row.code)
            kept = dict(zip(FIELDS, old[1], strict=True)) if old is not None else None
            values = self._values(row, procedures[row.procedure_id], holidays, kept)
            if old is None:
                creates.append((row.code, self._db(values)))
            else:
                if values == old[1]:
                    self.result.unchanged += 1
                    continue
                updates.append((old[0], self._db(values)))
                months.update(self._months(kept))
            fields = dict(zip(FIELDS, values, strict=True))
            months.update(self._months(fields))
            was_due = kept is not None and kept["apology_due"]
            if fields["apology_due"] and not was_due and fields["apology_sent_at"] is None:
                newly_late.append((fields["official_id"], row.code))
        self.report("Đang ghi", 0, len(creates) + len(updates))
        self._insert(creates)
        self._update(updates)
        self.result.created, self.result.updated = len(creates), len(updates)
        self.report("Đang tổng hợp theo tháng", 0, 0)
        refresh_rollups([self.unit.id], months)
        audit.record(
            actor=self.actor,
            action=AuditAction.IMPORT,
            unit_id=self.unit.id,
            object_type="publicservices.dossier",
            object_repr=self.result.file_name,
            changes={
                "file": self.result.file_name,
                "created": self.result.created,
                "updated": self.result.updated,
                "unchanged": self.result.unchanged,
            },
        )
        if creates or updates:
            notify_apologies(self.unit.id, newly_late)
            emit(
                "publicservices.dossiers_imported",
                unit_id=self.unit.id,
                created=self.result.created,
                updated=self.result.updated,
                late=len(newly_late),
            )
        self.report("Xong", total, total)

    @staticmethod
    def _months(fields: dict) -> set[dt.date]:
        return {m for m in (month_of(fields["received_at"]), month_of(fields["finished_at"])) if m}

    def _stored(self) -> dict[str, tuple[int, tuple]]:
        """code → (id, values of ``FIELDS``) of the commune's dossiers, read with a plain cursor
        (no model instances, no per-field converters): moments made aware, booleans as the
        driver gives them (SQLite's 0/1 equal False/True)."""
        connection = connections[router.db_for_read(Dossier)]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(name) for name in ("code", "id", *FIELDS))
        moments = [i for i, name in enumerate(FIELDS) if name in DATETIMES]
        stored = {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {quote(Dossier._meta.db_table)} WHERE "
                f"{quote('unit_id')} = %s",
                [self.unit.id],
            )
            for code, pk, *values in cursor.fetchall():
                for i in moments:
                    values[i] = _aware(values[i])
                stored[code] = (pk, tuple(values))
        return stored

    def _values(self, row: importing.ParsedDossier, procedure, holidays, kept) -> tuple:
        """The stored values this row asks for, in the order of ``FIELDS``: the file's cells,
        the stored value for a column the file does not have, the default for a new one."""
        has = self.columns.__contains__

        def optional(key, default):
            """A column the file may lack, or leave blank: then the stored value stays (a
            new dossier gets ``default``)."""
            value = getattr(row, key) if has(key) else None
            if value is not None:
                return value
            return kept[key] if kept is not None else default

        online = row.channel == Channel.ONLINE
        level_default = (
            (
                procedure.online_level
                if procedure.online_level != OnlineLevel.NONE
                else OnlineLevel.PARTIAL
            )
            if online
            else OnlineLevel.NONE
        )
        due = row.due_at or due_time_for(procedure, row.received_at, holidays=holidays)
        if has("official"):
            official_id, official_name = row.official_id, row.official_name or ""
        elif kept is not None:
            official_id, official_name = kept["official_id"], kept["official_name"]
        else:
            official_id, official_name = None, ""
        sent = optional("apology_sent_at", None)
        late = (row.finished_at > due if row.finished_at is not None else due < self.now) and (
            row.result != DossierResult.WITHDRAWN
        )
        # A letter recorded as sent (in the file or through the platform) stays due.
        apology_due = late or sent is not None
        return (
            row.procedure_id,
            row.received_at,
            row.channel,
            optional("online_level", level_default),
            due,
            row.finished_at,
            row.result,
            row.satisfaction,
            optional("fee_vnd", procedure.fee_vnd or 0),
            optional("paid_online", False),
            optional("digitized", False),
            optional("e_result", False),
            optional("reused_data", False),
            optional("used_population_data", False),
            official_id,
            official_name,
            apology_due,
            sent,
        )

    def _db(self, values: tuple) -> list:
        """``values`` as the database stores them (datetimes adapted)."""
        adapt = self.adapt
        return [
            adapt(value) if name in DATETIMES and value is not None else value
            for name, value in zip(FIELDS, values, strict=True)
        ]

    def _insert(self, creates: list) -> None:
        if not creates:
            return
        now = bulk.db_datetime(Dossier, self.now)
        columns = ["unit_id", "code", *FIELDS, "source", "created_at", "updated_at"]
        unit_id = self.unit.id
        bulk.write_rows(
            Dossier,
            columns,
            ((unit_id, code, *values, DossierSource.IMPORT, now, now) for code, values in creates),
        )

    def _update(self, updates: list) -> None:
        if not updates:
            return
        connection = connections[router.db_for_write(Dossier)]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(name)} = %s" for name in FIELDS)
        now = bulk.db_datetime(Dossier, self.now)
        bulk.execute_many(
            Dossier,
            f"UPDATE {quote(Dossier._meta.db_table)} SET {assignments}, "
            f"{quote('source')} = %s, {quote('updated_at')} = %s WHERE {quote('id')} = %s",
            [(*values, DossierSource.IMPORT, now, pk) for pk, values in updates],
        )

"""Reads of public services: the procedure catalogue, then dossiers.

The procedure catalogue is public and shared by every commune: its reads need no actor. The
dossiers belong to one commune each and are read through ``Dossier.objects.for_actor(user)``.
"""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.choices import Role
from xaso.core.models import AdministrativeUnit
from xaso.core.tenancy import scope_for
from xaso.core.text import fold, fold_words
from xaso.publicservices import index as service_index
from xaso.publicservices.models import Dossier, DossierMonth, Procedure, ProcedureVersion

# --- catalogue -------------------------------------------------------------------------------

# What a list of procedures shows; the full description (``data``) is read for one procedure.
LIST_COLUMNS = (
    "id",
    "code",
    "national_code",
    "name",
    "field_code",
    "field_name",
    "online_level",
    "time_limit_value",
    "time_limit_unit",
    "fee_vnd",
    "fee_text",
    "effective_date",
    "active",
    "version",
    "search_text",
    "updated_at",
)
_WORD = re.compile(r"[0-9a-z]+")


@dataclass(frozen=True)
class FieldCount:
    code: str
    name: str
    count: int


@dataclass
class CatalogueSearch:
    """Procedures matching a search, best first, and how many match in each lĩnh vực (before
    the lĩnh vực filter, so the citizen sees where else the words are found)."""

    procedures: list[Procedure]
    field_counts: list[FieldCount] = field(default_factory=list)
    total: int = 0  # matches in every lĩnh vực


def procedures(
    *, include_inactive: bool = False, with_description: bool = False
) -> QuerySet[Procedure]:
    """The catalogue, active procedures only unless asked; ``with_description`` also reads
    each one's full description (``data``), which lists do not need."""
    rows = Procedure.objects.all() if with_description else Procedure.objects.only(*LIST_COLUMNS)
    return rows if include_inactive else rows.filter(active=True)


def search_procedures(
    query: str = "",
    *,
    field_code: str = "",
    online_level: str = "",
    include_inactive: bool = False,
    with_description: bool = False,
) -> CatalogueSearch:
    """Procedures whose name, keywords, purpose or lĩnh vực hold every word of ``query`` as the
    start of a word, with or without diacritics ("dang ky khai sinh" finds "Đăng ký khai
    sinh"). Matches in the name come first — the whole name, then the words in that order, then
    the words anywhere in it — then the words in that order among the keywords, then the rest;
    shorter names first within each rank. Without a query: by lĩnh vực, the largest first, and
    name.

    The catalogue holds a few hundred procedures at most: the database narrows the rows by
    substring, the exact word-start test and the ranking run here over what it returns."""
    words = fold_words(query)
    rows = procedures(include_inactive=include_inactive, with_description=with_description)
    if online_level:
        rows = rows.filter(online_level=online_level)
    for word in words:
        rows = rows.filter(search_text__contains=word)
    if words:
        ranked = []
        for procedure in rows:
            rank = _rank(procedure, words)
            if rank is not None:
                ranked.append((rank, procedure))
        ranked.sort(key=lambda pair: pair[0])
        matched = [procedure for _rank_key, procedure in ranked]
    else:
        matched = list(rows)
    counts = Counter((p.field_code, p.field_name) for p in matched)
    field_counts = _by_size(counts)
    if not words:
        # Browsing: the lĩnh vực with the most procedures (hộ tịch, cư trú, chứng thực: what
        # citizens come for most) first, names in alphabetical order within each.
        order = {item.code: index for index, item in enumerate(field_counts)}
        matched.sort(key=lambda p: (order[p.field_code], fold(p.name)))
    shown = [p for p in matched if p.field_code == field_code] if field_code else matched
    return CatalogueSearch(procedures=shown, field_counts=field_counts, total=len(matched))


def _starts_in_order(tokens: list[str], words: list[str]) -> bool:
    """The words start consecutive tokens, in order."""
    last = len(tokens) - len(words)
    return any(
        all(tokens[i + j].startswith(word) for j, word in enumerate(words)) for i in range(last + 1)
    )


def _rank(procedure: Procedure, words: list[str]) -> tuple | None:
    """Sort key of a procedure for a search, or None when a word starts no word of it."""
    text_tokens = _WORD.findall(procedure.search_text)
    if not all(any(token.startswith(word) for token in text_tokens) for word in words):
        return None
    name_tokens = _WORD.findall(fold(procedure.name))
    if name_tokens == words:
        tier = 0
    elif _starts_in_order(name_tokens, words):
        tier = 1
    elif all(any(token.startswith(word) for token in name_tokens) for word in words):
        tier = 2
    elif _starts_in_order(text_tokens[len(name_tokens) :], words):
        tier = 3  # keywords follow the name in search_text, the purpose comes after them
    else:
        tier = 4
    return (tier, len(procedure.name), fold(procedure.name))


def catalogue_fields() -> list[FieldCount]:
    """Every lĩnh vực of the active catalogue with its number of procedures."""
    return _by_size(Counter(procedures().values_list("field_code", "field_name")))


def _by_size(counts: Counter) -> list[FieldCount]:
    """Lĩnh vực with their counts, the largest first, then by name."""
    return sorted(
        (FieldCount(code, name, n) for (code, name), n in counts.items()),
        key=lambda item: (-item.count, fold(item.name)),
    )


def procedures_of_field(field_code: str) -> list[Procedure]:
    """Every procedure of a lĩnh vực, active or not, with its full description, in the order
    they were added (for the shipped catalogue: the order of its file)."""
    return list(Procedure.objects.filter(field_code=field_code).order_by("id"))


def get_procedure(code: str) -> Procedure:
    """One procedure with its full description, active or not (links from old dossiers and
    printed sheets keep working; the page says when it no longer applies)."""
    procedure = Procedure.objects.filter(code=code).first()
    if procedure is None:
        raise Http404(_("Không tìm thấy thủ tục hành chính."))
    return procedure


def procedure_versions(procedure: Procedure) -> QuerySet[ProcedureVersion]:
    """The kept states of a procedure, newest first."""
    return procedure.versions.select_related("changed_by").order_by("-version")


def get_procedure_version(procedure: Procedure, version: int) -> ProcedureVersion:
    found = procedure_versions(procedure).filter(version=version).first()
    if found is None:
        raise Http404(_("Không có phiên bản này của thủ tục."))
    return found


# --- dossiers
# Scoped reads of dossiers (hồ sơ), the monthly statistics and who may do what with them.
# Every read goes through ``Dossier.objects.for_actor(user)``: a commune's users see their
# commune, a province official every commune of the province (read-only), nobody else anything.

# Who reads dossiers, works them at the one-stop desk, imports them.
DOSSIER_DESK_ROLES = {Role.COMMUNE_LEADER, Role.COMMUNE_OFFICIAL, Role.DEPARTMENT_STAFF}
DOSSIER_IMPORT_ROLES = {Role.COMMUNE_LEADER, Role.COMMUNE_OFFICIAL}
DOSSIER_VIEW_ROLES = DOSSIER_DESK_ROLES | {Role.PROVINCE_OFFICIAL, Role.PLATFORM_ADMIN}


def _dossier_role(user) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Role.PLATFORM_ADMIN if user.is_superuser else user.role


def can_view_dossiers(user) -> bool:
    return _dossier_role(user) in DOSSIER_VIEW_ROLES


def can_work_dossiers(user) -> bool:
    """Record, finish, rate dossiers and mark apology letters sent (the one-stop desk)."""
    return _dossier_role(user) in DOSSIER_DESK_ROLES | {Role.PLATFORM_ADMIN}


def can_import_dossiers(user) -> bool:
    return _dossier_role(user) in DOSSIER_IMPORT_ROLES | {Role.PLATFORM_ADMIN}


def dossiers_for(user) -> QuerySet[Dossier]:
    if not can_view_dossiers(user):
        return Dossier.objects.none()
    return Dossier.objects.for_actor(user)


def get_dossier(user, pk: int) -> Dossier:
    dossier = (
        dossiers_for(user).select_related("unit", "procedure", "official").filter(pk=pk).first()
    )
    if dossier is None:
        raise Http404(_("Không tìm thấy hồ sơ."))
    return dossier


def dossier_units(user) -> list[AdministrativeUnit]:
    """The communes whose dossiers ``user`` may read and that have any (for the commune
    picker of province officials and platform admins); a commune user's own commune."""
    if not can_view_dossiers(user):
        return []
    scope = scope_for(user)
    if not scope.everything and len(scope.unit_ids) == 1:
        return list(AdministrativeUnit.objects.filter(id__in=scope.unit_ids))
    with_data = DossierMonth.objects.for_scope(scope).values("unit_id").distinct()
    return list(AdministrativeUnit.objects.filter(id__in=with_data).order_by("name"))


def resolve_units(user, code: str | None) -> tuple[list[int], AdministrativeUnit | None]:
    """(unit ids, the one commune chosen or None for "all I may see") from the ``don_vi``
    parameter. A code outside the user's scope is a 404."""
    units = dossier_units(user)
    if code:
        chosen = next((u for u in units if u.code == code), None)
        if chosen is None:
            raise Http404(_("Không tìm thấy xã/phường."))
        return [chosen.id], chosen
    if len(units) == 1:
        return [units[0].id], units[0]
    return [u.id for u in units], None


# Status filters of the dossier list (codes used in the URL).
STATUS_PENDING = "dang-giai-quyet"
STATUS_ON_TIME = "dung-han"
STATUS_LATE = "tre-han"
STATUS_APOLOGY = "cho-thu-xin-loi"
STATUSES = {
    STATUS_PENDING: gettext_lazy("Đang giải quyết"),
    STATUS_ON_TIME: gettext_lazy("Đúng hạn"),
    STATUS_LATE: gettext_lazy("Trễ hạn"),
    STATUS_APOLOGY: gettext_lazy("Chờ thư xin lỗi"),
}


def status_condition(status: str, now: dt.datetime) -> Q:
    if status == STATUS_PENDING:
        return Q(finished_at__isnull=True)
    if status == STATUS_ON_TIME:
        return Q(finished_at__isnull=False, finished_at__lte=F("due_at"))
    if status == STATUS_LATE:
        return Q(finished_at__gt=F("due_at")) | Q(finished_at__isnull=True, due_at__lt=now)
    if status == STATUS_APOLOGY:
        return Q(apology_due=True, apology_sent_at__isnull=True)
    raise ValueError(status)


@dataclass(frozen=True)
class DossierQuery:
    """The filters of the dossier list, as the page reads them from its URL."""

    unit_ids: tuple[int, ...] | None = None  # None: every commune the user may see
    month: dt.date | None = None  # received in this month (Vietnam time)
    procedure: str = ""  # catalogue code
    field: str = ""  # field code (lĩnh vực)
    channel: str = ""
    status: str = ""
    code: str = ""  # part of the dossier code
    records: str = ""  # a filter of index.DOSSIER_FILTERS: the records behind an indicator
    numerator: bool = True


def dossier_list(user, query: DossierQuery, *, now: dt.datetime | None = None) -> QuerySet:
    now = now or timezone.now()
    rows = dossiers_for(user)
    if query.unit_ids is not None:
        rows = rows.filter(unit_id__in=query.unit_ids)
    if query.records and query.month:
        start, end = service_index.month_period(query.month)
        scope = scope_for(user)
        if query.unit_ids is not None:
            unit_ids = [pk for pk in query.unit_ids if scope.allows_unit(pk)]
        else:
            unit_ids = rows.order_by().values_list("unit_id", flat=True).distinct()
        if not can_view_dossiers(user):
            unit_ids = []
        rows = service_index.dossier_records(
            query.records, unit_ids, start, end, numerator=query.numerator
        )
    elif query.month:
        start, end = service_index.month_period(query.month)
        rows = rows.filter(received_at__gte=start, received_at__lt=end)
    if query.procedure:
        rows = rows.filter(procedure__code=query.procedure)
    if query.field:
        rows = rows.filter(procedure__field_code=query.field)
    if query.channel:
        rows = rows.filter(channel=query.channel)
    if query.status in STATUSES:
        rows = rows.filter(status_condition(query.status, now))
    if query.code:
        rows = rows.filter(code__icontains=query.code)
    return rows.select_related("procedure", "unit").order_by("-received_at", "-id")


def procedure_choices() -> list[Procedure]:
    """Procedures for the filters and the desk form (active first, then by field and name)."""
    return list(
        Procedure.objects.only(
            "id", "code", "name", "field_code", "field_name", "online_level", "fee_vnd", "active"
        ).order_by("-active", "field_name", "name")
    )


def field_choices() -> list[tuple[str, str]]:
    return list(
        Procedure.objects.order_by("field_name").values_list("field_code", "field_name").distinct()
    )


def awaiting_apology(user) -> QuerySet[Dossier]:
    return dossiers_for(user).filter(status_condition(STATUS_APOLOGY, timezone.now()))


# --- Monthly statistics (from the rollup) -----------------------------------------------------


@dataclass(frozen=True)
class StatisticsRow:
    key: str
    label: str
    field: str
    counts: service_index.Counts

    def share(self, part: int, whole: int) -> float | None:
        return None if not whole else 100 * part / whole

    @property
    def on_time_share(self):
        return self.share(self.counts.on_time, self.counts.finished)

    @property
    def online_share(self):
        return self.share(self.counts.online, self.counts.received)

    @property
    def full_online_share(self):
        return self.share(self.counts.full_online, self.counts.received)

    @property
    def partial_online_share(self):
        return self.share(self.counts.partial_online, self.counts.received)

    @property
    def paid_online_share(self):
        return self.share(self.counts.paid_online, self.counts.with_fee)

    @property
    def e_result_share(self):
        return self.share(self.counts.e_result, self.counts.finished)

    @property
    def digitized_share(self):
        return self.share(self.counts.digitized, self.counts.received)

    @property
    def satisfied_share(self):
        return self.share(self.counts.satisfied, self.counts.rated)


@dataclass(frozen=True)
class MonthlyStatistics:
    month: dt.date
    total: StatisticsRow
    by_field: list[StatisticsRow]
    by_procedure: list[StatisticsRow]


def monthly_statistics(unit_ids, month: dt.date) -> MonthlyStatistics:
    """Received, resolved, on time, late, online, online payment, digitised results and
    satisfaction of one month, per procedure and per field (the caller scoped ``unit_ids``)."""
    counts, _source = service_index.procedure_counts(unit_ids, *service_index.month_period(month))
    procedures = {
        p.id: p
        for p in Procedure.objects.filter(id__in=counts).only(
            "id", "code", "name", "field_code", "field_name"
        )
    }
    by_procedure, by_field = [], {}
    for procedure_id, item in counts.items():
        procedure = procedures[procedure_id]
        by_procedure.append(
            StatisticsRow(procedure.code, procedure.name, procedure.field_name, item)
        )
        field_row = by_field.setdefault(
            procedure.field_code,
            StatisticsRow(
                procedure.field_code,
                procedure.field_name,
                procedure.field_name,
                service_index.Counts(),
            ),
        )
        field_row.counts.add(item)
    by_procedure.sort(key=lambda row: (-row.counts.received, row.label))
    fields = sorted(by_field.values(), key=lambda row: (-row.counts.received, row.label))
    total = StatisticsRow("", gettext_lazy("Tổng"), "", service_index.total(counts))
    return MonthlyStatistics(month, total, fields, by_procedure)

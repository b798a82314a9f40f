"""Reads of the population register, always scoped to the actor (see ``core.tenancy``).

Lists mask personal data; ``resident_pii`` reveals it to roles that may see it and records the
read in the audit log.
"""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.http import Http404

from xaso.core import audit
from xaso.core.choices import AuditAction
from xaso.core.crypto import blind_index, mask, mask_address, mask_phone
from xaso.core.models import ResidentialGroup
from xaso.core.permissions import can_see_contact, can_see_national_id
from xaso.core.tenancy import scope_for
from xaso.core.text import fold_words
from xaso.population.models import Household, ImportJob, PopulationChange, Resident
from xaso.population.search import AllResidents, ResidentSearch


def _count_per_group(rows: QuerySet, group_field: str) -> Coalesce:
    counted = rows.filter(**{group_field: OuterRef("pk")}).values(group_field)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


def groups_with_counts(actor) -> QuerySet[ResidentialGroup]:
    """Groups with their household and active-resident counts, one correlated count each
    (cheaper than COUNT(DISTINCT) over the households × residents join)."""
    return (
        ResidentialGroup.objects.for_actor(actor)
        .select_related("unit", "leader")
        .annotate(
            household_count=_count_per_group(Household.objects.all(), "group"),
            resident_count=_count_per_group(
                Resident.objects.filter(is_active=True), "household__group"
            ),
        )
        .order_by("unit__code", "code")
    )


def group_choices(actor) -> QuerySet[ResidentialGroup]:
    """Groups for a drop-down: no counts (counting every resident costs seconds at province
    scale)."""
    return (
        ResidentialGroup.objects.for_actor(actor)
        .only("id", "code", "name", "unit_id")
        .order_by("unit__code", "code")
    )


def get_group(actor, pk: int) -> ResidentialGroup:
    group = groups_with_counts(actor).filter(pk=pk).first()
    if group is None:
        raise Http404("Không tìm thấy tổ dân phố.")
    return group


def households_for(actor) -> QuerySet[Household]:
    return Household.objects.for_actor(actor).select_related("group")


def households_with_counts(actor, *, group: ResidentialGroup | None = None) -> QuerySet[Household]:
    rows = households_for(actor).annotate(
        member_count=Count("members", filter=Q(members__is_active=True))
    )
    if group is not None:
        rows = rows.filter(group=group)
    return rows.order_by("code")


def get_household(actor, pk: int) -> Household:
    household = households_for(actor).select_related("unit").filter(pk=pk).first()
    if household is None:
        raise Http404("Không tìm thấy hộ gia đình.")
    return household


def household_members(household: Household) -> QuerySet[Resident]:
    """Members as a roster reads: people living there first, the head first among them."""
    head_first = Case(When(relation_to_head="head", then=0), default=1, output_field=IntegerField())
    return household.members.annotate(not_head=head_first).order_by(
        "-is_active", "not_head", "birth_date"
    )


def residents_for(actor) -> QuerySet[Resident]:
    return Resident.objects.for_actor(actor)


def search_residents(
    actor, query: str = "", *, group_id: int | None = None, include_inactive: bool = False
) -> QuerySet[Resident] | ResidentSearch | AllResidents:
    """Residents whose name contains every word of ``query`` as a word start, with or without
    diacritics; a 12-digit query looks up the national ID by its keyed hash.

    Order: the exact name first, then names that begin with the query as typed, then the other
    matches, alphabetically within each (see ``population.search``). An actor who sees more
    than one commune (the province) is answered from the word index, with the total counted up
    to ``search.COUNT_LIMIT`` + 1; inside one commune (or one group) the commune's rows are
    scanned and counted exactly."""
    rows = residents_for(actor).select_related("household", "household__group")
    if not include_inactive:
        rows = rows.filter(is_active=True)
    if group_id:
        rows = rows.filter(household__group_id=group_id)
    compact = query.replace(" ", "")
    if compact.isdigit() and len(compact) == 12:
        return rows.filter(national_id_hash=blind_index(compact))
    words = fold_words(query)
    scope = scope_for(actor)
    if not group_id and (scope.everything or len(scope.unit_ids) > 1):
        unit_ids = None if scope.everything else scope.unit_ids
        if words:
            return ResidentSearch(words, unit_ids=unit_ids, include_inactive=include_inactive)
        if unit_ids is not None:
            return AllResidents(unit_ids, include_inactive=include_inactive)
    for word in words:
        rows = rows.filter(Q(name_folded__startswith=word) | Q(name_folded__contains=f" {word}"))
    if not words:
        return rows.order_by("name_folded", "birth_date", "pk")
    exact = " ".join(words)
    band = Case(
        When(name_folded=exact, then=0),
        When(name_folded__startswith=exact, then=1),
        default=2,
        output_field=IntegerField(),
    )
    return rows.annotate(band=band).order_by("band", "name_folded", "birth_date", "pk")


def get_resident(actor, pk: int) -> Resident:
    resident = (
        residents_for(actor)
        .select_related("household", "household__group", "unit")
        .filter(pk=pk)
        .first()
    )
    if resident is None:
        raise Http404("Không tìm thấy nhân khẩu.")
    return resident


def resident_pii(actor, resident: Resident, *, reveal: bool = True) -> dict[str, str]:
    """Personal fields for display: clear where the role may see them (the read is audited),
    masked otherwise."""
    show_id = reveal and can_see_national_id(actor)
    show_contact = reveal and can_see_contact(actor)
    revealed = [
        name
        for name, shown, value in (
            ("national_id", show_id, resident.national_id),
            ("phone", show_contact, resident.phone),
            ("address", show_contact, resident.household.address),
        )
        if shown and value
    ]
    if revealed:
        audit.record(
            actor=actor, action=AuditAction.READ_PII, obj=resident, changes={"fields": revealed}
        )
    household = resident.household
    return {
        "national_id": resident.national_id if show_id else mask(resident.national_id),
        "phone": resident.phone if show_contact else mask_phone(resident.phone),
        "address": household.address if show_contact else masked_address(household),
    }


def household_address(actor, household: Household) -> str:
    """The house address in clear for roles that may see it (audited), else only the street."""
    if can_see_contact(actor) and household.address:
        audit.record(
            actor=actor, action=AuditAction.READ_PII, obj=household, changes={"fields": ["address"]}
        )
        return household.address
    return masked_address(household)


def masked_address(household: Household) -> str:
    return mask_address(household.address, household.street)


def population_changes_for(actor) -> QuerySet[PopulationChange]:
    return PopulationChange.objects.for_actor(actor).select_related("resident", "household")


def import_jobs_for(actor) -> QuerySet[ImportJob]:
    return ImportJob.objects.for_actor(actor)


def get_import_job(actor, pk: int) -> ImportJob:
    job = import_jobs_for(actor).filter(pk=pk).first()
    if job is None:
        raise Http404("Không tìm thấy lần nhập dữ liệu.")
    return job

"""Households (hộ gia đình), residents (nhân khẩu) and population changes (biến động dân cư).

Personal data — national ID numbers, phones, house addresses — is stored encrypted and found by
keyed hash (see ``xaso.core.crypto``). The 12-digit personal identification number follows the
structure of NĐ 137/2015 Art. 13, still used by issued numbers (see ``validation.py``).

Names are found through a word index (``ResidentNameWord``): one row per distinct word of a
resident's folded name, carrying the resident's sort key, so that a search over a whole province
reads a few index ranges in name order instead of scanning millions of names.
"""

from django.db import models
from django.db.models.signals import post_delete
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.crypto import EncryptedTextField, blind_index
from xaso.core.models import AdministrativeUnit, ResidentialGroup
from xaso.core.tenancy import ScopedQuerySet
from xaso.core.text import fold
from xaso.population.choices import (
    ChangeKind,
    DigitalSkillsGroup,
    ImportStatus,
    Relation,
    ResidenceStatus,
    Sex,
)


class Household(models.Model):
    # No single-column indexes: the unique (unit, code) and the (group, code) index serve both.
    unit = models.ForeignKey(
        AdministrativeUnit,
        models.PROTECT,
        related_name="households",
        verbose_name=_("xã/phường"),
        db_index=False,
    )
    group = models.ForeignKey(
        ResidentialGroup,
        models.PROTECT,
        related_name="households",
        verbose_name=_("tổ dân phố"),
        db_index=False,
    )
    code = models.CharField(_("mã hộ"), max_length=30)
    # The house number is personal (it locates a named family); the street is not.
    address = EncryptedTextField(_("địa chỉ"), blank=True)
    street = models.CharField(_("đường/phố"), max_length=160, blank=True)
    latitude = models.FloatField(_("vĩ độ"), null=True, blank=True)
    longitude = models.FloatField(_("kinh độ"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_group_field = "group_id"

    class Meta:
        verbose_name = _("hộ gia đình")
        verbose_name_plural = _("hộ gia đình")
        ordering = ["group", "code"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "code"], name="household_code_unique_in_unit")
        ]
        indexes = [models.Index(fields=["group", "code"])]

    def __str__(self) -> str:
        return f"Hộ {self.code}"


class Resident(models.Model):
    # No index of its own: the composite indexes below all start with the unit.
    unit = models.ForeignKey(
        AdministrativeUnit,
        models.PROTECT,
        related_name="residents",
        verbose_name=_("xã/phường"),
        db_index=False,
    )
    household = models.ForeignKey(
        Household, models.PROTECT, related_name="members", verbose_name=_("hộ gia đình")
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_folded = models.CharField(max_length=130, editable=False)
    birth_date = models.DateField(_("ngày sinh"))
    sex = models.CharField(_("giới tính"), max_length=6, choices=Sex.choices)
    national_id = EncryptedTextField(_("số định danh cá nhân"), blank=True)
    # Indexed by the unique constraint below, which starts with it.
    national_id_hash = models.CharField(max_length=40, blank=True, editable=False)
    phone = EncryptedTextField(_("số điện thoại"), blank=True)
    # Not indexed: nothing looks residents up by phone yet, and every index costs the import
    # of 100,000 residents about a tenth of a second. Index it with the first such look-up.
    phone_hash = models.CharField(max_length=40, blank=True, editable=False)
    residence_status = models.CharField(
        _("tình trạng cư trú"),
        max_length=10,
        choices=ResidenceStatus.choices,
        default=ResidenceStatus.PERMANENT,
    )
    relation_to_head = models.CharField(
        _("quan hệ với chủ hộ"), max_length=14, choices=Relation.choices, default=Relation.OTHER
    )
    occupation = models.CharField(_("nghề nghiệp"), max_length=120, blank=True)
    has_smartphone = models.BooleanField(_("có điện thoại thông minh"), default=False)
    has_epayment = models.BooleanField(_("có tài khoản thanh toán điện tử"), default=False)
    vneid_level2 = models.BooleanField(_("đã kích hoạt VNeID mức 2"), default=False)
    digital_skills_group = models.CharField(
        _("nhóm đối tượng kỹ năng số"),
        max_length=12,
        choices=DigitalSkillsGroup.choices,
        blank=True,
    )
    is_active = models.BooleanField(
        _("đang sinh sống"), default=True, help_text=_("Bỏ chọn khi đã mất hoặc chuyển đi.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_group_field = "household__group_id"

    class Meta:
        verbose_name = _("nhân khẩu")
        verbose_name_plural = _("nhân khẩu")
        ordering = ["household", "birth_date"]
        constraints = [
            # One person, one record per commune; the number itself is checked by hash.
            models.UniqueConstraint(
                fields=["national_id_hash", "unit"],
                condition=~models.Q(national_id_hash=""),
                name="resident_national_id_unique_in_unit",
            )
        ]
        indexes = [
            models.Index(fields=["unit", "name_folded"]),
            models.Index(fields=["unit", "is_active"]),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_derived_fields()
        # What the name index holds now: known from loading, else (loaded partly with
        # ``only``, or built by hand around an existing key) read back.
        indexed = None
        if not self._state.adding:
            indexed = getattr(self, "_indexed_as", None) or self._stored_index_key()
        super().save(*args, **kwargs)
        current = self._name_index_key() or self._stored_index_key()
        if current != indexed:
            ResidentNameWord.reindex(self.pk, old=indexed, new=current)
        self._indexed_as = current

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        resident = super().from_db(db, field_names, values, **kwargs)
        resident._indexed_as = resident._name_index_key()
        return resident

    def _stored_index_key(self) -> tuple | None:
        return (
            Resident.objects.filter(pk=self.pk)
            .values_list("unit_id", "name_folded", "birth_date", "is_active")
            .first()
        )

    def _name_index_key(self) -> tuple | None:
        """What the name index holds for this resident, or None when not all of it is loaded."""
        loaded = self.__dict__
        if not all(f in loaded for f in ("unit_id", "name_folded", "birth_date", "is_active")):
            return None
        born = Resident._meta.get_field("birth_date").to_python(self.birth_date)
        return (self.unit_id, self.name_folded, born, self.is_active)

    def refresh_derived_fields(self) -> None:
        """Search and look-up columns derived from the clear values (call before bulk writes)."""
        self.name_folded = fold(self.full_name)
        self.national_id_hash = blind_index(self.national_id)
        self.phone_hash = blind_index(self.phone)

    @property
    def age(self) -> int:
        today = timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def name_words(name_folded: str) -> set[str]:
    """The words a folded name is indexed under: a query word matches a name when it begins one
    of them (``fold`` has already collapsed white space to single spaces)."""
    return set(name_folded.split())


class ResidentNameWord(models.Model):
    """One distinct word of a resident's folded name, with what the search sorts and filters by
    (name, birth date, commune, living there), so that one index answers "residents with a word
    starting with «ngu», in name order" without touching the residents table.

    Derived data, like ``Resident.name_folded``: ``Resident.save`` keeps it in step, bulk
    writers (import, seed) write it next to the residents (``name_word_rows``). Rows are found
    by their full key (word, name, birth date, resident), so no index on ``resident`` is needed.
    """

    resident = models.ForeignKey(
        Resident, models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    word = models.CharField(max_length=130)
    name_folded = models.CharField(max_length=130)
    birth_date = models.DateField()
    is_active = models.BooleanField()

    class Meta:
        verbose_name = _("từ trong họ tên")
        verbose_name_plural = _("từ trong họ tên")
        indexes = [
            # Word first (prefix ranges), then the search order; unit and is_active ride along
            # so that scoping never reads the table.
            models.Index(
                fields=["word", "name_folded", "birth_date", "resident", "unit", "is_active"],
                name="resident_name_word_search",
            )
        ]

    def __str__(self) -> str:
        return self.word

    @classmethod
    def reindex(cls, resident_id: int, *, old: tuple | None, new: tuple | None) -> None:
        """Move one resident's words from ``old`` to ``new`` (unit, folded name, birth date,
        is_active; None: absent)."""
        if old is not None and new is not None and old[:3] == new[:3]:
            cls._rows_of(resident_id, old).update(is_active=new[3])
            return
        if old is not None:
            cls._rows_of(resident_id, old).delete()
        if new is not None:
            unit_id, folded, born, active = new
            cls.objects.bulk_create(
                cls(
                    resident_id=resident_id,
                    unit_id=unit_id,
                    word=word,
                    name_folded=folded,
                    birth_date=born,
                    is_active=active,
                )
                for word in name_words(folded)
            )

    @classmethod
    def _rows_of(cls, resident_id: int, indexed: tuple) -> models.QuerySet:
        _unit_id, folded, born, _active = indexed
        return cls.objects.filter(
            word__in=name_words(folded),
            name_folded=folded,
            birth_date=born,
            resident_id=resident_id,
        )


NAME_WORD_COLUMNS = ["resident_id", "unit_id", "word", "name_folded", "birth_date", "is_active"]


def name_word_rows(ids, unit_ids, folded_names, birth_dates, actives) -> list[tuple]:
    """Rows of ``ResidentNameWord`` (in ``NAME_WORD_COLUMNS`` order) for bulk writers, from
    iterables of resident ids, units, folded names, birth dates and is_active (``repeat`` for a
    value shared by all; they stop with the shortest). The rows come in the search index's
    order — word, name, birth date, resident — which makes a bulk insert several times cheaper
    than rows in random order (sorting the residents once and filling one list per word gets
    that order without sorting the words' rows)."""
    people = sorted(zip(folded_names, birth_dates, ids, unit_ids, actives, strict=False))
    by_word: dict[str, list[tuple]] = {}
    for folded, born, resident_id, unit_id, active in people:
        for word in name_words(folded):
            row = (resident_id, unit_id, word, folded, born, active)
            words = by_word.get(word)
            if words is None:
                by_word[word] = [row]
            else:
                words.append(row)
    return [row for word in sorted(by_word) for row in by_word[word]]


def _forget_name_words(sender, instance: Resident, **kwargs) -> None:
    ResidentNameWord.reindex(instance.pk, old=instance._name_index_key(), new=None)


post_delete.connect(_forget_name_words, sender=Resident, dispatch_uid="resident_name_words")


class PopulationChange(models.Model):
    """A dated event in a resident's history; the resident row keeps the current state."""

    unit = models.ForeignKey(AdministrativeUnit, models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        Resident, models.PROTECT, related_name="changes", verbose_name=_("nhân khẩu")
    )
    household = models.ForeignKey(
        Household, models.PROTECT, related_name="changes", verbose_name=_("hộ gia đình")
    )
    kind = models.CharField(_("loại biến động"), max_length=10, choices=ChangeKind.choices)
    date = models.DateField(_("ngày"))
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    recorded_by = models.ForeignKey("core.User", models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"
    scope_group_field = "household__group_id"

    class Meta:
        verbose_name = _("biến động dân cư")
        verbose_name_plural = _("biến động dân cư")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["unit", "kind", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class ImportJob(models.Model):
    """One upload of the household/resident template, with its progress and outcome."""

    unit = models.ForeignKey(AdministrativeUnit, models.PROTECT, related_name="+")
    created_by = models.ForeignKey("core.User", models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=200)
    stored_path = models.CharField(max_length=400)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    phase = models.CharField(max_length=80, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    households_created = models.PositiveIntegerField(default=0)
    households_updated = models.PositiveIntegerField(default=0)
    residents_created = models.PositiveIntegerField(default=0)
    residents_updated = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    error_report_path = models.CharField(max_length=400, blank=True)
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_unit_field = "unit_id"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("lần nhập dữ liệu")
        verbose_name_plural = _("lần nhập dữ liệu")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.SUCCEEDED:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

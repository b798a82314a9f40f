"""Writing the checked rows of an import (``importing.ParsedRows``) into one commune's
register: households by code, residents by national ID (its keyed hash), and the residents'
name words. Called by ``services.run_import`` inside its transaction, which does the
permission checks, the audit record and the event.

Built for 100,000 rows at a time. No model instances: the parsed columns become row tuples
directly, values encrypted and hashed in bulk (``core.crypto.encrypt_many`` /
``blind_index_many``), keys reserved up front and the rows handed to the database in one go
(``core.bulk``: COPY on PostgreSQL, ``executemany`` on SQLite). Re-importing the same file
changes nothing: every row is compared with what is stored (phones by their keyed hash, so only
house addresses are decrypted) and only differing rows are updated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import repeat

from django.db import connection
from django.utils import timezone

from xaso.core import bulk
from xaso.core.crypto import blind_index_many, decrypt, encrypt, encrypt_many
from xaso.core.models import ResidentialGroup
from xaso.core.text import fold_many
from xaso.population.importing import ParsedRows
from xaso.population.models import (
    NAME_WORD_COLUMNS,
    Household,
    Resident,
    ResidentNameWord,
    name_word_rows,
    name_words,
)

# Residents per chunk: the writer thread writes one chunk while the next is built; it also
# bounds memory and moves the progress bar.
WRITE_CHUNK = 25_000


def write_rows(
    unit_id: int, rows: ParsedRows, *, on_written: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Upsert ``rows`` into the commune ``unit_id``; returns the counts of created and updated
    households and residents. ``on_written(n)``: n residents written so far."""
    return _RegisterImport(unit_id, rows, on_written or (lambda _done: None)).write()


def _pick(values: list, indexes: list[int] | None) -> list:
    return values if indexes is None else [values[i] for i in indexes]


# Resident columns compared on re-import and rewritten when they differ (phone by its hash).
_COMPARED = [
    "household_id",
    "full_name",
    "birth_date",
    "sex",
    "phone_hash",
    "relation_to_head",
    "residence_status",
    "occupation",
    "has_smartphone",
    "has_epayment",
    "vneid_level2",
    "digital_skills_group",
]
_RESIDENT_COLUMNS = [
    "id",
    "unit_id",
    "household_id",
    "full_name",
    "name_folded",
    "birth_date",
    "sex",
    "national_id",
    "national_id_hash",
    "phone",
    "phone_hash",
    "residence_status",
    "relation_to_head",
    "occupation",
    "has_smartphone",
    "has_epayment",
    "vneid_level2",
    "digital_skills_group",
    "is_active",
    "created_at",
    "updated_at",
]
_HOUSEHOLD_COLUMNS = [
    "id",
    "unit_id",
    "group_id",
    "code",
    "address",
    "street",
    "latitude",
    "longitude",
    "created_at",
    "updated_at",
]


class _RegisterImport:
    """Upsert the parsed rows into one commune: households by code, residents by national ID
    (its keyed hash). Runs inside the import's transaction: first every read and key
    reservation, then the writes, through a ``bulk.BackgroundWriter`` (on SQLite, rows of the
    next chunk are built while the last chunk is written)."""

    def __init__(self, unit_id: int, rows: ParsedRows, on_written):
        self.unit_id, self.rows, self.on_written = unit_id, rows, on_written
        self.now = timezone.now()
        self.stamp = bulk.db_datetime(Resident, self.now)
        self.counts = dict.fromkeys(
            ("households_created", "households_updated", "residents_created", "residents_updated"),
            0,
        )

    def write(self) -> dict[str, int]:
        new_households, changed_households, household_ids = self._plan_households()
        new, changed = self._plan_residents(household_ids)
        count = len(self.rows) if new is None else len(new)
        resident_ids = bulk.reserve_ids(Resident, count)
        with bulk.BackgroundWriter(Resident) as writer:
            self._write_households(writer, new_households, changed_households)
            self._insert_residents(writer, new, resident_ids, household_ids)
            self._update_residents(writer, changed, household_ids)
        return self.counts

    def _fetch(self, sql: str) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.unit_id])
            return cursor.fetchall()

    # --- Households -------------------------------------------------------------------------

    def _plan_households(self) -> tuple[list[tuple], list[tuple], list[int]]:
        """New households (with reserved keys), changed ones (as UPDATE parameters), and each
        row's household id."""
        rows, unit_id = self.rows, self.unit_id
        groups = dict(ResidentialGroup.objects.filter(unit_id=unit_id).values_list("code", "id"))
        codes = rows.household_code
        # A household's group is the same on all its rows (checked); its address and street are
        # the last ones given on any of its rows.
        group_of = dict(zip(codes, rows.group_code, strict=True))
        address_of = {c: a for c, a in zip(codes, rows.address, strict=True) if a}
        street_of = {c: s for c, s in zip(codes, rows.street, strict=True) if s}
        stored = {
            code: (pk, group_id, address, street)
            for code, pk, group_id, address, street in self._fetch(
                "SELECT code, id, group_id, address, street FROM population_household"
                " WHERE unit_id = %s"
            )
        }
        id_of: dict[str, int] = {}
        new, changed = [], []
        for code, group_code in group_of.items():
            wanted = (groups[group_code], address_of.get(code, ""), street_of.get(code, ""))
            found = stored.get(code)
            if found is None:
                new.append((code, *wanted))
                continue
            pk, group_id, address, street = found
            id_of[code] = pk
            if (group_id, decrypt(address) or "", street) != wanted:
                changed.append((wanted[0], encrypt(wanted[1]), wanted[2], self.stamp, pk))
        ids = bulk.reserve_ids(Household, len(new))
        new = [(pk, *household) for pk, household in zip(ids, new, strict=True)]
        id_of.update((code, pk) for pk, code, *_values in new)
        self.counts["households_created"] = len(new)
        self.counts["households_updated"] = len(changed)
        return new, changed, list(map(id_of.__getitem__, codes))

    def _write_households(self, writer, new: list[tuple], changed: list[tuple]) -> None:
        addresses = encrypt_many([address for _pk, _code, _group, address, _street in new])
        unit_id, stamp = self.unit_id, self.stamp
        writer.write_rows(
            Household,
            _HOUSEHOLD_COLUMNS,
            [
                (pk, unit_id, group_id, code, address, street, None, None, stamp, stamp)
                for (pk, code, group_id, _clear, street), address in zip(
                    new, addresses, strict=True
                )
            ],
        )
        writer.execute_many(
            Household,
            "UPDATE population_household SET group_id = %s, address = %s, street = %s,"
            " updated_at = %s WHERE id = %s",
            changed,
        )

    # --- Residents --------------------------------------------------------------------------

    def _plan_residents(self, household_ids: list[int]):
        """Which rows are new residents (None: all of them, a first import) and which differ
        from the resident stored under the same national ID (index, stored values)."""
        rows = self.rows
        stored = {
            row[0]: row[1:]
            for row in self._fetch(
                "SELECT national_id_hash, id, name_folded, is_active, "
                + ", ".join(_COMPARED)
                + " FROM population_resident WHERE unit_id = %s"
            )
        }
        if not stored:
            # A first import: hashes and folded names are computed chunk by chunk, while the
            # writer writes the chunk before.
            self.id_hashes = self.phone_hashes = self.folded = None
            return None, []
        self.id_hashes = blind_index_many(rows.national_id)
        self.phone_hashes = blind_index_many(rows.phone)
        self.folded = fold_many(rows.full_name)
        compared = [
            household_ids,
            rows.full_name,
            rows.birth_date,
            rows.sex,
            self.phone_hashes,
            rows.relation_to_head,
            rows.residence_status,
            rows.occupation,
            rows.has_smartphone,
            rows.has_epayment,
            rows.vneid_level2,
            rows.digital_skills_group,
        ]
        new, changed = [], []
        for index, (id_hash, *wanted) in enumerate(zip(self.id_hashes, *compared, strict=True)):
            found = stored.get(id_hash)
            if found is None:
                new.append(index)
            elif _as_stored(found[3:]) != tuple(wanted):
                changed.append((index, found))
        return new, changed

    def _insert_residents(self, writer, new, ids, household_ids) -> None:
        rows, unit_id, stamp = self.rows, self.unit_id, self.stamp
        count = len(ids)
        derived = self.id_hashes is not None
        columns = [
            _pick(values, new)
            for values in (
                household_ids,
                rows.full_name,
                self.folded if derived else rows.full_name,
                rows.birth_date,
                rows.sex,
                rows.national_id,
                self.id_hashes if derived else rows.national_id,
                rows.phone,
                self.phone_hashes if derived else rows.phone,
                rows.residence_status,
                rows.relation_to_head,
                rows.occupation,
                rows.has_smartphone,
                rows.has_epayment,
                rows.vneid_level2,
                rows.digital_skills_group,
            )
        ]
        for start in range(0, count, WRITE_CHUNK):
            part = slice(start, start + WRITE_CHUNK)
            chunk_ids = ids[part]
            homes, names, folds, births, sexes, numbers, hashes, phones, *rest = (
                column[part] for column in columns
            )
            phone_hash, residence, relation, occupation, smart, epay, vneid, skills = rest
            if not derived:
                folds, hashes = fold_many(folds), blind_index_many(hashes)
                phone_hash = blind_index_many(phone_hash)
            writer.write_rows(
                Resident,
                _RESIDENT_COLUMNS,
                zip(
                    chunk_ids,
                    repeat(unit_id),
                    homes,
                    names,
                    folds,
                    births,
                    sexes,
                    encrypt_many(numbers),
                    hashes,
                    encrypt_many(phones),
                    phone_hash,
                    residence,
                    relation,
                    occupation,
                    smart,
                    epay,
                    vneid,
                    skills,
                    repeat(True),
                    repeat(stamp),
                    repeat(stamp),
                ),
            )
            done = min(start + WRITE_CHUNK, count)
            writer.write_rows(
                ResidentNameWord,
                NAME_WORD_COLUMNS,
                name_word_rows(chunk_ids, repeat(unit_id), folds, births, repeat(True)),
                then=lambda done=done: self.on_written(done),
            )
        self.counts["residents_created"] = count

    def _update_residents(self, writer, changed, household_ids) -> None:
        """Rewrite the residents whose row differs from what is stored (rare: a corrected
        file), and move their name words when the name or birth date changed."""
        if not changed:
            return
        rows, unit_id, stamp, folded = self.rows, self.unit_id, self.stamp, self.folded
        updates, old_words, new_words = [], [], []
        for index, (pk, stored_folded, active, _household, _name, stored_birth, *_rest) in changed:
            born = dt.date.fromisoformat(rows.birth_date[index])
            updates.append(
                (
                    household_ids[index],
                    rows.full_name[index],
                    folded[index],
                    born,
                    rows.sex[index],
                    encrypt(rows.phone[index]),
                    self.phone_hashes[index],
                    rows.relation_to_head[index],
                    rows.residence_status[index],
                    rows.occupation[index],
                    rows.has_smartphone[index],
                    rows.has_epayment[index],
                    rows.vneid_level2[index],
                    rows.digital_skills_group[index],
                    stamp,
                    pk,
                )
            )
            if (stored_folded, stored_birth) != (folded[index], born):
                old_words.extend(
                    (word, stored_folded, stored_birth, pk) for word in name_words(stored_folded)
                )
                new_words.extend(
                    (pk, unit_id, word, folded[index], born, active)
                    for word in name_words(folded[index])
                )
        writer.execute_many(
            Resident,
            "UPDATE population_resident SET household_id = %s, full_name = %s,"
            " name_folded = %s, birth_date = %s, sex = %s, phone = %s, phone_hash = %s,"
            " relation_to_head = %s, residence_status = %s, occupation = %s,"
            " has_smartphone = %s, has_epayment = %s, vneid_level2 = %s,"
            " digital_skills_group = %s, updated_at = %s WHERE id = %s",
            updates,
        )
        writer.execute_many(
            ResidentNameWord,
            "DELETE FROM population_residentnameword WHERE word = %s AND name_folded = %s"
            " AND birth_date = %s AND resident_id = %s",
            old_words,
        )
        writer.write_rows(ResidentNameWord, NAME_WORD_COLUMNS, new_words)
        self.counts["residents_updated"] = len(updates)


def _as_stored(values: tuple) -> tuple:
    """A stored resident's compared columns in the parsed rows' terms (ISO dates)."""
    household, name, born, *rest = values
    return (household, name, born.isoformat() if isinstance(born, dt.date) else born, *rest)

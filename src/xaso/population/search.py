"""Resident name search over many communes, through the word index (``ResidentNameWord``).

A query matches a resident when every query word begins a word of the resident's folded name
("nguyen van an" → Nguyễn Văn An, Nguyễn Văn Anh, Đặng Nguyễn Văn An). Results come in three
bands, alphabetical (then by birth date) inside each:

0. the exact name (``nguyen van an`` = Nguyễn Văn An);
1. names that begin with the query as typed (Nguyễn Văn Anh, Nguyễn Văn An Khang);
2. every other match (Đặng Nguyễn Văn An, Lê Văn An Nguyên).

The index holds one row per (word, resident) in (word, name, birth date) order, so each band is
read as a few ordered index ranges — one per indexed word that starts with a query word, merged
by the database — and a page costs about as much for 3 million residents as for 30 thousand.
Band 1 is what makes the common "family name + middle name" queries (``tran van``) cheap: those
names sit in one range, while finding band-2 matches before them alphabetically would mean
walking most of both words' ranges. The total is counted up to ``COUNT_LIMIT`` + 1 ("more than
1,000") instead of counting a million Nguyễns.

Used by ``selectors.search_residents`` when the actor sees more than one commune; inside one
commune a scan of that commune's rows is as fast and the count is exact.
"""

from __future__ import annotations

from django.db import connection

from xaso.population.models import Resident, ResidentNameWord

COUNT_LIMIT = 1000
# Indexed words a single query word may stand for ("t" → tran, trang, thi, thu …); beyond
# this many the query reads one range and sorts it (still correct, slower).
MAX_WORDS_PER_PREFIX = 300
# Postings counted per query word to choose the word whose range the third band walks.
_SIZE_PROBE = 30_000

_WORDS = ResidentNameWord._meta.db_table
_RESIDENTS = Resident._meta.db_table
_ORDER = "name_folded, birth_date, resident_id"


def _after(prefix: str) -> str:
    """The smallest string greater than every string that starts with ``prefix``."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class _CappedResults:
    """Residents in a fixed order, read a page at a time. Behaves like the QuerySet that
    Django's ``Paginator`` and ninja's pagination expect: ``count()`` (at most
    ``COUNT_LIMIT`` + 1, see ``count_capped``) and slicing."""

    ordered = True  # for Paginator

    def __init__(self, *, unit_ids=None, include_inactive: bool = False):
        self.unit_ids = sorted(unit_ids) if unit_ids is not None else None
        self.include_inactive = include_inactive
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._count_matches(COUNT_LIMIT + 1)
        return self._count

    @property
    def count_capped(self) -> bool:
        return self.count() > COUNT_LIMIT

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if isinstance(item, int):
            found = self[item : item + 1]
            if not found:
                raise IndexError(item)
            return found[0]
        start, stop = item.start or 0, item.stop
        if stop is None:
            stop = self.count()
        if item.step not in (None, 1) or start < 0 or stop < 0:
            raise ValueError("only forward slices")
        if stop <= start:
            return []
        ids = self._page_ids(start, stop)
        residents = Resident.objects.select_related("household", "household__group").in_bulk(ids)
        return [residents[pk] for pk in ids if pk in residents]

    def __iter__(self):
        return iter(self[0 : self.count()])

    def _scope(self) -> tuple[str, list]:
        """Conditions every row must meet: in scope, living there (unless asked otherwise)."""
        sql, params = [], []
        if self.unit_ids is not None:
            sql.append(f"unit_id IN ({', '.join(['%s'] * len(self.unit_ids))})")
            params.extend(self.unit_ids)
        if not self.include_inactive:
            sql.append("is_active = %s")
            params.append(True)
        return " AND ".join(sql) or "1 = 1", params

    def _count_matches(self, limit: int) -> int:
        raise NotImplementedError

    def _page_ids(self, start: int, stop: int) -> list[int]:
        raise NotImplementedError


class AllResidents(_CappedResults):
    """Every resident of some communes in name order, without a query: one ordered read per
    commune of its (unit, name) index, merged by the database — not a sort of the province."""

    def __init__(self, unit_ids, *, include_inactive: bool = False):
        super().__init__(unit_ids=unit_ids, include_inactive=include_inactive)

    def _count_matches(self, limit: int) -> int:
        scope, params = self._scope()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM (SELECT 1 FROM {_RESIDENTS} WHERE {scope} LIMIT %s)"
                " AS counted",
                [*params, limit],
            )
            return cursor.fetchone()[0]

    def _page_ids(self, start: int, stop: int) -> list[int]:
        active = "" if self.include_inactive else " AND is_active = %s"
        arm = (
            f"SELECT * FROM (SELECT id, name_folded, birth_date FROM {_RESIDENTS}"
            f" WHERE unit_id = %s{active} ORDER BY name_folded, birth_date, id LIMIT %s)"
            " AS a{}"
        )
        sql = " UNION ALL ".join(arm.format(i) for i in range(len(self.unit_ids)))
        sql += " ORDER BY name_folded, birth_date, id LIMIT %s"
        per_unit = [True] if not self.include_inactive else []
        arguments = [p for unit in self.unit_ids for p in (unit, *per_unit, stop)] + [stop]
        with connection.cursor() as cursor:
            cursor.execute(sql, arguments)
            return [row[0] for row in cursor.fetchall()][start:stop]


class ResidentSearch(_CappedResults):
    """The residents matching ``words`` among ``unit_ids`` (None: every unit), in band order."""

    def __init__(self, words: list[str], *, unit_ids=None, include_inactive: bool = False):
        if not words:
            raise ValueError("ResidentSearch needs at least one word")
        super().__init__(unit_ids=unit_ids, include_inactive=include_inactive)
        self.words = words
        self.exact = " ".join(words)
        self.first = words[0]
        self._tokens: dict[str, list[str]] = {}
        self._driver: str | None = None

    def _band(self, band: int) -> tuple[list[str], str, list]:
        """The indexed words to read and the extra condition (with parameters) of a band."""
        scope, params = self._scope()
        if band == 0:
            return [self.first], f"name_folded = %s AND {scope}", [self.exact, *params]
        # The prefix as a range (for the index) and as LIKE (exact under any collation).
        begins = "name_folded >= %s AND name_folded < %s AND name_folded LIKE %s"
        begins_params = [self.exact, _after(self.exact), self.exact + "%"]
        if band == 1:
            # Band 1 names start with the first query word, as a whole word when more follow.
            words = [self.first] if len(self.words) > 1 else self._tokens_for(self.first)
            return (
                words,
                f"{begins} AND name_folded <> %s AND {scope}",
                [*begins_params, self.exact, *params],
            )
        driver = self._driver_word()
        others = [w for w in self.words if w != driver]
        conditions = ["name_folded NOT LIKE %s"]
        extra = [self.exact + "%"]
        for word in others:
            conditions.append("(name_folded LIKE %s OR name_folded LIKE %s)")
            extra.extend([word + "%", f"% {word}%"])
        return (
            self._tokens_for(driver),
            f"{' AND '.join(conditions)} AND {scope}",
            [*extra, *params],
        )

    def _tokens_for(self, prefix: str) -> list[str]:
        """The indexed words that start with ``prefix``, by a loose index scan (one index probe
        per distinct word, however many residents carry it)."""
        if prefix not in self._tokens:
            sql = (
                "WITH RECURSIVE found(word) AS ("
                f" SELECT MIN(word) FROM {_WORDS} WHERE word >= %s AND word < %s"
                " UNION ALL"
                f" SELECT (SELECT MIN(word) FROM {_WORDS} WHERE word > found.word AND word < %s)"
                " FROM found WHERE found.word IS NOT NULL"
                ") SELECT word FROM found WHERE word IS NOT NULL LIMIT %s"
            )
            end = _after(prefix)
            with connection.cursor() as cursor:
                cursor.execute(sql, [prefix, end, end, MAX_WORDS_PER_PREFIX + 1])
                words = [word for (word,) in cursor.fetchall() if word.startswith(prefix)]
            self._tokens[prefix] = words
        return self._tokens[prefix]

    def _driver_word(self) -> str:
        """The query word with the fewest postings (counted up to ``_SIZE_PROBE``); on a tie
        the later word, as family names (first) are the most shared."""
        if self._driver is None:
            if len(self.words) == 1:
                self._driver = self.first
            else:
                probes = " , ".join(
                    f"(SELECT COUNT(*) FROM (SELECT 1 FROM {_WORDS} WHERE word >= %s"
                    f" AND word < %s LIMIT {_SIZE_PROBE}) AS w{i})"
                    for i in range(len(self.words))
                )
                params = [p for w in self.words for p in (w, _after(w))]
                with connection.cursor() as cursor:
                    cursor.execute(f"SELECT {probes}", params)
                    sizes = cursor.fetchone()
                ranked = sorted(zip(sizes, range(len(self.words)), strict=True))
                smallest = min(sizes)
                position = max(i for size, i in ranked if size == smallest)
                self._driver = self.words[position]
        return self._driver

    def _ordered(self, band: int, limit: int) -> list[int]:
        """The first ``limit`` resident ids of a band, in order: one ordered, limited read per
        indexed word, merged (and de-duplicated: a name may carry two words of the range)."""
        words, condition, params = self._band(band)
        if not words or limit <= 0:
            return []
        order = "birth_date, resident_id" if band == 0 else _ORDER
        if len(words) > MAX_WORDS_PER_PREFIX:  # too many ranges: read the words' range at once
            sql = (
                f"SELECT DISTINCT resident_id, name_folded, birth_date FROM {_WORDS}"
                f" WHERE word >= %s AND word < %s AND {condition} ORDER BY {order} LIMIT %s"
            )
            prefix = self._driver_word() if band == 2 else self.first
            arguments = [prefix, _after(prefix), *params, limit]
        else:
            arm = (
                f"SELECT * FROM (SELECT resident_id, name_folded, birth_date FROM {_WORDS}"
                f" WHERE word = %s AND {condition} ORDER BY {order} LIMIT %s) AS a{{}}"
            )
            sql = " UNION ".join(arm.format(i) for i in range(len(words)))
            sql += f" ORDER BY {order} LIMIT %s"
            arguments = [p for word in words for p in (word, *params, limit)] + [limit]
        with connection.cursor() as cursor:
            cursor.execute(sql, arguments)
            return [row[0] for row in cursor.fetchall()]

    def _counted(self, band: int, limit: int) -> int:
        """How many residents a band holds, counting no further than ``limit``: each indexed
        word's range read up to ``limit`` rows, the union de-duplicated. If any word reaches
        ``limit``, so does the union; if none does, every range was read whole. (A DISTINCT
        over the words' whole range would be simpler, but PostgreSQL hashes all of it before
        any LIMIT applies.)"""
        words, condition, params = self._band(band)
        if not words or limit <= 0:
            return 0
        if len(words) > MAX_WORDS_PER_PREFIX:
            prefix = self._driver_word() if band == 2 else self.first
            arms = [
                f"SELECT resident_id FROM (SELECT DISTINCT resident_id FROM {_WORDS}"
                f" WHERE word >= %s AND word < %s AND {condition} LIMIT %s) AS a0"
            ]
            arguments = [prefix, _after(prefix), *params, limit]
        else:
            arms = [
                f"SELECT resident_id FROM (SELECT resident_id FROM {_WORDS}"
                f" WHERE word = %s AND {condition} LIMIT %s) AS a{i}"
                for i in range(len(words))
            ]
            arguments = [p for word in words for p in (word, *params, limit)]
        sql = f"SELECT COUNT(*) FROM ({' UNION '.join(arms)}) AS counted"
        with connection.cursor() as cursor:
            cursor.execute(sql, arguments)
            return min(cursor.fetchone()[0], limit)

    def _count_matches(self, limit: int) -> int:
        total = 0
        for band in (0, 1, 2):
            total += self._counted(band, limit - total)
            if total >= limit:
                break
        return total

    def _page_ids(self, start: int, stop: int) -> list[int]:
        ids: list[int] = []
        for band in (0, 1, 2):
            ids.extend(self._ordered(band, stop - len(ids)))
            if len(ids) >= stop:
                break
        return ids[start:stop]

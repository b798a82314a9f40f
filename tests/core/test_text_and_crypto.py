import pytest
from django.db import connection

from xaso.core import crypto
from xaso.core.text import fold, fold_many, fold_words, normalize, normalize_many


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("ĐẶNG  Thu   Trang", "dang thu trang"),
        ("Phường Xuân Đỉnh", "phuong xuan dinh"),
        ("Nguye\u0302\u0303n", "nguyen"),  # decomposed input (NFD) folds the same way
    ],
)
def test_fold_removes_diacritics_and_case(text, folded):
    assert fold(text) == folded


def test_fold_words_splits_on_punctuation():
    assert fold_words("Lê-Thị, Hồng") == ["le", "thi", "hong"]


def test_encryption_round_trip_uses_random_nonce():
    first, second = crypto.encrypt("001085012345"), crypto.encrypt("001085012345")
    assert first != second
    assert "001085012345" not in first
    assert crypto.decrypt(first) == crypto.decrypt(second) == "001085012345"


def test_old_key_still_decrypts_after_rotation(settings):
    old = crypto.encrypt("0912345678")
    new_key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
    settings.FIELD_KEYS = f"{new_key},{settings.FIELD_KEYS}"
    crypto._keys.cache_clear()
    crypto._hash_key.cache_clear()
    try:
        assert crypto.decrypt(old) == "0912345678"
        assert crypto.encrypt("x").split(":")[1] != old.split(":")[1]
    finally:
        settings.FIELD_KEYS = settings.FIELD_KEYS.split(",", 1)[1]
        crypto._keys.cache_clear()
        crypto._hash_key.cache_clear()


def test_blind_index_is_keyed_and_stable():
    assert crypto.blind_index("001085012345") == crypto.blind_index("001085012345")
    assert crypto.blind_index("001085012345") != crypto.blind_index("001085012346")
    import hashlib

    assert crypto.blind_index("001085012345") not in hashlib.sha256(b"001085012345").hexdigest()


def test_mask():
    assert crypto.mask("001085012345") == "0010••••••45"
    assert crypto.mask("0912345678", 3, 2) == "091•••••78"
    assert crypto.mask("") == ""


def test_database_rows_never_hold_personal_data_in_clear(ward):
    """Read the raw rows, bypassing the ORM's decryption."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT national_id, phone FROM population_resident")
        raw_people = cursor.fetchall()
        cursor.execute("SELECT address FROM population_household")
        raw_addresses = [row[0] for row in cursor.fetchall()]
    assert len(raw_people) == len(ward.residents)
    for resident, (raw_id, raw_phone) in zip(
        sorted(ward.residents, key=lambda r: r.pk), raw_people, strict=False
    ):
        assert raw_id.startswith("v1:")
        assert resident.national_id not in " ".join(v for row in raw_people for v in row)
        assert resident.phone not in raw_phone
    assert all(a.startswith("v1:") and "ngõ" not in a for a in raw_addresses)


COLUMN = [
    "Nguyễn Văn An",
    "  Trần   Thị\tBình ",
    "Nguye\u0302\u0303n",  # decomposed (NFD) input
    "",
    "ĐẶNG thu trang",
    "Hoa-Mai O'Neil",
    "Ông\u00a0Già",  # no-break space
    "Ⅻ Σίσυφος",  # another script: takes the per-cell path of fold_many
    "ascii only",
    " ",
]


def test_column_functions_equal_the_per_cell_ones():
    assert normalize_many(COLUMN) == [normalize(t) for t in COLUMN]
    assert fold_many(COLUMN) == [fold(t) for t in COLUMN]
    clean = ["Nguyễn Văn An", "Lê Thị Hồng", ""]
    assert normalize_many(clean) == clean
    assert fold_many(clean) == ["nguyen van an", "le thi hong", ""]
    # A cell holding the separator itself falls back to the per-cell path.
    odd = ["a\x00b", "c"]
    assert normalize_many(odd) == [normalize(t) for t in odd]
    assert normalize_many([]) == fold_many([]) == []


def test_bulk_encryption_and_hashes_equal_the_single_ones():
    values = ["001085012345", "", "0912345678"]
    sealed = crypto.encrypt_many(values)
    assert sealed[1] == ""
    assert [crypto.decrypt(v) for v in sealed] == values
    assert len({crypto.encrypt_many(["x"])[0] for _ in range(5)}) == 5  # fresh nonces
    assert crypto.blind_index_many(values) == [crypto.blind_index(v) for v in values]

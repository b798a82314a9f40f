"""Vietnamese text handling shared by search everywhere: NFC, lower case and a folded form
without diacritics (đ → d) so that "nguyen van an" finds "Nguyễn Văn An"."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "d"})


def normalize(text: str) -> str:
    """NFC, trimmed, inner white space collapsed (keeps case and diacritics)."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def fold(text: str) -> str:
    """Lower-case, diacritics removed, đ → d, white space collapsed."""
    decomposed = unicodedata.normalize("NFD", (text or "").translate(_FOLD_TABLE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.lower()).strip()


def fold_words(text: str) -> list[str]:
    return [w for w in re.split(r"[^0-9a-z]+", fold(text)) if w]

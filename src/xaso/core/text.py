"""Vietnamese text handling shared by search everywhere: NFC, lower case and a folded form
without diacritics (đ → d) so that "nguyen van an" finds "Nguyễn Văn An".

``normalize_many`` and ``fold_many`` do the same to a whole column at once: they join the
column into one string, let the C implementations of ``unicodedata`` and ``re`` run over it
once, and split it again — a bulk import of 100,000 rows then pays microseconds per column
instead of a Python call per cell. Cells they cannot prove equal go through the per-cell
functions, so the results are always exactly those of ``normalize`` / ``fold``.
"""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "d"})
# Separator for joined columns: neither white space (so \s+ never swallows it) nor a character
# an .xlsx cell can hold; a column that contains it anyway takes the per-cell path.
_SEP = "\x00"
_AROUND_SEP = re.compile(" ?\x00 ?")
# The combining marks of Vietnamese (and most Latin scripts) after NFD.
_COMBINING_LATIN = re.compile("[\u0300-\u036f]+")


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


def _joined(texts: list[str]) -> str | None:
    joined = _SEP.join(texts)
    return joined if joined.count(_SEP) == len(texts) - 1 else None


def _collapse_spaces(joined: str) -> str:
    """Collapse white space inside each joined cell and trim the cells' ends. Most columns
    need nothing: checking that costs a few scans of the string, a regex pass much more."""
    if (
        "  " not in joined
        and " \x00" not in joined
        and "\x00 " not in joined
        and not joined.startswith(" ")
        and not joined.endswith(" ")
        # Printable excludes every white space character but the plain space.
        and joined.replace(_SEP, "").isprintable()
    ):
        return joined
    return _AROUND_SEP.sub(_SEP, _SPACES.sub(" ", joined)).strip(" ")


def normalize_many(texts: list[str]) -> list[str]:
    """``[normalize(t) for t in texts]`` for a column of strings, in a few C-level passes."""
    joined = _joined(texts)
    if joined is None or not texts:
        return [normalize(t) for t in texts]
    if not joined.isascii():
        joined = unicodedata.normalize("NFC", joined)
    return _collapse_spaces(joined).split(_SEP)


def fold_many(texts: list[str]) -> list[str]:
    """``[fold(t) for t in texts]`` for a column of strings, in a few C-level passes."""
    joined = _joined(texts)
    if joined is None or not texts:
        return [fold(t) for t in texts]
    decomposed = unicodedata.normalize("NFD", joined.replace("đ", "d").replace("Đ", "d"))
    stripped = _COMBINING_LATIN.sub("", decomposed).lower()
    folded = _collapse_spaces(stripped).split(_SEP)
    if stripped.isascii():
        return folded
    # Another script or mark outside U+0300–U+036F: those cells take the exact path.
    return [f if f.isascii() else fold(t) for f, t in zip(folded, texts, strict=True)]

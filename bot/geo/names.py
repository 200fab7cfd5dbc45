"""Place names as people type them and as the sources spell them.

Two jobs: turn a source name such as ``"Sei/Sungai Kanan"`` or ``"Deiyai (Deliyai)"`` into a
display name plus aliases, and turn typed text such as ``"Kab. Bogor"`` into a comparable key
with a hint about what kind of place was meant. Used by the build script and at run time, so
the shipped data and the lookup agree on spelling.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Hint = Literal["kab", "kota", "district", "village", "postal"]

# Words people put in front of a name to say what kind of place it is. Longest first, so
# "kode pos" wins over "pos".
_PREFIXES: tuple[tuple[str, Hint], ...] = (
    ("kabupaten administrasi", "kab"),
    ("kota administrasi", "kota"),
    ("kabupaten", "kab"),
    ("kotamadya", "kota"),
    ("kodya", "kota"),
    ("kab", "kab"),
    ("kota", "kota"),
    ("kecamatan", "district"),
    ("kec", "district"),
    ("kelurahan", "village"),
    ("kel", "village"),
    ("desa", "village"),
    ("ds", "village"),
    ("kampung", "village"),
    ("gampong", "village"),
    ("nagari", "village"),
    ("kode pos", "postal"),
    ("kodepos", "postal"),
    ("kd pos", "postal"),
    ("pos", "postal"),
)
# Noise that says nothing about the place ("adm." in "Kota Adm. Jakarta Barat").
_NOISE_WORDS = frozenset({"adm", "administrasi"})
_ROMAN = re.compile(r"^[ivxlc]+$")
# Parenthesised words that qualify a name rather than give another one: "Kurau (Timur)".
_QUALIFIERS = frozenset(
    {"utara", "selatan", "barat", "timur", "tengah", "pusat", "kota", "ex", "baru", "lama",
     "induk", "dua", "satu", "pulau", "kepulauan", "hulu", "hilir", "ilir", "atas", "bawah"}
)  # fmt: skip


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: ``"Kab. Bogor "`` -> ``"kab bogor"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Apostrophes join rather than split: "Ra'as" is one word, "raas".
    ascii_only = ascii_only.replace("'", "").replace("`", "").replace("’", "")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", ascii_only.lower()).split())


# Every ASCII character that is not a letter or digit, for the fast path of ``compact``.
_DROP_ASCII = {c: None for c in range(128) if not chr(c).isalnum()}


def compact(text: str) -> str:
    """The key names are compared by: folded, no spaces ("Pangkal Pinang" = "Pangkalpinang")."""
    if text.isascii():  # the common case, some 20 times faster than ``fold``
        return text.lower().translate(_DROP_ASCII)
    return fold(text).replace(" ", "")


@dataclass(frozen=True, slots=True)
class TypedQuery:
    """Typed text reduced to a key, with what its prefix said about the kind of place."""

    text: str
    key: str
    hint: Hint | None


def parse_query(text: str) -> list[TypedQuery]:
    """Interpretations of typed text, most specific first.

    ``"kota pasuruan"`` gives ``[("pasuruan", kota), ("kotapasuruan", None)]``: the second one
    keeps names that really start with such a word ("Kota Agung", "Desa Baru") findable.
    """
    folded = fold(text)
    words = [w for w in folded.split() if w not in _NOISE_WORDS]
    folded = " ".join(words)
    if any(folded == prefix for prefix, _ in _PREFIXES):
        return []  # "kabupaten" alone names nothing
    results: list[TypedQuery] = []
    for prefix, hint in _PREFIXES:
        if folded.startswith(prefix + " "):
            rest = folded[len(prefix) + 1 :]
            results.append(TypedQuery(rest, rest.replace(" ", ""), hint))
            break
    if folded:
        results.append(TypedQuery(folded, folded.replace(" ", ""), None))
    return results


def split_variants(raw: str) -> tuple[str, tuple[str, ...]]:
    """A source name as (display name, aliases).

    ``"Sei/Sungai Kanan"`` -> ``("Sei Kanan", ("Sungai Kanan",))``;
    ``"Deiyai (Deliyai)"`` -> ``("Deiyai", ("Deliyai",))``;
    ``"Gunung Meriah (Mariah)"`` -> ``("Gunung Meriah", ("Gunung Mariah",))``;
    ``"Lubuk Linggau Barat Dua (II)"`` -> ``("Lubuk Linggau Barat Dua", ())``.
    """
    text = " ".join(raw.replace("Adm.", " ").split())
    if "(" not in text and "/" not in text:  # most names: nothing to split
        return text, ()
    inner: list[str] = re.findall(r"\(([^)]*)\)", text)
    base = " ".join(re.sub(r"\([^)]*\)", " ", text).split())
    names = _slash_variants(base)
    primary = names[0]
    aliases = list(names[1:])
    for item in inner:
        aliases.extend(_paren_aliases(primary, item))
    seen = {compact(primary)}
    unique: list[str] = []
    for alias in aliases:
        key = compact(alias)
        if key and key not in seen:
            seen.add(key)
            unique.append(alias)
    return primary, tuple(unique)


def _slash_variants(text: str) -> list[str]:
    """ "Kedai / Keude Paya" and "Peso Hilir/Ilir": each slashed word is one of two spellings."""
    text = re.sub(r"\s*/\s*", "/", text)
    variants = [""]
    for word in text.split(" "):
        options = [w for w in word.split("/") if w] or [word]
        variants = [f"{v} {o}".strip() for v in variants for o in options][:8]
    return variants


def _paren_aliases(primary: str, inner: str) -> list[str]:
    """Parenthesised text is either another name ("Solo") or another spelling of the last word."""
    inner = " ".join(inner.split())
    if not inner:
        return []
    if len(inner) < 4 or _ROMAN.match(inner.lower()) or inner.lower() in _QUALIFIERS:
        return []
    words = primary.split()
    if len(inner.split()) == 1 and len(words) > 1:
        return [" ".join([*words[:-1], inner])]
    return [v for v in _slash_variants(inner) if len(v) >= 4]


def slug(text: str) -> str:
    """``"Kota Jakarta Pusat"`` -> ``"kota-jakarta-pusat"``: codes that read well in a CSV."""
    return fold(text).replace(" ", "-")

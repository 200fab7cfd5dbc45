"""Turn a question as workers type it into canonical words the matcher can compare.

"Brp iuran BPJS TK sebulan min???" -> ``("berapa", "iuran", "bpjstk", "bulan")``

Steps, each one cheap (a question normalises in well under a millisecond):

1. :func:`clean`: cut very long input, Unicode NFKC, lower case, emoji and control characters
   out, "bayarrr" -> "bayarr", "anak2" -> "anak", amounts ("2,5jt", "Rp 2.500.000") -> ``nominal``.
2. Each word is mapped to its canonical form (``bot/nlu/lexicon.yaml``: slang, abbreviations,
   Javanese, Sundanese, English), else reduced by doubled letters, affixes ("pembayarannya" ->
   "bayar") or one or two typing slips ("pendaftran") to a word we know.
3. Phrases ("bpjs tk", "matur nuwun", "how much") become one canonical word.
4. Filler (forms of address, particles) is dropped, and greetings/thanks are dropped when the
   message also asks something.

The table is data, written for this project; see the header of ``lexicon.yaml``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")
# libyaml's loader when present: the bot reads its tables at start-up and should start fast.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A real question fits in a few lines; beyond this we keep the start (where people put the
# question) and stop, so a pasted 5,000-character text costs the same as a short one.
MAX_INPUT_CHARS = 500
MAX_TOKENS = 60

NUMBER_TOKEN = "angka"
AMOUNT_TOKEN = "nominal"

# Amounts become one token: their value does not decide the topic, their presence does.
_AMOUNT_RE = re.compile(
    r"(?:\b(?:rp|idr)\.?\s*\d[\d.,]*(?:\s*(?:jt|juta|jta|rb|ribu|rebu|k)\b)?)"
    r"|(?:\b\d+(?:[.,]\d+)*\s*(?:jt|juta|jta|jutaan|rb|ribu|rebu|k|thousand|million)\b)"
    r"|(?:\b\d{1,3}(?:[.,]\d{3})+\b)",
)
_REPEAT_RE = re.compile(r"(.)\1{2,}")
_REDUP_RE = re.compile(r"^([^\W\d_]{2,})2$")
_WORD_RE = re.compile(r"[^\W_]+")
_SPLIT_ALNUM_RE = re.compile(r"\d+|[^\W\d_]+")


def clean(text: str) -> str:
    """Lower-cased text with only letters, digits and single spaces left (and ``nominal``)."""
    text = str(text)[: MAX_INPUT_CHARS * 2]
    text = unicodedata.normalize("NFKC", text)[:MAX_INPUT_CHARS].lower()
    # Emoji, symbols and control characters become spaces; letters of any script, digits and
    # the separators amounts need stay.
    kept = [ch if (ch.isalnum() or ch in ".,") else " " for ch in text]
    text = "".join(kept)
    text = _REPEAT_RE.sub(r"\1\1", text)
    text = _AMOUNT_RE.sub(f" {AMOUNT_TOKEN} ", text)
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The words of ``clean(text)``: "anak2" -> "anak", "tgl15" -> "tgl", "15"."""
    out: list[str] = []
    for token in _WORD_RE.findall(clean(text)):
        redup = _REDUP_RE.match(token)
        if redup:
            out.append(redup.group(1))
        elif token.isalpha() or token.isdigit():
            out.append(token)
        else:
            out.extend(_SPLIT_ALNUM_RE.findall(token))
        if len(out) >= MAX_TOKENS:
            break
    return out[:MAX_TOKENS]


@dataclass(frozen=True)
class Lexicon:
    """``lexicon.yaml`` in the shape the normaliser works with."""

    words: dict[str, str]
    phrases: dict[tuple[str, ...], str]
    stopwords: frozenset[str]
    greetings: frozenset[str]
    thanks: frozenset[str]
    courtesy: frozenset[str]
    roots: frozenset[str]
    suffixes: tuple[str, ...]
    prefixes: tuple[str, ...]
    raw: dict[str, object]

    @property
    def canonical_words(self) -> frozenset[str]:
        return frozenset(self.words.values())


@cache
def load_lexicon(path: Path = LEXICON_PATH) -> Lexicon:
    """Read and check the table; a variant claimed by two canonical words is an error."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    single: dict[str, str] = {}
    multi: dict[tuple[str, ...], str] = {}
    for canonical, variants in data["canonical"].items():
        canonical = str(canonical)
        if " " in canonical:
            raise ValueError(f"canonical word with a space: {canonical!r}")
        single.setdefault(canonical, canonical)
        for variant in variants or ():
            parts = tuple(words(str(variant)))
            if not parts:
                continue
            previous = single.get(parts[0]) if len(parts) == 1 else multi.get(parts)
            if previous is not None and previous != canonical:
                raise ValueError(f"{variant!r} is listed under {previous!r} and {canonical!r}")
            if len(parts) == 1:
                single[parts[0]] = canonical
            else:
                multi[parts] = canonical
    shadowed = [c for c in data["canonical"] if single[str(c)] != str(c)]
    if shadowed:
        raise ValueError(f"canonical words listed as variants elsewhere: {shadowed}")
    pleasant = data.get("pleasantries", {})
    return Lexicon(
        words=single,
        phrases=multi,
        stopwords=frozenset(str(w) for w in data.get("stopwords", ())),
        greetings=frozenset(pleasant.get("greeting", ())),
        thanks=frozenset(pleasant.get("thanks", ())),
        courtesy=frozenset(pleasant.get("courtesy", ())),
        roots=frozenset(str(w) for w in data.get("roots", ())),
        suffixes=tuple(data.get("suffixes", ())),
        prefixes=tuple(sorted(set(data.get("prefixes", ())), key=len, reverse=True)),
        raw=data,
    )


@dataclass(frozen=True)
class Normalized:
    """A normalised question: ``tokens`` decide the topic."""

    tokens: tuple[str, ...]
    greeting: bool
    thanks: bool

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


class Normalizer:
    """Maps words to canonical forms; ``vocabulary`` adds known words (e.g. topic examples)."""

    def __init__(self, lexicon: Lexicon | None = None, vocabulary: Iterable[str] = ()) -> None:
        self.lexicon = lexicon or load_lexicon()
        lex = self.lexicon
        # Base words come from the lexicon; affixes and typos are resolved towards them first,
        # so "daftarkan", "daftarin" and "pendaftaran" all become "daftar" even when one of them
        # also appears verbatim in a topic example.
        self._base = frozenset(set(lex.words) | lex.canonical_words | lex.roots | lex.stopwords)
        self._canonical_words = lex.canonical_words | lex.roots
        extra = {w for w in vocabulary if w.isalpha() and len(w) > 1}
        self._known = self._base | extra
        # Typo candidates grouped by first letter: people rarely slip on the first one, and it
        # keeps each fuzzy look-up small.
        by_letter: dict[str, list[str]] = {}
        for word in sorted(self._known):
            if len(word) >= 4:
                by_letter.setdefault(word[0], []).append(word)
        self._by_letter = by_letter
        self._cache: dict[str, str] = {}
        # Phrase keys are compared after single words are canonical, so "tgl brp bayar" and
        # "tanggal berapa bayar" are the same phrase.
        self._phrases: dict[tuple[str, ...], str] = {}
        for parts, canonical in lex.phrases.items():
            self._phrases[tuple(self.word(p) for p in parts)] = canonical
        self._max_phrase = max((len(k) for k in self._phrases), default=1)

    @property
    def known_words(self) -> frozenset[str]:
        return self._known

    def word(self, token: str) -> str:
        """The canonical form of one word (cached; the first sight of a word pays once)."""
        cached = self._cache.get(token)
        if cached is None:
            cached = self._canonical(token)
            if len(self._cache) < 50_000:
                self._cache[token] = cached
        return cached

    def _canonical(self, token: str) -> str:
        lex_words = self.lexicon.words
        if token in lex_words:
            return lex_words[token]
        if token.isdigit():
            return NUMBER_TOKEN
        if token in self._base or not token.isalpha():
            return token
        single = re.sub(r"(.)\1", r"\1", token)  # "bayarr" -> "bayar", "hallo" -> "halo"
        for vocabulary in (self._base, self._known):
            if single in vocabulary:
                return lex_words.get(single, single)
            for candidate in (token, single):
                root = self._strip_affixes(candidate, vocabulary)
                if root is not None:
                    return lex_words.get(root, root)
            if token in self._known:
                return token
        fixed = self._fix_typo(token)
        if fixed is not None:
            return lex_words.get(fixed, fixed)
        return token

    def _strip_affixes(self, token: str, vocabulary: frozenset[str]) -> str | None:
        """A known base word inside ``token``: suffixes alone first, then prefix + suffixes.

        With a prefix the shortest known stem wins, because pe-/per-/ke- ... -an words are
        nouns made from the bare verb: "pembayaran" is about "bayar", not "bayaran" (wages).
        Filler words and short stems that are not canonical words are never the answer, so
        "pemilu" does not turn into "ilu" (Sundanese for "ikut").
        """
        for stem in self._suffix_stems(token)[1:]:
            if self._acceptable_stem(stem, vocabulary):
                return stem
        for prefix in self.lexicon.prefixes:
            if not token.startswith(prefix) or len(token) - len(prefix) < 3:
                continue
            rest = token[len(prefix) :]
            for candidate in _nasal_variants(prefix, rest):
                stems = [
                    s for s in self._suffix_stems(candidate) if self._acceptable_stem(s, vocabulary)
                ]
                if stems:
                    return min(stems, key=len)
        return None

    def _acceptable_stem(self, stem: str, vocabulary: frozenset[str]) -> bool:
        if stem not in vocabulary or stem in self.lexicon.stopwords:
            return False
        return len(stem) >= 4 or stem in self._canonical_words

    def _suffix_stems(self, token: str) -> list[str]:
        """``token`` and what is left after one or two suffixes ("-kan" + "-nya")."""
        suffixes = self.lexicon.suffixes
        stems = [token]
        for suffix in suffixes:
            if token.endswith(suffix) and len(token) - len(suffix) >= 3:
                stem = token[: -len(suffix)]
                stems.append(stem)
                for inner in suffixes:
                    if stem.endswith(inner) and len(stem) - len(inner) >= 3:
                        stems.append(stem[: -len(inner)])
        return stems

    def _fix_typo(self, token: str) -> str | None:
        if len(token) < 5:
            return None
        choices = self._by_letter.get(token[0])
        if not choices:
            return None
        limit = 1 if len(token) < 8 else 2
        found = process.extractOne(token, choices, scorer=OSA.distance, score_cutoff=limit)
        return found[0] if found else None

    def __call__(self, text: str) -> Normalized:
        canon = [self.word(t) for t in words(text)]
        merged = self._merge_phrases(canon)
        lex = self.lexicon
        content = [t for t in merged if t not in lex.stopwords]
        pleasant = lex.greetings | lex.thanks
        greeting = any(t in lex.greetings for t in content)
        thanks = any(t in lex.thanks for t in content)
        substantive = [t for t in content if t not in pleasant]
        if (greeting or thanks) and all(t in lex.courtesy for t in substantive):
            # "makasih udah dibantu", "halo, ada orang?": still only a greeting or thanks.
            substantive = []
        tokens = substantive if substantive else [t for t in content if t in pleasant]
        return Normalized(tokens=tuple(tokens), greeting=greeting, thanks=thanks)

    def _merge_phrases(self, tokens: list[str]) -> list[str]:
        out: list[str] = []
        i = 0
        phrases = self._phrases
        while i < len(tokens):
            for size in range(min(self._max_phrase, len(tokens) - i), 1, -1):
                canonical = phrases.get(tuple(tokens[i : i + size]))
                if canonical is not None:
                    out.append(canonical)
                    i += size
                    break
            else:
                out.append(tokens[i])
                i += 1
        return out


# Javanese/colloquial bare nasal prefixes: "mbayar" (m + bayar), "ndaftar" (n + daftar), or the
# nasal replaces the first sound: "milih" (pilih), "nambah" (tambah). Nothing else: "namamu" is
# not n + "amamu".
_BARE_NASALS = {"m": ("bp", "p"), "n": ("dtj", "t")}
_VOWELS = "aeiou"


def _nasal_variants(prefix: str, rest: str) -> tuple[str, ...]:
    """Undo the sound change of me-/pe- prefixes: "menyetor" -> "setor", "nyicil" -> "cicil"."""
    if prefix in _BARE_NASALS:
        keeps, replaced = _BARE_NASALS[prefix]
        if rest[0] in keeps:
            return (rest,)
        return (replaced + rest,) if rest[0] in _VOWELS else ()
    if prefix in ("meny", "peny", "ny"):
        return (rest, "s" + rest, "c" + rest)
    if prefix in ("mem", "pem"):
        return (rest, "p" + rest)
    if prefix in ("men", "pen"):
        return (rest, "t" + rest)
    if prefix in ("meng", "peng", "ng"):
        return (rest, "k" + rest)
    return (rest,)


@cache
def default_normalizer() -> Normalizer:
    """The lexicon-only normaliser (the matcher builds one that also knows its examples)."""
    return Normalizer()


def normalize(text: str) -> Normalized:
    """Normalise with the lexicon only; see :class:`Normalizer`."""
    return default_normalizer()(text)

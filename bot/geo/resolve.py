"""From typed text to the regency it names: regencies/cities, districts, villages, postal codes.

Matching goes from strict to loose and stops at the first tier that finds something:
postal code -> regency/city name -> "Jakarta"/"Sumba" partial regency names -> (a province name
alone matches nothing) -> district name (plus regencies one typo away: "makasar") -> "Cikarang"
partial district names -> typo-tolerant comparison (regencies and districts only; village
names repeat too much across the country for guesses to help) -> exact village name.
Text with commas ("Babat, Lamongan", "Sukamaju, Cibungbulang") is read part by part, each part
narrowing the others.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from rapidfuzz import fuzz, process

from bot.geo.model import Place, PlaceCandidate, PlaceKind, PlaceMatch, Regency
from bot.geo.names import TypedQuery, compact, parse_query, split_variants

MAX_CANDIDATES = 10
FUZZY_CUTOFF = 85.0  # "lamongn"/"lamongan" scores 93, "bogr"/"bogor" 89
FUZZY_SPREAD = 2.0  # candidates this close to the best are all offered
FUZZY_STRONG = 90.0  # a regency this close is offered beside an exact district/village name
_KIND_ORDER: dict[PlaceKind, int] = {"regency": 0, "district": 1, "postal": 2, "village": 3}
_POSTAL = re.compile(r"^\d{5}$")

VillageGroups = Iterable[tuple[str, str, str, list[str]]]


def _most_general(hits: list[_Hit]) -> list[_Hit]:
    """Regency hits if there are any, else district hits, else the rest."""
    for kind in ("regency", "district"):
        same = [h for h in hits if h.kind == kind]
        if same:
            return same
    return hits


class _Hit(NamedTuple):
    kind: PlaceKind
    name: str
    regency_code: str
    district: str
    score: float


@dataclass
class PlaceIndex:
    """Lookup tables over regencies, districts, postal codes and (loaded on first use) villages."""

    regencies: Mapping[str, Regency]
    places: Iterable[Place]
    village_loader: Callable[[], VillageGroups] | None = None
    _regency_keys: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    _district_keys: dict[str, list[tuple[str, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    _postal: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    _villages: dict[str, list[tuple[str, str, str]]] | None = None
    _province_keys: dict[str, str] = field(default_factory=dict)
    _fuzzy_keys: list[str] = field(default_factory=list)
    _regency_words: list[tuple[str, set[str]]] = field(default_factory=list)
    _district_words: list[tuple[str, str, set[str]]] = field(default_factory=list)
    _fuzzy_hits: list[list[_Hit]] = field(default_factory=list)

    def __post_init__(self) -> None:
        for regency in self.regencies.values():
            for name in (regency.name, *regency.aliases):
                self._regency_keys[compact(name)].append(regency.code)
            self._province_keys[compact(regency.province)] = regency.province_code
            # "Jakarta", "Yogyakarta": the province without its "DKI"/"DI" title.
            short = re.sub(r"^(DKI|DI|Daerah Istimewa|Daerah Khusus)\s+", "", regency.province)
            self._province_keys.setdefault(compact(short), regency.province_code)
        self._regency_words = [
            (r.code, {compact(w) for w in r.name.split()}) for r in self.regencies.values()
        ]
        for place in self.places:
            if place.kind == "district":
                self._district_words.append(
                    (place.name, place.regency_code, {compact(w) for w in place.name.split()})
                )
                for name in (place.name, *place.aliases):
                    self._district_keys[compact(name)].append((place.name, place.regency_code))
            elif place.kind == "postal":
                self._postal[place.name].append((place.regency_code, place.district))
        self._build_fuzzy()

    def _build_fuzzy(self) -> None:
        table: dict[str, list[_Hit]] = defaultdict(list)
        for key, codes in self._regency_keys.items():
            for code in codes:
                table[key].append(_Hit("regency", self.regencies[code].name, code, "", 100.0))
        for key, districts in self._district_keys.items():
            for name, code in districts:
                table[key].append(_Hit("district", name, code, "", 100.0))
        self._fuzzy_keys = list(table)
        self._fuzzy_hits = [table[k] for k in self._fuzzy_keys]

    # -- public -----------------------------------------------------------------------------

    def resolve(self, text: str) -> PlaceMatch:
        parts = [p for p in re.split(r"[,;\n]", text) if p.strip()]
        hits = self._resolve_part(text) if len(parts) <= 1 else self._resolve_parts(parts)
        return self._to_match(text, hits)

    # -- one piece of text ------------------------------------------------------------------

    def _resolve_part(self, text: str, exhaustive: bool = False) -> list[_Hit]:
        """Hits of the first tier that finds any; ``exhaustive`` collects every exact tier
        instead, so that another part of the text can pick among them."""
        queries = parse_query(text)
        for query in queries:
            if _POSTAL.match(query.key):
                return self._postal_hits(query.key)
        if exhaustive:
            return self._exhaustive_hits(queries)
        for tier in (self._regency_hits, self._partial_hits):
            for query in queries:
                hits = tier(query)
                if hits:
                    return hits
        if any(q.key in self._province_keys for q in queries):
            return []  # "Jawa Timur" alone: too broad to pick a branch
        # Typo-tolerant regency/district matches come before exact village names: villages
        # are loaded only when needed, and a near-miss of a regency is the likelier meaning.
        tiers = (self._district_hits, self._partial_district_hits, self._fuzzy_hits_for,
                 self._village_hits)  # fmt: skip
        for tier in tiers:
            for query in queries:
                hits = tier(query)
                if hits:
                    if tier in (self._district_hits, self._village_hits):
                        # "Makasar" is a district in Jakarta and, misspelt, the city Makassar.
                        hits = hits + self._strong_fuzzy_regencies(query)
                    return hits
        return []

    def _exhaustive_hits(self, queries: list[TypedQuery]) -> list[_Hit]:
        hits: list[_Hit] = []
        for tier in (self._regency_hits, self._district_hits, self._village_hits):
            for query in queries:
                hits.extend(tier(query))
        if not hits:
            for query in queries:
                hits.extend(self._partial_hits(query) or self._fuzzy_hits_for(query))
        return hits

    def _strong_fuzzy_regencies(self, query: TypedQuery) -> list[_Hit]:
        if query.hint is not None or len(query.key) < 4:
            return []
        found = process.extract(
            query.key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_STRONG, limit=10
        )
        return [
            hit._replace(score=score)
            for _key, score, index in found
            if score < 100
            for hit in self._fuzzy_hits[index]
            if hit.kind == "regency"
        ]

    def _postal_hits(self, code: str) -> list[_Hit]:
        return [_Hit("postal", code, reg, district, 100.0) for reg, district in self._postal[code]]

    def _regency_hits(self, query: TypedQuery) -> list[_Hit]:
        if query.hint in ("district", "village", "postal"):
            return []
        codes = self._regency_keys.get(query.key, [])
        if query.hint in ("kab", "kota"):
            # "kota lamongan" means the town: fall back to the kabupaten if no kota has the name.
            same_kind = [c for c in codes if self.regencies[c].kind == query.hint]
            codes = same_kind or codes
        return [_Hit("regency", self.regencies[c].name, c, "", 100.0) for c in codes]

    def _district_hits(self, query: TypedQuery) -> list[_Hit]:
        if query.hint in ("village", "postal"):
            return []
        return [
            _Hit("district", name, code, name, 100.0)
            for name, code in self._district_keys.get(query.key, [])
        ]

    def _village_hits(self, query: TypedQuery) -> list[_Hit]:
        if query.hint in ("district", "postal") or len(query.key) < 3:
            return []
        villages = self._village_table()
        return [
            _Hit("village", name, code, district, 100.0)
            for name, district, code in villages.get(query.key, [])
        ]

    def _partial_hits(self, query: TypedQuery) -> list[_Hit]:
        """Every word typed is a word of a regency's name: "Jakarta" -> the five Jakarta cities,
        "Sumba" -> the four Sumba regencies. Too many ("Timur") is no answer."""
        if query.hint in ("district", "village", "postal") or len(query.key) < 4:
            return []
        words = set(query.text.split())
        hits = [
            _Hit("regency", self.regencies[code].name, code, "", 95.0)
            for code, name_words in self._regency_words
            if words <= name_words
        ]
        return hits if len(hits) <= MAX_CANDIDATES else []

    def _partial_district_hits(self, query: TypedQuery) -> list[_Hit]:
        """The same for districts: "Cikarang" -> Cikarang Barat, Timur, ... (all Kab. Bekasi)."""
        if query.hint in ("kab", "kota", "village", "postal") or len(query.key) < 4:
            return []
        words = set(query.text.split())
        hits = [
            _Hit("district", name, code, name, 95.0)
            for name, code, name_words in self._district_words
            if words <= name_words
        ]
        return hits if len({h.regency_code for h in hits}) <= MAX_CANDIDATES else []

    def _fuzzy_hits_for(self, query: TypedQuery) -> list[_Hit]:
        if query.hint in ("village", "postal") or len(query.key) < 4:
            return []
        found = process.extract(
            query.key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=30
        )
        if not found:
            return []
        best = max(score for _, score, _ in found)
        hits: list[_Hit] = []
        for _key, score, index in found:
            if score < best - FUZZY_SPREAD:
                continue
            for hit in self._fuzzy_hits[index]:
                # "kab bogr" is a regency with a typo: neither a district nor "Kota Bogor".
                if query.hint in ("kab", "kota") and (
                    hit.kind == "district" or self.regencies[hit.regency_code].kind != query.hint
                ):
                    continue
                hits.append(hit._replace(score=score))
        return hits

    # -- several pieces: "Babat, Lamongan, Jawa Timur" ---------------------------------------

    def _resolve_parts(self, parts: list[str]) -> list[_Hit]:
        provinces = {p for p in (self._province_keys.get(compact(part)) for part in parts) if p}
        per_part = [
            hits for hits in (self._resolve_part(p, exhaustive=True) for p in parts) if hits
        ]
        if provinces:
            # "Wonosari, Yogyakarta": the province rules out namesakes elsewhere.
            filtered = [
                [h for h in hits if self.regencies[h.regency_code].province_code in provinces]
                for hits in per_part
            ]
            if any(filtered):
                per_part = [hits for hits in filtered if hits]
        if not per_part:
            return []
        # The most specific part usually comes first; the others say which regency is meant,
        # and a district part also says which village ("Sukamaju, Cibungbulang"). Villages
        # are too many to serve as context themselves.
        for i, hits in enumerate(per_part):
            others = [h for j, other in enumerate(per_part) if j != i for h in other]
            districts = {(h.regency_code, compact(h.name)) for h in others if h.kind == "district"}
            in_district = [
                h
                for h in hits
                if h.kind == "village" and (h.regency_code, compact(h.district)) in districts
            ]
            if in_district:
                return in_district
            regencies = {h.regency_code for h in others if h.kind != "village"}
            narrowed = [h for h in hits if h.regency_code in regencies]
            if narrowed:
                return _most_general(narrowed)
        return _most_general(per_part[0])

    # -- results ----------------------------------------------------------------------------

    def _village_table(self) -> dict[str, list[tuple[str, str, str]]]:
        if self._villages is None:
            table: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
            if self.village_loader is not None:
                for regency_code, district, _postal, raw_names in self.village_loader():
                    for raw in raw_names:
                        name, aliases = split_variants(raw)
                        for variant in (name, *aliases):
                            table[compact(variant)].append((name, district, regency_code))
            self._villages = table
        return self._villages

    def _to_match(self, text: str, hits: list[_Hit]) -> PlaceMatch:
        # One candidate per regency: the routing only needs the regency, and a district and a
        # village of the same name in one regency are not a real choice.
        best: dict[str, _Hit] = {}
        for hit in hits:
            kept = best.get(hit.regency_code)
            if kept is None or (-hit.score, _KIND_ORDER[hit.kind]) < (
                -kept.score,
                _KIND_ORDER[kept.kind],
            ):
                best[hit.regency_code] = hit
        ordered = sorted(
            best.values(),
            key=lambda h: (-h.score, _KIND_ORDER[h.kind], self.regencies[h.regency_code].province,
                           h.name, self.regencies[h.regency_code].display_name),
        )  # fmt: skip
        candidates = tuple(self._candidate(h) for h in ordered[:MAX_CANDIDATES])
        return PlaceMatch(query=text, candidates=candidates, total=len(ordered))

    def _candidate(self, hit: _Hit) -> PlaceCandidate:
        regency = self.regencies[hit.regency_code]
        where = f"{regency.display_name}, {regency.province}"
        if hit.kind == "regency":
            label = where
        elif hit.kind == "district":
            label = f"Kec. {hit.name}, {where}"
        elif hit.kind == "village":
            label = f"{hit.name}, Kec. {hit.district}, {where}"
        else:
            district = f"Kec. {hit.district}, " if hit.district else ""
            label = f"Kode pos {hit.name}: {district}{where}"
        return PlaceCandidate(
            kind=hit.kind,
            name=hit.name,
            label=label,
            regency_code=regency.code,
            regency=regency.display_name,
            province=regency.province,
            score=hit.score,
        )

"""Finding the branch office for a worker outside the registration (menu "Nearest office")."""

from __future__ import annotations

from dataclasses import dataclass

from bot.geo import Directory, OutsideIndonesiaError, RoutingResult
from bot.i18n import _

MAX_CHOICES = 6


@dataclass(frozen=True)
class OfficeAnswer:
    office: RoutingResult | None = None
    # Several places matched the typed text: (regency code, label) to choose from.
    choices: tuple[tuple[str, str], ...] = ()
    outside_indonesia: bool = False


def office_name_for_worker(
    name: str, provisional: bool, area: str, lang: str, *, start: bool = False
) -> str:
    """What a worker reads for the branch serving ``area`` ("Kabupaten Muna Barat").

    A derived (provisional) branch is only our placeholder, so it is never named to a worker:
    they read "kantor BPJS Ketenagakerjaan yang melayani Kabupaten X". Staff see ``name``.
    ``start`` gives the form that opens a sentence.
    """
    if not provisional:
        return name
    if not area:
        if start:
            return _("The BPJS Ketenagakerjaan office serving your area", lang)
        return _("the BPJS Ketenagakerjaan office serving your area", lang)
    if start:
        return _("The BPJS Ketenagakerjaan office serving {area}", lang, area=area)
    return _("the BPJS Ketenagakerjaan office serving {area}", lang, area=area)


def office_for_point(directory: Directory, lat: float, lon: float) -> OfficeAnswer:
    try:
        return OfficeAnswer(office=directory.nearest_branch(lat, lon))
    except OutsideIndonesiaError:
        return OfficeAnswer(outside_indonesia=True)


def office_for_text(directory: Directory, text: str) -> OfficeAnswer:
    match = directory.resolve_place(text[:200])
    if match.best is not None:
        return OfficeAnswer(office=directory.route_regency(match.best.regency_code))
    if match.ambiguous:
        seen: dict[str, str] = {}
        for candidate in match.candidates:
            seen.setdefault(candidate.regency_code, candidate.label)
        if len(seen) == 1:
            return OfficeAnswer(office=directory.route_regency(next(iter(seen))))
        return OfficeAnswer(choices=tuple(list(seen.items())[:MAX_CHOICES]))
    return OfficeAnswer()


def office_for_regency(directory: Directory, code: str) -> OfficeAnswer:
    if code not in directory.regencies:
        return OfficeAnswer()
    return OfficeAnswer(office=directory.route_regency(code))

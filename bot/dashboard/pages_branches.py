"""The Cabang pages (managers only): the branch directory with each branch's service area,
address, phone and linked staff groups; one branch with its edit form, the regencies that can
be moved to it, a link code for its staff group, and its audit trail (see ``views_branches``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from aiohttp import web

from bot import branch_admin
from bot.branch_admin import BranchEntry, ChangeEntry, RegencyEntry
from bot.dashboard import keys
from bot.dashboard import labels as fmt
from bot.dashboard.html import Html, el
from bot.dashboard.layout import csrf_field, empty, page, table
from bot.i18n import N_, _
from bot.staff import LINK_CODE_TTL

# The forms' fields.
NAME_FIELD, ADDRESS_FIELD, PHONE_FIELD = "nama", "alamat", "telepon"
VERIFIED_FIELD, REGENCY_FIELD = "terverifikasi", "wilayah"
# What the last action did (``?hasil=``).
RESULTS = {
    "saved": N_("Saved. The change is recorded below."),
    "moved": N_("Moved: this branch now serves {regency}. The change is recorded below."),
}
# Why a change was refused (``branch_admin.Refusal``).
REFUSALS = {
    "unknown_branch": N_("There is no such branch."),
    "unknown_regency": N_("Choose a regency from the list."),
    "empty_name": N_("The branch needs a name."),
    "long_name": N_("The name is too long: at most {n} characters."),
    "long_address": N_("The address is too long: at most {n} characters."),
    "bad_phone": N_("The phone number may contain only digits, spaces and + - ( )."),
    "unchanged": N_("Nothing was changed."),
    "same_branch": N_("That regency is already served by this branch."),
}
FIELD_LABELS = {
    "name": N_("Name"),
    "address": N_("Address"),
    "phone": N_("Phone"),
    "verified": N_("Verified"),
}


def branch_list(
    request: web.Request, branches: Sequence[BranchEntry], changes: Sequence[ChangeEntry],
    names: Mapping[str, str], provinces: Mapping[str, str],
) -> web.Response:
    lang = keys.lang_of(request)
    rows = [
        [
            el("a", b.name, href=f"/cabang/{b.code}"),
            _provisional_badge(b, lang),
            provinces.get(b.province_code, b.province_code),
            ", ".join(r.name for r in b.regencies) or "—",
            b.address or "—",
            b.phone or "—",
            fmt.number(len(b.group_chat_ids), lang),
        ]
        for b in branches
    ]
    intro = el("p", _(
        "A provisional branch is our own placeholder: workers never read its name, only "
        "“the BPJS Ketenagakerjaan office serving Kabupaten X”. Open a branch to edit it, move a "
        "regency to it, or make a link code for its staff group.", lang), class_="muted")
    return page(
        request, _("Branches", lang), intro,
        table([_("Branch", lang), _("Status", lang), _("Province", lang),
               _("Service area", lang), _("Address", lang), _("Phone", lang),
               _("Staff groups", lang)], rows, numeric=(6,), css="branches"),
        el("h2", _("Recent changes", lang)),
        _changes_table(changes, names, lang),
    )


def branch_detail(
    request: web.Request, branch: BranchEntry, movable: Sequence[RegencyEntry],
    changes: Sequence[ChangeEntry], names: Mapping[str, str], *, result: str | None = None,
    regency_name: str = "", refusal: str | None = None, link_code: str | None = None,
    status: int = 200,
) -> web.Response:
    lang = keys.lang_of(request)
    session = keys.session_of(request)
    assert session is not None  # the login middleware saw to it
    notice = None
    if result:
        notice = el("p", _(RESULTS[result], lang, regency=regency_name), class_="notice",
                    role="status")
    elif refusal:
        notice = el("p", _(REFUSALS[refusal], lang, n=branch_admin.MAX_NAME
                           if refusal == "long_name" else branch_admin.MAX_ADDRESS),
                    class_="alert", role="alert")
    code_box = None
    if link_code:
        code_box = el(
            "div",
            el("p", _("Send this in the branch's staff group within {hours} hours. It works "
                      "once.", lang, hours=int(LINK_CODE_TTL.total_seconds() // 3600))),
            el("p", el("code", f"/hubungkan {link_code}", data_link_code=link_code)),
            class_="notice", role="status",
        )
    edit = el(
        "form",
        csrf_field(session),
        el("label", _("Name", lang),
           el("input", name=NAME_FIELD, value=branch.name, maxlength=branch_admin.MAX_NAME,
              required=True)),
        el("label", _("Address", lang),
           el("input", name=ADDRESS_FIELD, value=branch.address,
              maxlength=branch_admin.MAX_ADDRESS)),
        el("label", _("Phone", lang),
           el("input", name=PHONE_FIELD, value=branch.phone, maxlength=30, type="tel")),
        el("label", el("input", type="checkbox", name=VERIFIED_FIELD, value="1",
                       checked=not branch.provisional),
           _("Verified: workers may read this branch's name", lang), class_="inline"),
        el("div", el("button", _("Save", lang), type="submit"), class_="buttons"),
        method="post", action=f"/cabang/{branch.code}/ubah", class_="branch-edit",
    )
    area = el("ul", [el("li", r.name, data_regency=r.code) for r in branch.regencies]) \
        if branch.regencies else empty(_("This branch serves no regency.", lang))
    move = el(
        "form",
        csrf_field(session),
        el("label", _("Move a regency to this branch", lang), el("select", [
            el("option", _("{regency} (now: {branch})", lang, regency=r.name,
                           branch=names.get(r.branch_code, r.branch_code)), value=r.code)
            for r in movable
        ], name=REGENCY_FIELD, required=True)),
        el("div", el("button", _("Move here", lang), type="submit"), class_="buttons"),
        method="post", action=f"/cabang/{branch.code}/wilayah", class_="branch-move",
    ) if movable else None
    link = el(
        "form",
        csrf_field(session),
        el("p", _("A link code lets the branch's staff link their Telegram group: they send "
                  "/hubungkan CODE in the group.", lang), class_="muted"),
        el("div", el("button", _("Make a link code", lang), type="submit", class_="secondary"),
           class_="buttons"),
        method="post", action=f"/cabang/{branch.code}/kode", class_="branch-link",
    )
    groups = el("p", _("Linked staff groups: {groups}", lang, groups=", ".join(
        str(chat) for chat in branch.group_chat_ids) or "—"))
    return page(
        request, branch.name, notice, code_box,
        el("p", el("a", _("All branches", lang), href="/cabang")),
        el("p", f"{branch.code} · ", _provisional_badge(branch, lang), " · ",
           branch.provenance, class_="muted"),
        el("h2", _("Details", lang)), edit,
        el("h2", _("Service area", lang)), area, move,
        el("h2", _("Staff groups", lang)), groups, link,
        el("h2", _("Changes", lang)), _changes_table(changes, names, lang),
        status=status,
    )


def _provisional_badge(branch: BranchEntry, lang: str) -> Html:
    if branch.provisional:
        return el("span", _("provisional", lang), class_="badge warn", data_provisional="1")
    return el("span", _("verified", lang), class_="badge", data_provisional="0")


def _changes_table(changes: Sequence[ChangeEntry], names: Mapping[str, str], lang: str) -> Html:
    if not changes:
        return empty(_("No changes yet.", lang))
    rows = [
        [fmt.moment(c.at, lang), c.actor.removeprefix("akun:"),
         _("all", lang) if c.branch_code == branch_admin.ALL_BRANCHES
         else names.get(c.branch_code, c.branch_code), change_summary(c, names, lang)]
        for c in changes
    ]
    return table([_("When", lang), _("Who", lang), _("Branch", lang), _("Change", lang)], rows,
                 css="changes")


def change_summary(change: ChangeEntry, names: Mapping[str, str], lang: str) -> str:
    details = change.details
    if change.action == branch_admin.ChangeAction.MOVE_REGENCY:
        return _("{regency} moved from {before} to {after}", lang,
                 regency=details.get("regency_name", details.get("regency", "")),
                 before=names.get(str(details.get("from")), str(details.get("from"))),
                 after=names.get(change.branch_code, change.branch_code))
    if change.action == branch_admin.ChangeAction.LINK_CODE:
        return _("Link code made", lang)
    if change.action == branch_admin.ChangeAction.IMPORT:
        return _("Official list imported: {n} branches", lang,
                 n=fmt.number(int(details.get("branches", 0)), lang))
    parts = []
    for field, (before, after) in details.items():
        label = _(FIELD_LABELS.get(field, field), lang)
        if field == "verified":
            before, after = (_("yes", lang) if v else _("no", lang) for v in (before, after))
        parts.append(_("{field}: “{before}” → “{after}”", lang, field=label,
                       before=before or "—", after=after or "—"))
    return "; ".join(parts)
